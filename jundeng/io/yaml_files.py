"""Read and validate YAML files (catalogue, appraisal methodology), locating every problem at its line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from jundeng.domain.catalog import Catalog
from jundeng.errors import InputError, JundengError, Problem

M = TypeVar("M", bound=BaseModel)


def _node_at(root: yaml.Node | None, loc: tuple[str | int, ...], key: bool = False) -> yaml.Node | None:
    """Return the YAML node at a pydantic location path (its key when ``key``), or the deepest ancestor."""
    node = root
    for n, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            if key and n == len(loc) - 1:
                return next((k for k, _ in node.value if k.value == part), node)
            nxt = next((v for k, v in node.value if k.value == part), None)
            if nxt is None:  # a missing field: point at the mapping that lacks it
                return node
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段（拼写错误？）",
    "enum": "取值不在允许范围内",
    "float_parsing": "须为数值",
    "int_parsing": "须为整数",
    "string_pattern_mismatch": "代码只能含字母、数字、_ . -",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_type": "须为文本",
    "list_type": "须为列表",
    "dict_type": "须为键值映射",
}


def _problem(
    name: str, root: yaml.Node | None, loc: tuple[str | int, ...], zh: str, en: str, key: bool = False
) -> Problem:
    node = _node_at(root, loc, key)
    line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
    field = ".".join(str(p) for p in loc) or "(文件)"
    return Problem(name, line, col, f"字段 {field}: {zh}", f"field {field}: {en}")


def simplified(data: Any) -> Any:
    """Return YAML data with every non-ASCII string (keys too) in simplified script; codes (ASCII) are untouched."""
    if isinstance(data, str):
        if data.isascii():
            return data
        from jundeng.extract.normalize import to_simplified

        return to_simplified(data)
    if isinstance(data, dict):
        return {simplified(k): simplified(v) for k, v in data.items()}
    if isinstance(data, list):
        return [simplified(v) for v in data]
    return data


def parse_model(text: str, name: str, model: type[M], *, simplify: bool = False) -> tuple[M, yaml.Node | None]:
    """Return (the validated ``model`` in YAML ``text``, its node tree); raise InputError with located problems.

    With ``simplify`` the text values are read in simplified script (see :func:`simplified`)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = str(getattr(exc, "problem", None) or exc).replace("\n", " ")
        raise InputError(
            [Problem(name, line, col, f"YAML 语法错误: {detail}", f"YAML syntax error: {detail}")]
        ) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(name, 1, 1, "文件须为键值映射", "the file must be a mapping")])
    if simplify:
        data = simplified(data)
    try:
        return model.model_validate(data), root
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, JundengError):
                zh, en = cause.zh, cause.en
            else:
                en = err["msg"].removeprefix("Value error, ")
                zh = _ZH.get(err["type"], en)
            at_key = err["type"] == "extra_forbidden"
            problems.append(_problem(name, root, tuple(err["loc"]), zh, en, at_key))
        raise InputError(problems) from exc


def read_text(path: str | Path) -> str:
    """Return the UTF-8 text of ``path``; raise InputError when it is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), 1, 1, "文件须为 UTF-8 编码", "the file must be UTF-8")]) from exc


def parse_catalog(text: str, name: str = "<catalog>", **known: Any) -> Catalog:
    """Return the validated Catalog in ``text``; raise InputError with every located problem.

    A catalogue written in traditional script loads as its simplified twin: names, units (萬人 → 万人), target
    groups, contents … are read in simplified script; codes are ASCII and stay as written."""
    catalog, root = parse_model(text, name, Catalog, simplify=True)
    ref_problems = [_problem(name, root, loc, zh, en) for loc, zh, en in catalog.reference_errors(**known)]
    if ref_problems:
        raise InputError(ref_problems)
    return catalog


def read_catalog(path: str | Path, **known: Any) -> Catalog:
    """Return the validated Catalog in the YAML file at ``path`` (see :func:`parse_catalog`)."""
    return parse_catalog(read_text(path), str(path), **known)
