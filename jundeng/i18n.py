"""Message catalogues: Chinese is the source language (msgid), English comes from a gettext .po file
(``jundeng/web/locale``) read with Babel; used by the web pages and by the reports."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "web" / "locale"
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


def translator(lang: str) -> Callable[[str], str]:
    """Return the gettext function for ``lang``."""
    messages = catalog(lang)
    return lambda text: messages.get(text, text)
