"""E-mail to the people of the product, through an outbox officials can read.

Reminders, report decisions, review assignments, hearings and published decisions all
go through here: each message is stored (who, what, why), sent by a Celery task, and
stays readable. Messages that officials must look at first are staged and wait for
an official to release them.
"""
