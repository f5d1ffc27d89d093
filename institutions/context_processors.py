"""Values every page needs: the other language's URL for the switch in the header."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_switch(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    others = [
        {
            "code": code,
            # Each language named in itself: 日本語 on an English page, English on a Japanese one.
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
        }
        for code, _name in settings.LANGUAGES
        if not current.startswith(code)
    ]
    return {"language_switch": others}
