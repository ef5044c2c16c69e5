"""Terms the pages and reports take from data files but show in their language: units of measurement.

A unit is translated whole when the catalogue has it (``1/10万``), else piece by piece, split on ``/`` and ``·``
(``元/人/月`` → yuan/person/month; a piece after ``/`` is first looked up as ``/piece``, for a singular: per
person, not per persons); a piece the catalogue lacks is shown as it is (``%``, ``‰``, ``㎡``).
"""

from __future__ import annotations

import re

from jundeng.i18n import N_, translator

# The pieces of the units in the shipped catalogues and ledgers (msgids, translated in messages.po)
UNIT_WORDS = (
    N_("元"),
    N_("万元"),
    N_("人"),
    N_("/人"),
    N_("名"),
    N_("千人"),
    N_("万人"),
    N_("人次"),
    N_("万人次"),
    N_("月"),
    N_("年"),
    N_("班"),
    N_("个"),
    N_("所"),
    N_("套"),
    N_("家"),
    N_("座"),
    N_("户"),
    N_("场"),
    N_("辆"),
    N_("张"),
    N_("床"),
    N_("间"),
    N_("条"),
    N_("处"),
    N_("亩"),
    N_("公里"),
    N_("平方米"),
    N_("百分点"),
    N_("1/10万"),
)

_PIECES = re.compile(r"([/·])")


def unit_in(lang: str, unit: str | None) -> str:
    """Return a unit of measurement in the page's language ('' when there is none)."""
    if not unit:
        return ""
    _ = translator(lang)
    whole = _(unit)
    if whole != unit:
        return whole
    pieces = _PIECES.split(unit)
    out = []
    for n, piece in enumerate(pieces):
        per = "/" + piece
        if piece in ("/", "·"):
            out.append(piece)
        elif n > 0 and pieces[n - 1] == "/" and _(per) != per:
            out.append(_(per))
        else:
            out.append(_(piece))
    return "".join(out)
