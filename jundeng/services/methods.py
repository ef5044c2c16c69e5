"""Appraisal methods per programme: validate a method file against the catalogue, upload it (every upload kept),
choose the one a programme's appraisals use, and find the method an appraisal takes when none is given.

Validation locates every problem at its line and column (``file:line:column: message``): YAML syntax, the
method's own fields (via :func:`~jundeng.io.yaml_files.parse_model`), then the catalogue — indicator codes
unknown or retired, domains unknown, weights that leave a domain or every indicator weightless, an AHP matrix of
the wrong order. Nothing is stored when anything is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jundeng.appraise.method import Method, parse_method
from jundeng.errors import InputError, JundengError, Problem
from jundeng.io.yaml_files import _problem, parse_model
from jundeng.store import catalog_repo, methods_repo
from jundeng.store.db import Database
from jundeng.store.methods_repo import StoredMethod

__all__ = [
    "NATIONAL_METHOD",
    "StoredMethod",
    "choose",
    "chosen",
    "english_name",
    "in_force",
    "method_for",
    "methods",
    "programme",
    "store_default",
    "upload",
    "validate",
    "validate_file",
]

NATIONAL_METHOD = Path(__file__).parents[1] / "catalogs" / "appraisal-national.yaml"  # stored by ``city init``
Loc = tuple[str | int, ...]
Found = tuple[Loc, str, str, bool]  # where, 中文, English, at the key rather than the value


def _text(content: bytes | str, name: str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, 1, 1, "文件须为 UTF-8 编码", "the file must be UTF-8")]) from exc


def _catalogue_problems(method: Method, domain_of: dict[str, str], retired: set[str], domains: set[str]) -> list[Found]:
    """Return what the method asks of the catalogue that it does not have (see the module's docstring)."""
    found: list[Found] = []
    used: dict[str, list[int]] = {}
    for n, choice in enumerate(method.indicators):
        ref, field = (choice.gap_of, "gap_of") if choice.gap_of else (choice.code, "code")
        if ref in retired:
            found.append((("indicators", n, field), f"指标 {ref} 已停用", f"indicator {ref} is retired", False))
        elif ref not in domain_of:
            found.append((("indicators", n, field), f"未知的指标代码 {ref}", f"unknown indicator code {ref}", False))
        domain = choice.domain if choice.gap_of else domain_of.get(choice.code)
        if choice.domain and choice.domain not in domains:
            zh, en = f"未知的领域代码 {choice.domain}", f"unknown domain code {choice.domain}"
            found.append((("indicators", n, "domain"), zh, en, False))
        if domain:
            used.setdefault(domain, []).append(n)
    if method.weighting == "fixed":
        for domain, members in used.items():
            if len(members) > 1 and not any(method.indicators[n].weight > 0 for n in members):
                zh, en = f"领域 {domain} 的指标权重全为 0", f"every indicator of domain {domain} weighs 0"
                found.append((("indicators", members[0], "weight"), zh, en, False))
    if method.domain_weighting == "fixed":
        for domain, weight in method.domain_weights.items():
            if domain not in domains:
                zh, en = f"未知的领域代码 {domain}", f"unknown domain code {domain}"
                found.append((("domain_weights", domain), zh, en, True))
            elif weight < 0:
                zh, en = "领域权重须为非负数", "a domain weight must not be negative"
                found.append((("domain_weights", domain), zh, en, False))
        weightless = [d for d in used if method.domain_weights.get(d, 0) <= 0]
        if weightless:
            zh = f"领域 {'、'.join(weightless)} 有指标但没有正的领域权重"
            en = f"domains {', '.join(weightless)} have indicators but no positive domain weight"
            found.append((("domain_weights",), zh, en, False))
    if method.domain_weighting == "ahp" and method.ahp_matrix is not None and len(method.ahp_matrix) != len(used):
        zh = f"判断矩阵应为 {len(used)} 阶（方法中的领域数）"
        en = f"the AHP matrix must be {len(used)}×{len(used)} (the method's domains)"
        found.append((("ahp_matrix",), zh, en, False))
    return found


def validate(db: Database, *, content: bytes | str, name: str) -> Method:
    """Return the method in ``content`` when it is valid against the stored catalogue; raise InputError with every
    problem located (``name:line:column``)."""
    text = _text(content, name)
    method, root = parse_model(text, name, Method)
    with db.session() as session:
        domain_of = {i.code: i.domain for i in catalog_repo.indicators(session)}
        retired = set(catalog_repo.retirements(session, kind="indicator"))
        domains = catalog_repo.known_codes(session)["known_domains"]
    found = _catalogue_problems(method, domain_of, retired, domains)
    if found:
        raise InputError([_problem(name, root, loc, zh, en, at_key) for loc, zh, en, at_key in found])
    return method


def validate_file(db: Database, path: str | Path) -> Method:
    """Return the method in the file at ``path`` when it is valid (see :func:`validate`)."""
    return validate(db, content=Path(path).read_bytes(), name=str(path))


def programme(db: Database, *, under: str | None) -> str:
    """Return the programme (top region) ``under`` lies in, or the database's only one; refuse when none is stored."""
    with db.session() as session:
        found = methods_repo.programme(session, under=under)
    if found is None:
        raise JundengError(
            "库中还没有区划：请先运行 jundeng city init", "no regions stored yet: run `jundeng city init` first"
        )
    return found


def upload(
    db: Database, *, content: bytes | str, name: str, user: str, under: str | None = None, choose: bool = False
) -> StoredMethod:
    """Validate a method file and store it for the programme of ``under`` (chosen when ``choose``); audited.
    Nothing is stored when it is invalid; the same method uploaded again is stored once."""
    method = validate(db, content=content, name=name)
    top = programme(db, under=under)
    with db.session(write=True) as session:
        stored = methods_repo.add(
            session, programme=top, name=method.name, version=method.version, yaml=_text(content, name), user=user
        )
        return methods_repo.choose(session, method_id=stored.id, user=user) if choose else stored


def english_name(stored: StoredMethod) -> str | None:
    """Return the English name (``name_en``) of a stored method, or None when it has none."""
    return parse_method(stored.yaml, f"method {stored.id}").name_en


def methods(db: Database, *, under: str | None = None) -> list[StoredMethod]:
    """Return the methods stored for the programme of ``under`` (or the only one), newest first."""
    with db.session() as session:
        top = methods_repo.programme(session, under=under)
        return [] if top is None else methods_repo.methods(session, programme=top)


def choose(db: Database, *, method_id: int, user: str, under: str | None = None) -> StoredMethod:
    """Make a stored method its programme's chosen one (audited); with ``under``, it must be that programme's."""
    with db.session(write=True) as session:
        found = methods_repo.get(session, method_id=method_id)
        if under is not None and methods_repo.programme(session, under=under) != found.programme:
            raise JundengError(
                f"考评方法 {method_id} 不属于 {under} 所在的城市或区县",
                f"appraisal method {method_id} belongs to another programme than {under}",
            )
        return methods_repo.choose(session, method_id=method_id, user=user)


def chosen(db: Database, *, under: str | None = None) -> Method | None:
    """Return the method chosen for the programme of ``under`` (or the only one), or None when there is none."""
    with db.session() as session:
        top = methods_repo.programme(session, under=under)
        found = None if top is None else methods_repo.chosen(session, programme=top)
    return None if found is None else parse_method(found.yaml, f"method {found.id}")


def in_force(db: Database, method: Method) -> Method:
    """Return ``method`` without its retired indicators (gap indicators of a retired indicator too)."""
    with db.session() as session:
        retired = set(catalog_repo.retirements(session, kind="indicator"))
    keep = [c for c in method.indicators if (c.gap_of or c.code) not in retired]
    if len(keep) == len(method.indicators):
        return method
    data: dict[str, Any] = method.model_dump() | {"indicators": [c.model_dump() for c in keep]}
    return Method.model_validate(data)


def method_for(db: Database, *, under: str | None = None) -> Method:
    """Return the method an appraisal of ``under``'s programme takes when none is given: the programme's chosen
    one, else the shipped default, without retired indicators."""
    from jundeng.services.appraisal import default_method

    return in_force(db, chosen(db, under=under) or default_method())


def store_default(db: Database, *, under: str, user: str, path: Path | None = None) -> StoredMethod | None:
    """Store the method file ``path`` (the national method by default) as the chosen method of ``under``'s
    programme when it has none and the file fits the stored catalogue; return it, else None (``city init``)."""
    path = path or NATIONAL_METHOD
    if not path.exists() or chosen(db, under=under) is not None:
        return None
    try:
        return upload(db, content=path.read_bytes(), name=path.name, user=user, under=under, choose=True)
    except InputError:
        return None
