"""Message catalogues: Chinese is the source language (msgid), English comes from a gettext .po file
read with Babel; the language is chosen by ``?lang=``, then the ``lang`` cookie, then Chinese."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi import Request

LOCALES = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """Return msgid → translation for ``lang`` (empty for the source language)."""
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if lang == "zh" or not path.exists():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


def N_(text: str) -> str:  # noqa: N802 — the gettext convention for a msgid translated later
    """Mark ``text`` as a msgid (translated when the page renders)."""
    return text


def language(request: Request) -> str:
    """Return the language of a request: ?lang=, else the lang cookie, else zh."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGUAGES else "zh"


def translator(lang: str) -> Callable[[str], str]:
    """Return the gettext function for ``lang``."""
    messages = catalog(lang)
    return lambda text: messages.get(text, text)
