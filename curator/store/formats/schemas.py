"""The JSON Schemas shipped in the package (one copy: `schemas/`, linked into the package)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from curator.store.formats.tomltext import Shape

KINDS = ("list", "control", "item", "comment", "public-comment")


@cache
def schema(kind: str) -> dict[str, Any]:
    text = resources.files("curator").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def shape(kind: str) -> Shape:
    return Shape.from_schema(schema(kind))


@cache
def schema_digest() -> str:
    """Changes whenever any schema changes: part of every cache key."""
    import hashlib

    h = hashlib.sha256()
    for kind in KINDS:
        h.update(json.dumps(schema(kind), sort_keys=True).encode())
    return h.hexdigest()[:16]
