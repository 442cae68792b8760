"""Schema validation: a fast validator says yes or no; jsonschema explains the no in plain words."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from curator.core.inert import first_unsafe, unsafe_message
from curator.store.formats.schemas import schema

if TYPE_CHECKING:  # imported when a file fails: every check would pay for it otherwise
    import jsonschema

Issue = tuple[tuple[str | int, ...], str, str]  # key path, code, message
INT64 = (-(2**63), 2**63 - 1)


def json_view(value: Any) -> Any:
    """TOML values as JSON sees them: dates and times become ISO strings."""
    return view_of(value)[0]


def view_of(value: Any) -> tuple[Any, bool]:
    """`json_view(value)`, and whether every number in it is one a list can hold (see
    `bad_numbers`): found in the same walk, for `validate`."""
    odd: list[Any] = []
    return _view(value, odd), not odd


def view_in_place(value: Any) -> tuple[Any, bool]:
    """`view_of` for what a parser just returned, which nobody else holds: its dates and times
    become ISO strings where they stand rather than the whole being copied."""
    odd: list[Any] = []
    _in_place(value, odd)
    return value, not odd


def _in_place(value: dict | list, odd: list[Any]) -> None:
    for key, item in value.items() if type(value) is dict else enumerate(value):
        kind = type(item)
        if kind in _AS_IS:
            continue
        if kind is dict or kind is list:
            _in_place(item, odd)
        elif kind is float or kind is int:
            if not _holds(item):
                odd.append(item)
        else:
            value[key] = _view(item, odd)


def _view(value: Any, odd: list[Any]) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    # the exact types a parser returns first: 10^5 files go through here
    if kind is dict:
        return {k: v if type(v) in _AS_IS else _view(v, odd) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _AS_IS else _view(v, odd) for v in value]
    if kind is dt.datetime:
        return iso_datetime(value)
    if kind is float or kind is int:
        if not _holds(value):
            odd.append(value)
        return value
    if isinstance(value, dict):  # subclasses too: tomlkit's tables
        return {k: _view(v, odd) for k, v in value.items()}
    if isinstance(value, list):
        return [_view(v, odd) for v in value]
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and not _holds(value):
        odd.append(value)  # (tomlkit's numbers, passed through as they are)
    return value


def _holds(number: float) -> bool:
    """Whether a list can hold this number (see `bad_numbers`)."""
    if isinstance(number, float):
        return math.isfinite(number)
    return INT64[0] <= number <= INT64[1]


# passed through as they are (numbers are judged on the way: see `_holds`)
_AS_IS = frozenset({str, bool, type(None)})


def iso_datetime(value: dt.datetime) -> str:
    """ISO 8601, with UTC written as "Z" (an offset of zero is written "+00:00" otherwise)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@cache
def _fast(kind: str) -> Any:
    """The fast path, imported when first wanted; jsonschema alone gives the same answers."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - jsonschema-rs is a dependency
        return None
    return jsonschema_rs.validator_for(schema(kind))


@cache
def _slow(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


def is_valid(kind: str, instance: Any) -> bool:
    fast = _fast(kind)
    if fast is not None:
        return fast.is_valid(instance)
    return _slow(kind).is_valid(instance)


def validate(
    kind: str, instance: Any, ordinary: bool | None = None, plain: bool = False
) -> list[Issue]:
    """What is wrong with `instance` as a file of `kind`. `ordinary`: whether every number in
    it is one a list can hold, when known (`view_of`); `plain`: that no text in it can hold a
    character a terminal acts on (the file's bytes said so: see `read.maybe_unsafe`)."""
    if ordinary is None:
        ordinary = _ordinary(instance)
    odd = [] if ordinary else list(bad_numbers(instance))
    if not plain:
        odd += unsafe_text(instance)
    if not odd and is_valid(kind, instance):
        return []
    issues = odd + list(explain(kind, instance))
    # should the fast and the full validator ever disagree, refuse the file rather than pass it
    return issues or [((), "schema", f"does not match the {kind} schema")]


def bad_numbers(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[Issue]:
    """Numbers no list can hold, which JSON Schema cannot refuse: nan and inf (a nan compares
    false with every threshold, so an item measured as nan would leak unseen) and integers
    beyond the 64 bits TOML allows (tomli reads them; they overflow on the way to a float)."""
    if _ordinary(value):
        return
    if isinstance(value, float) and not math.isfinite(value):
        yield path, "bad-number", f"{value} is not a number a list can hold: write a finite value"
    elif (
        isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]
    ):
        yield path, "bad-number", "the integer is outside the 64-bit range TOML allows"
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from bad_numbers(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from bad_numbers(sub, (*path, index))


def unsafe_text(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[Issue]:
    """Text — a value or a key — holding a character a terminal would act on instead of
    showing it (curator.core.inert): an escape sequence in a title or a comment would clear
    the screen or retitle the window of whoever reads it."""
    if isinstance(value, str):
        found = first_unsafe(value)
        if found is not None:
            yield path, "control-character", unsafe_message(found)
    elif isinstance(value, dict):
        for key, sub in value.items():
            found = first_unsafe(str(key))
            if found is not None:
                yield (*path, key), "control-character", f"the key {unsafe_message(found)}"
            yield from unsafe_text(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from unsafe_text(sub, (*path, index))


def _ordinary(value: Any) -> bool:
    """No odd number anywhere in `value` — the answer for nearly every file, found without
    building a path per value."""
    kind = type(value)
    if kind is str or kind is bool:
        return True
    if kind is float or kind is int:
        return _holds(value)
    if kind is dict:
        return all(map(_ordinary, value.values()))
    if kind is list:
        return all(map(_ordinary, value))
    return False  # another type: let the full walk judge it


def explain(kind: str, instance: Any) -> Iterator[Issue]:
    errors = sorted(_slow(kind).iter_errors(instance), key=lambda e: list(map(str, e.path)))
    for error in errors:
        yield from _plain(error)


_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a table",
}


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _plain(error: jsonschema.ValidationError) -> Iterator[Issue]:
    path = tuple(error.absolute_path)
    kw = error.validator
    sub = error.schema if isinstance(error.schema, dict) else {}
    title = sub.get("title", "value")
    value = error.instance
    if kw == "required":
        missing = [k for k in error.validator_value if k not in (value or {})]
        for key in missing:
            yield path, "missing-key", f"missing required key '{key}'"
    elif kw == "additionalProperties":
        known = list(sub.get("properties", {}))
        replaced = sub.get("x-replaced", {})
        for key in sorted(set(value) - set(known)):
            if key in replaced:  # a key an earlier version of the format had
                yield (*path, key), "replaced-key", f"'{key}' is no longer read: {replaced[key]}"
                continue
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield (*path, key), "unknown-key", f"unknown key '{key}'{hint}"
    elif kw == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else expected
        want = " or ".join(_TYPES.get(n, n) for n in names)
        yield path, "wrong-type", f"{title} must be {want}, not {_what(value)}"
    elif kw == "enum":
        options = ", ".join(map(str, error.validator_value))
        yield path, "bad-value", f"'{value}' is not a valid {title.lower()}: use one of {options}"
    elif kw == "pattern":
        yield path, "bad-format", f"{value!r} is not a valid {title.lower()}"
    elif kw == "propertyNames":
        yield path, "bad-format", f"{value!r} has a key that is not a valid name"
    elif kw == "minLength":
        yield path, "empty-value", f"{title} must not be empty"
    elif kw == "minItems":
        least = error.validator_value
        yield (
            path,
            "empty-value",
            f"{title} needs at least {least} entr{'y' if least == 1 else 'ies'}",
        )
    elif kw == "maxLength":
        yield path, "too-long", f"{title} is longer than {error.validator_value} characters"
    elif kw == "uniqueItems":
        yield path, "duplicate-entry", f"{title} lists the same entry twice"
    else:
        yield path, "schema", error.message
