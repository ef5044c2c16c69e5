"""The language of a request: ``?lang=``, then the ``lang`` cookie, then Chinese (the catalogues themselves are
:mod:`jundeng.i18n`)."""

from __future__ import annotations

from fastapi import Request

from jundeng.i18n import LANGUAGES
from jundeng.i18n import N_ as N_
from jundeng.i18n import catalog as catalog
from jundeng.i18n import translator as translator


def language(request: Request) -> str:
    """Return the language of a request: ?lang=, else the lang cookie, else zh."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGUAGES else "zh"
