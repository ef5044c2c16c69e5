"""Policy document extraction: propose the targets, tasks, standards and baselines of a policy text.

``extract_text`` reads a text (simplified or traditional script) and returns ``Candidate`` objects with their
source spans for review; ``extract_file`` reads a .txt, .html, .docx or text-layer .pdf file first. Pure: no
database, no network.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jundeng.extract.extractor import extract
from jundeng.extract.model import FIELDS, KINDS, Candidate
from jundeng.extract.reader import SUFFIXES, read_document


def extract_text(
    text: str,
    *,
    source: str | None = None,
    default_year: int | None = None,
    directions: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Return the candidates of ``text`` in document order; ``default_year`` when the text names none.

    ``directions`` maps indicator names (or codes) known from the catalogue to "higher" / "lower": a reach verb
    (达到 93%) on a known indicator then compares in its direction; unknown ones use the built-in lexicon.
    """
    return extract(text, source=source, default_year=default_year, directions=directions)


def extract_file(path: str | Path) -> list[Candidate]:
    """Return the candidates of a .txt, .html, .docx or .pdf file (offsets are on ``read_document(path)``)."""
    return extract_text(read_document(path), source=str(path))


__all__ = ["FIELDS", "KINDS", "SUFFIXES", "Candidate", "extract_file", "extract_text", "read_document"]
