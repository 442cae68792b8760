"""TOML as text: where each key stands, which comments a person typed, and the canonical layout.

tomli parses; this module only scans lines (to map key paths to line numbers and to keep
comments) and writes the one canonical layout, so a `git diff` shows only real changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tomli_w

KeyPath = tuple[str | int, ...]
WIDTH = 100  # longer text goes into a multi-line string; longer arrays one element a line


@dataclass
class Layout:
    """Line numbers (1-based) of keys and table headers, and the comments attached to them."""

    lines: dict[KeyPath, int] = field(default_factory=dict)
    before: dict[KeyPath, list[str]] = field(default_factory=dict)
    inline: dict[KeyPath, str] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the comment block that opens the file

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def renumbered(layout: Layout, array: KeyPath, moves: Mapping[int, int]) -> Layout:
    """`layout` after the elements of the array of tables `array` moved: element i becomes
    element moves[i], and one not in `moves` is gone with its comments."""
    size = len(array)

    def moved(path: KeyPath) -> KeyPath | None:
        if path[:size] != array or len(path) == size:
            return path
        position = path[size]
        if not isinstance(position, int):
            return path
        index = moves.get(position)
        return None if index is None else (*array, index, *path[size + 1 :])

    def each(found: Mapping[KeyPath, Any]) -> dict[KeyPath, Any]:
        out = {}
        for path, value in found.items():
            new = moved(path)
            if new is not None:
                out[new] = value
        return out

    return Layout(
        each(layout.lines),
        each(layout.before),
        each(layout.inline),
        list(layout.trailing),
        list(layout.header),
    )


class _Cursor:
    """Tracks strings, brackets and comments across lines of one value."""

    def __init__(self) -> None:
        self.string: str | None = None  # open multi-line delimiter
        self.depth = 0

    def feed(self, text: str) -> int | None:
        """Consume one line of value text; return the index where a comment starts, if any."""
        i, n = 0, len(text)
        while i < n:
            if self.string:
                if self.string == '"""' and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(self.string, i):
                    i += 3
                    while i < n and text[i] == self.string[0]:
                        i += 1  # up to two quotes may end the content
                    self.string = None
                    continue
                i += 1
                continue
            ch = text[i]
            if ch == "#":
                return i
            if text.startswith('"""', i) or text.startswith("'''", i):
                self.string = text[i : i + 3]
                i += 3
            elif ch == '"':
                i += 1
                while i < n and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                i += 1
            elif ch == "'":
                end = text.find("'", i + 1)
                i = n if end < 0 else end + 1
            elif ch in "[{":
                self.depth += 1
                i += 1
            elif ch in "]}":
                self.depth -= 1
                i += 1
            else:
                i += 1
        return None

    @property
    def open(self) -> bool:
        return self.string is not None or self.depth > 0


def _split_key(text: str) -> list[str]:
    parts, buf, quote = [], "", ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts


def _key_end(line: str) -> int:
    """Index of the `=` that ends a key, skipping quoted keys."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return i
    return -1


def scan(text: str) -> Layout:
    layout = Layout()
    table: KeyPath = ()
    counts: dict[KeyPath, int] = {}
    pending: list[str] = []
    cursor = _Cursor()
    current: KeyPath | None = None  # key whose value continues over lines
    # TOML ends lines with \n or \r\n only: splitlines() would also break at U+2028, U+0085 …,
    # which may stand inside a string, and read its rest as keys or comments
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if current is not None:
            at = cursor.feed(raw)
            if at is not None:
                pending.append(raw[at:].rstrip())
            if not cursor.open:
                current = None
            continue
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            (layout.header if not layout.lines else pending).append(line)
            continue
        if line.startswith("["):
            is_array = line.startswith("[[")
            close = line.find("]]" if is_array else "]")
            name = line[2 if is_array else 1 : close if close > 0 else len(line)]
            path: KeyPath = _within_arrays(_split_key(name), counts, is_array)
            if is_array:
                index = counts.get(path, 0)
                counts[path] = index + 1
                layout.lines.setdefault(path, number)
                path = (*path, index)
            table = path
            layout.lines[path] = number
            _attach(layout, path, pending, raw, close + (2 if is_array else 1) if close > 0 else 0)
            pending = []
            continue
        eq = _key_end(raw)
        if eq < 0:
            continue  # not a key line; tomli reports it
        path = (*table, *_split_key(raw[:eq]))
        layout.lines[path] = number
        cursor = _Cursor()
        at = cursor.feed(raw[eq + 1 :])
        if pending:
            layout.before[path] = pending
            pending = []
        if at is not None:
            layout.inline[path] = raw[eq + 1 + at :].rstrip()
        if cursor.open:
            current = path
    layout.trailing = pending
    return layout


def _within_arrays(parts: list[str], counts: dict[KeyPath, int], is_array: bool) -> KeyPath:
    """A header's key path, each array of tables it passes through given its current element:
    `[[items.exceptions]]` after the second `[[items]]` is items, 1, exceptions."""
    path: list[str | int] = []
    for i, part in enumerate(parts):
        path.append(part)
        last = i == len(parts) - 1
        if tuple(path) in counts and not (last and is_array):
            path.append(counts[tuple(path)] - 1)
    return tuple(path)


def _attach(layout: Layout, path: KeyPath, pending: list[str], raw: str, end: int) -> None:
    if pending:
        layout.before[path] = list(pending)
    rest = raw[end:].strip() if end else ""
    if rest.startswith("#"):
        layout.inline[path] = rest


# ---- canonical writing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What the schema says about layout: key order, which arrays are sorted."""

    order: tuple[str, ...] = ()
    sorted_arrays: frozenset[str] = frozenset()
    children: Mapping[str, Shape] = field(default_factory=dict)
    each: Shape | None = None  # for maps keyed by id (areas, parameters)

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> Shape:
        props = schema.get("properties", {})
        children: dict[str, Shape] = {}
        for name, sub in props.items():
            if sub.get("type") == "object":
                children[name] = cls.from_schema(sub)
            elif sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
                children[name] = cls.from_schema(sub["items"])
        each = schema.get("additionalProperties")
        return cls(
            order=tuple(props),
            sorted_arrays=frozenset(n for n, s in props.items() if s.get("x-sorted")),
            children=children,
            each=cls.from_schema(each) if isinstance(each, dict) else None,
        )

    def child(self, key: str) -> Shape:
        if key in self.children:
            return self.children[key]
        return self.each or Shape()

    def ordered(self, keys: Sequence[str]) -> list[str]:
        rank = {k: i for i, k in enumerate(self.order)}
        if self.order:
            return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))
        return sorted(keys)


def canonical(data: Mapping[str, Any], shape: Shape, layout: Layout | None = None) -> str:
    out: list[str] = list(layout.header) if layout else []
    _table(out, data, shape, (), layout or Layout(), header=None)
    if layout and layout.trailing:
        out.append("")
        out.extend(layout.trailing)
    return "\n".join(out).strip("\n") + "\n"


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _table(
    out: list[str],
    data: Mapping[str, Any],
    shape: Shape,
    path: KeyPath,
    layout: Layout,
    header: str | None,
) -> None:
    if header is not None:
        if out:
            out.append("")
        out.extend(layout.before.get(path, ()))
        out.append(_with_inline(header, layout.inline.get(path)))
    keys = shape.ordered(list(data))
    plain = [k for k in keys if not _is_table(data[k]) and not _is_table_array(data[k])]
    nested = [k for k in keys if k not in plain]
    for key in plain:
        value = data[key]
        if key in shape.sorted_arrays and isinstance(value, list):
            value = sorted(value, key=_sort_key)
        kpath = (*path, key)
        out.extend(layout.before.get(kpath, ()))
        out.append(_with_inline(f"{_key(key)} = {_value(value)}", layout.inline.get(kpath)))
    for key in nested:
        value = data[key]
        kpath = (*path, key)
        name = ".".join(_key(str(p)) for p in kpath if not isinstance(p, int))
        if _is_table(value):
            sub = shape.child(key)
            if not value or any(not _is_table(v) for v in value.values()):
                _table(out, value, sub, kpath, layout, f"[{name}]")
            else:  # a map of tables (areas, parameters): no empty parent header
                for child in sorted(value):
                    cpath = (*kpath, child)
                    cname = f"{name}.{_key(child)}"
                    _table(out, value[child], sub.child(child), cpath, layout, f"[{cname}]")
        else:
            for index, element in enumerate(value):
                _table(out, element, shape.child(key), (*kpath, index), layout, f"[[{name}]]")


def _with_inline(line: str, comment: str | None) -> str:
    return f"{line}  {comment}" if comment else line


def _sort_key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    if _BARE_KEY.fullmatch(key):
        return key
    return tomli_w.dumps({"k": key}).split(" = ", 1)[1].strip()


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        parts = [_value(v) for v in value]
        one_line = "[" + ", ".join(parts) + "]"
        if len(one_line) <= WIDTH and "\n" not in one_line:
            return one_line
        return "[\n" + "".join(f"    {p},\n" for p in parts) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time | int | float):
        return tomli_w.dumps({"k": value}).split(" = ", 1)[1].rstrip("\n")
    raise TypeError(f"cannot write {type(value).__name__}")


# in a multi-line basic string: backslash, CR and control characters other than tab and LF
_ESCAPES = {ord("\\"): "\\\\", ord("\r"): "\\r"} | {
    c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if chr(c) not in "\n\t\r"
}


# a line of a multi-line string that would read as a merge conflict marker (read.CONFLICT): its
# first character is written as an escape, so that the file is not taken for a broken merge
_MARKER_LINE = re.compile(r"^(?=(?:<{7}|={7}|>{7}|\|{7})(?: |$))(.)", re.MULTILINE)


def _string(text: str) -> str:
    if "\n" not in text and len(text) <= WIDTH:
        if text.isprintable() and '"' not in text and "\\" not in text:
            return f'"{text}"'  # what tomli_w writes for it, without its per-character loop
        return tomli_w.dumps({"k": text}).split(" = ", 1)[1].rstrip("\n")
    # one C-level pass instead of a Python loop per character: the hot path of fmt and render
    escaped = text.translate(_ESCAPES).replace('"""', '""\\"')
    head = escaped[:-1]
    # escape a closing quote unless it is escaped already (by the line above: `""\"`), which
    # an odd number of backslashes before it says
    if escaped.endswith('"') and (len(head) - len(head.rstrip("\\"))) % 2 == 0:
        escaped = head + '\\"'
    if any(mark in escaped for mark in ("<<<<<<<", "=======", ">>>>>>>", "|||||||")):
        escaped = _MARKER_LINE.sub(lambda m: f"\\u{ord(m[1]):04X}", escaped)
    return f'"""\n{escaped}"""'
