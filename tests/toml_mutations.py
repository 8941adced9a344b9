"""Helpers of the tests that mutate a parsed TOML file one field at a time (experiment and
pipeline files): where each field sits, a near-miss spelling of a key, and the table that
holds a field."""

from __future__ import annotations

from typing import Any


def fields(node: Any, path: tuple[Any, ...] = (), *,
           into_arrays: bool = True) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) of a parsed TOML document, tables first; with ``into_arrays``
    the tables of arrays of tables too (their paths hold the entry's index)."""
    found: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(((*path, key), value))
            found += fields(value, (*path, key), into_arrays=into_arrays)
    elif isinstance(node, list) and into_arrays:
        for number, item in enumerate(node):
            if isinstance(item, dict):
                found += fields(item, (*path, number), into_arrays=into_arrays)
    return found


def near_miss(key: str) -> str:
    """``key`` with its second and third letters swapped (or an s added)."""
    return key[0] + key[2] + key[1] + key[3:] if key[1] != key[2] else key + "s"


def holder(document: dict[str, Any], path: tuple[Any, ...]) -> Any:
    """The table of ``document`` that holds the field at ``path``."""
    for part in path[:-1]:
        document = document[part]
    return document
