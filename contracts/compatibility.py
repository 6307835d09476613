"""Is a new schema of an event type a breaking change of the published one?

Breaking (needs a new version, i.e. a new type string): a removed field, a changed type
or constraint (enum values, pattern, format, bounds), a new required field, a field that
stops being required, a published type that disappears. Not breaking: a new optional
field, changed descriptions, titles or examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_DOC_KEYS = frozenset({"description", "title", "examples", "$comment", "$id", "$schema"})
_STRUCTURE_KEYS = frozenset({"properties", "required", "$defs"})


def _resolve(schema: Any, root: Mapping[str, Any]) -> Any:
    while isinstance(schema, Mapping) and "$ref" in schema:
        node: Any = root
        for token in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node[token]
        schema = node
    return schema


def _normalised(schema: Any, root: Mapping[str, Any]) -> Any:
    """``schema`` with references inlined and documentation keys dropped."""
    schema = _resolve(schema, root)
    if isinstance(schema, Mapping):
        return {
            key: _normalised(value, root)
            for key, value in sorted(schema.items())
            if key not in _DOC_KEYS and key != "$defs"
        }
    if isinstance(schema, list):
        return [_normalised(item, root) for item in schema]
    return schema


def _compare(
    old: Any, new: Any, path: str, roots: tuple[Mapping[str, Any], Mapping[str, Any]]
) -> list[str]:
    old_root, new_root = roots
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    is_object = isinstance(old, Mapping) and isinstance(new, Mapping)
    if not (is_object and "properties" in old and "properties" in new):
        before, after = _normalised(old, old_root), _normalised(new, new_root)
        return [] if before == after else [f"{path}: changed from {before} to {after}"]
    problems: list[str] = []
    rest_old = {k: v for k, v in old.items() if k not in _STRUCTURE_KEYS}
    rest_new = {k: v for k, v in new.items() if k not in _STRUCTURE_KEYS}
    if _normalised(rest_old, old_root) != _normalised(rest_new, new_root):
        problems.append(f"{path}: object constraints changed")
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name, old_field in old["properties"].items():
        field_path = f"{path}.{name}" if path else name
        if name not in new["properties"]:
            problems.append(f"{field_path}: field removed")
            continue
        problems += _compare(old_field, new["properties"][name], field_path, roots)
        if name in old_required and name not in new_required:
            problems.append(f"{field_path}: field is no longer required")
    for name in sorted(new_required - old_required):
        field_path = f"{path}.{name}" if path else name
        problems.append(f"{field_path}: new required field")
    return problems


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why ``new`` breaks readers or writers of ``old`` (empty when compatible)."""
    return _compare(old, new, "", (old, new))


def breaking_changes_between(
    published: Mapping[str, Mapping[str, Any]], current: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Compare schemas by event type; a type that vanished is breaking, a new one is not."""
    problems: list[str] = []
    for ce_type, old in sorted(published.items()):
        if ce_type not in current:
            problems.append(f"{ce_type}: published type removed")
            continue
        problems += [f"{ce_type}: {p}" for p in breaking_changes(old, current[ce_type])]
    return problems
