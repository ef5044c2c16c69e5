"""The extraction pipeline: normalize, lay out, find quantities, classify, describe, attach units.

Hand-written glue of the modules beside it (no NLP pipeline library knows policy text): every text field it
reports (sentence, indicator, scope, units, domain where a heading spells it) is sliced from the original text
at offsets found on the normalized one, so traditional-script documents come back in their own script.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jundeng.extract.classify import final_comparator, kind_of, mode_at, tense_cues
from jundeng.extract.describe import indicator_of, lead_year, scope_of, year_for, year_mentions
from jundeng.extract.model import Candidate
from jundeng.extract.noise import Spans, noise_spans
from jundeng.extract.normalize import is_traditional, normalize, to_traditional
from jundeng.extract.quantities import Quantity, clause_end, clause_start, quantities
from jundeng.extract.sentences import Layout, Sentence, layout
from jundeng.extract.tables import TableReader
from jundeng.extract.units import UnitNote, unit_notes


@dataclass
class Document:
    """A text being extracted: the original, its matching form and what was learnt of its layout."""

    original: str
    norm: str
    layout: Layout
    noise: Spans
    quotes: Spans
    source: str | None = None
    traditional: bool = False
    candidates: list[tuple[Candidate, int]] = field(default_factory=list)


def _domain(doc: Document, sentence: Sentence) -> str | None:
    """Return the section's domain as the heading writes it, else its canonical name in the document's script."""
    if sentence.domain is None:
        return None
    if sentence.domain_at is not None:
        return doc.original[sentence.domain_at : sentence.domain_at + len(sentence.domain)]
    return to_traditional(sentence.domain) if doc.traditional else sentence.domain


def _confidence(q: Quantity, *, explicit_year: bool, indicator: str, domain: str | None) -> float:
    score = 0.6
    score += 0.1 if q.unit else -0.2
    score += 0.1 if q.comparator_word else 0.0
    score += 0.1 if explicit_year else 0.0
    score += 0.05 if domain else 0.0
    score -= 0.15 if q.chinese else 0.0
    score -= 0.1 if len(indicator) < 2 else 0.0
    return round(min(0.99, max(0.05, score)), 2)


def candidate_for(
    doc: Document,
    sentence: Sentence,
    q: Quantity,
    mentions: list[tuple[int, int]],
    carry: int | None,
    before: tuple[Quantity, Candidate] | None = None,
    cues: list[tuple[int, str]] | None = None,
) -> Candidate:
    """Return the candidate for one quantity of a sentence (``before``: the previous one in the sentence)."""
    norm, original = doc.norm, doc.original
    lower = clause_start(norm, sentence.start, q.start)
    upper = clause_end(norm, q.end, sentence.end)
    sentence_text = norm[sentence.start : sentence.end]
    if cues is None:
        cues = tense_cues(sentence_text, doc.layout.doc_year)
    mode = mode_at(sentence_text, q.start - sentence.start, sentence.mode, cues)
    kind = kind_of(q, norm[lower : q.start], norm[q.end : upper], mode)
    stated = year_for(mentions, q)
    if kind == "baseline" and doc.layout.doc_mode == "future":
        year = stated or carry or doc.layout.base_year or doc.layout.doc_year
    else:
        fallback = doc.layout.doc_year
        if fallback is not None and doc.layout.doc_mode == "past" and sentence.mode == "future":
            fallback += 1  # 下一步工作打算 in a year's summary: next year
        year = stated or carry or sentence.year or fallback
    floor = max(lower, before[0].end) if before else lower
    indicator = indicator_of(norm, original, q, (lower, floor, upper), kind)
    if before is not None:
        same_list = not indicator.strip("、，, ") and before[0].group == q.group
        comparison = indicator.startswith(("比", "较", "同比"))  # 比2013年提高5个百分点: the same indicator
        if same_list or comparison:
            indicator = before[1].indicator
    return Candidate(
        kind=kind,
        indicator=indicator,
        value=q.low if q.low is not None else q.value,
        unit=q.unit,
        comparator=final_comparator(q, mode if kind != "standard" else mode),
        low=q.low,
        high=q.high,
        year=year,
        scope=scope_of(norm, original, [(lower, upper), (sentence.start, sentence.end)]),
        domain=_domain(doc, sentence),
        lead_units=(),
        responsible_units=(),
        sentence=original[sentence.start : sentence.end],
        start=sentence.start,
        end=sentence.end,
        confidence=_confidence(q, explicit_year=stated is not None, indicator=indicator, domain=sentence.domain),
        quantity=original[q.start : q.end],
        quantity_start=q.start,
        quantity_end=q.end,
        previous=q.previous,
        source=doc.source,
    )


def _cell(
    doc: Document, cell: Sentence, lead: tuple[str, ...], responsible: tuple[str, ...], year: int | None
) -> list[Candidate]:
    """Return the candidates of a task table's content cell, with the units and deadline of its row."""
    mentions = year_mentions(doc.norm, cell.start, cell.end)
    found: list[Candidate] = []
    before: tuple[Quantity, Candidate] | None = None
    for q in quantities(doc.norm, cell.start, cell.end, doc.noise, doc.quotes):
        candidate = candidate_for(doc, cell, q, mentions, year, before)
        found.append(replace(candidate, lead_units=lead, responsible_units=responsible))
        before = (q, candidate)
    return found


def _attach_units(doc: Document, notes: list[UnitNote]) -> list[Candidate]:
    """Give each candidate the first note after it in its block, else the notes on the lines right after it."""
    if not notes:
        return [c for c, _ in doc.candidates]
    lengths = _block_lengths(doc)
    note_block: dict[int, list[UnitNote]] = {}
    sentences = doc.layout.sentences
    index = 0
    for note in notes:
        while index + 1 < len(sentences) and sentences[index + 1].start <= note.start:
            index += 1
        note_block.setdefault(sentences[index].block, []).append(note)
    only_notes = {b for b, ns in note_block.items() if sum(n.end - n.start for n in ns) >= 0.8 * lengths.get(b, 0)}
    result = []
    for candidate, block in doc.candidates:
        if candidate.lead_units or candidate.responsible_units:
            result.append(candidate)
            continue
        chosen = [n for n in note_block.get(block, []) if n.start >= candidate.quantity_end][:1]
        following = block + 1
        while not chosen and following in only_notes:  # notes on the lines right after the item
            while following in only_notes:
                chosen.extend(note_block[following])
                following += 1
        if not chosen:
            result.append(candidate)
            continue
        lead = tuple(dict.fromkeys(u for n in chosen for u in n.lead))
        responsible = tuple(dict.fromkeys(u for n in chosen for u in n.responsible))
        result.append(replace(candidate, lead_units=lead, responsible_units=responsible))
    return result


def _block_lengths(doc: Document) -> dict[int, int]:
    lengths: dict[int, int] = {}
    for sentence in doc.layout.sentences:
        lengths[sentence.block] = lengths.get(sentence.block, 0) + sentence.end - sentence.start
    return lengths


def extract(text: str, *, source: str | None = None, default_year: int | None = None) -> list[Candidate]:
    """Return the candidates of a policy text (see ``jundeng.extract.extract_text``)."""
    norm = normalize(text)
    noise, quotes = noise_spans(norm)
    doc = Document(text, norm, layout(norm, default_year), noise, quotes, source, is_traditional(text, norm))
    tables = TableReader(norm, text, doc.layout)
    carry: int | None = None
    section_key: tuple[object, ...] | None = None
    for sentence in doc.layout.sentences:
        key = (sentence.domain, sentence.year, sentence.mode)
        if key != section_key:
            carry, section_key = None, key
        if sentence.table:
            rows = tables.row(sentence, doc.source, lambda cell, lead, resp, year: _cell(doc, cell, lead, resp, year))
            doc.candidates.extend((c, sentence.block) for c in rows)
            continue
        tables.reset()
        mentions = year_mentions(norm, sentence.start, sentence.end)
        before: tuple[Quantity, Candidate] | None = None
        cues = tense_cues(norm[sentence.start : sentence.end], doc.layout.doc_year)
        for q in quantities(norm, sentence.start, sentence.end, noise, quotes):
            candidate = candidate_for(doc, sentence, q, mentions, carry, before, cues)
            doc.candidates.append((candidate, sentence.block))
            before = (q, candidate)
        carry = lead_year(norm, sentence.start, sentence.end) or carry
    return _attach_units(doc, unit_notes(norm, text))
