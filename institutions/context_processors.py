"""Values every page needs: the other language's URL for the switch in the header."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def language_switch(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    others = [
        {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
        for code, name in settings.LANGUAGES
        if not current.startswith(code)
    ]
    return {"language_switch": others}
