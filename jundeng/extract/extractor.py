"""The extraction pipeline: normalize, lay out, find quantities, classify, describe, attach units.

Hand-written glue of the modules beside it (no NLP pipeline library knows policy text): every text field it
reports (sentence, indicator, scope, units, domain where a heading spells it) is sliced from the original text
at offsets found on the normalized one, so traditional-script documents come back in their own script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from jundeng.extract.classify import final_comparator, kind_of, mode_at, tense_cues
from jundeng.extract.describe import indicator_of, lead_year, scope_of, year_for, year_mentions
from jundeng.extract.direction import bare_target, directed, direction_of
from jundeng.extract.domains import domain_from_words
from jundeng.extract.flags import mark_flags, previous_year, text_flag
from jundeng.extract.model import Candidate
from jundeng.extract.noise import Spans, noise_spans
from jundeng.extract.normalize import is_traditional, normalize, to_traditional
from jundeng.extract.patterns import FYP_END_YEAR, FYP_RE
from jundeng.extract.plannoise import not_a_commitment
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
    directions: Mapping[str, str] | None = None
    review_year: int | None = None  # the end of the period a review section speaks of (十二五时期 → 2015)


def _commitments(doc: Document, start: int, end: int) -> list[Quantity]:
    """Return the quantities of ``norm[start:end]`` less the plan's own counts and past runs (连续5年)."""
    norm = doc.norm
    return [
        q
        for q in quantities(norm, start, end, doc.noise, doc.quotes)
        if not not_a_commitment(
            norm, q.start, q.end, q.unit, clause_start(norm, start, q.start), clause_end(norm, q.end, end)
        )
    ]


def _review_year(doc: Document, start: int, end: int) -> int | None:
    """Return the end year of an earlier five-year period a sentence speaks of (“十二五”时期 → 2015), else None."""
    base = doc.layout.base_year
    for match in FYP_RE.finditer(doc.norm, start, end):
        year = FYP_END_YEAR.get(match.group(1))
        if year is not None and (base is None or year <= base) and doc.layout.doc_year != year:
            return year
    return None


def _domain(doc: Document, sentence: Sentence, words: tuple[str, ...] = ()) -> str | None:
    """Return the section's domain as the heading writes it, else its canonical name in the document's script.

    Without a domain heading, the domain is read off ``words`` (the indicator, then the sentence).
    """
    if sentence.domain is None:
        found = domain_from_words(*words)
        return None if found is None else to_traditional(found) if doc.traditional else found
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
        cues = tense_cues(sentence_text, doc.layout.doc_year, doc.layout.base_year)
    mode = mode_at(sentence_text, q.start - sentence.start, sentence.mode, cues)
    kind = kind_of(q, norm[lower : q.start], norm[q.end : upper], mode)
    if q.previous_at is not None:  # 由2015年的85%提高到95%: 2015 is the baseline's year, not the target's
        mentions = [m for m in mentions if not lower <= m[0] < q.previous_at]
    stated = year_for(mentions, q)
    if kind == "baseline" and doc.layout.doc_mode == "future":
        year = stated or carry or doc.review_year or doc.layout.base_year or doc.layout.doc_year
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
    comparator = final_comparator(q, mode)
    if kind == "target" and mode != "past":
        direction = direction_of(normalize(indicator) if doc.traditional else indicator, doc.directions)
        if q.comparator is None and not q.comparator_word:  # a bare figure: the indicator's direction (issue 15)
            comparator = bare_target(norm[lower : q.start], direction)  # type: ignore[assignment]
        else:
            comparator = directed(comparator, q.comparator_word, direction)  # type: ignore[assignment]
    has_baseline = kind == "target" and q.previous is not None and q.previous_at is not None
    baseline_year = previous_year(norm, lower, q.previous_at) if has_baseline and q.previous_at else None
    name_words = norm[lower : q.start]
    return Candidate(
        kind=kind,
        indicator=indicator,
        value=q.low if q.low is not None else q.value,
        unit=q.unit,
        comparator=comparator,
        low=q.low,
        high=q.high,
        year=year,
        scope=scope_of(norm, original, [(lower, upper), (sentence.start, sentence.end)]),
        domain=_domain(doc, sentence, (name_words, norm[sentence.start : sentence.end])),
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
        binding=text_flag(norm, lower, upper),
        source=doc.source,
        baseline_year=baseline_year if has_baseline else None,
        baseline_value=q.previous if has_baseline else None,
    )


def _cell(
    doc: Document, cell: Sentence, lead: tuple[str, ...], responsible: tuple[str, ...], year: int | None
) -> list[Candidate]:
    """Return the candidates of a task table's content cell, with the units and deadline of its row."""
    mentions = year_mentions(doc.norm, cell.start, cell.end)
    found: list[Candidate] = []
    before: tuple[Quantity, Candidate] | None = None
    for q in _commitments(doc, cell.start, cell.end):
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


def extract(
    text: str,
    *,
    source: str | None = None,
    default_year: int | None = None,
    directions: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Return the candidates of a policy text (see ``jundeng.extract.extract_text``)."""
    norm = normalize(text)
    noise, quotes = noise_spans(norm)
    doc = Document(text, norm, layout(norm, default_year), noise, quotes, source, is_traditional(text, norm))
    doc.directions = directions
    tables = TableReader(norm, text, doc.layout, directions=directions, flags=mark_flags(norm))
    carry: int | None = None
    section_key: tuple[object, ...] | None = None
    for sentence in doc.layout.sentences:
        key = (sentence.domain, sentence.year, sentence.mode)
        if key != section_key:
            carry, section_key = None, key
            doc.review_year = None
        if sentence.table:
            rows = tables.row(sentence, doc.source, lambda cell, lead, resp, year: _cell(doc, cell, lead, resp, year))
            doc.candidates.extend((c, sentence.block) for c in rows)
            continue
        tables.reset()
        mentions = year_mentions(norm, sentence.start, sentence.end)
        before: tuple[Quantity, Candidate] | None = None
        cues = tense_cues(norm[sentence.start : sentence.end], doc.layout.doc_year, doc.layout.base_year)
        doc.review_year = _review_year(doc, sentence.start, sentence.end) or doc.review_year
        for q in _commitments(doc, sentence.start, sentence.end):
            candidate = candidate_for(doc, sentence, q, mentions, carry, before, cues)
            doc.candidates.append((candidate, sentence.block))
            before = (q, candidate)
        carry = lead_year(norm, sentence.start, sentence.end) or carry
    return _attach_units(doc, unit_notes(norm, text))
