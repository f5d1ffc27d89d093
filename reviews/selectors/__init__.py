"""Reads of the joint review worth naming: the queries behind each page and export.

Scores are read only through Score.objects.visible_to(user) (the blind rule)."""
