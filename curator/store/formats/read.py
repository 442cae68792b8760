"""One file's bytes to data and problems: size, encoding, conflict markers, TOML, schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import tomli

from curator.core.problems import Problem
from curator.store.formats import validate
from curator.store.formats.tomltext import scan

MAX_BYTES = 2 * 1024 * 1024
CONFLICT = re.compile(rb"^(<{7}|={7}|>{7}|\|{7})( |$)", re.MULTILINE)
MARKERS = (b"<<<<<<<", b"=======", b">>>>>>>", b"|||||||")
MAYBE_CONFLICT = re.compile(rb"\n[<=>|]{7}")
# toml-rs recurses on the machine stack (a nesting 10^4 deep crashes the process), so it is
# given only texts that cannot nest deeper than tomli itself reads (about 450 levels); a level
# takes a '[', a '{' or a '.', so fewer of them than this bounds the depth
FAST_NESTING = 300
NESTING = b"[{."
KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Read:
    data: dict[str, Any] | None  # the JSON view; None when the file cannot be used
    problems: tuple[Problem, ...]


def key_text(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def key_path(text: str) -> tuple[str | int, ...]:
    return tuple(int(i) if i else name for name, i in KEY_PART.findall(text))


def read(kind: str, file: str, raw: bytes) -> Read:
    if len(raw) > MAX_BYTES:
        return _broken(
            file, "file-too-large", f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}"
        )
    if b"\x00" in raw:
        return _broken(
            file, "nul-byte", "file contains a NUL byte", raw.count(b"\n", 0, raw.index(0)) + 1
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return _broken(file, "not-utf8", f"not valid UTF-8 (byte {err.start})", line)
    marker = conflict_marker(raw)
    if marker:
        line = raw.count(b"\n", 0, marker.start()) + 1
        return _broken(
            file,
            "conflict-markers",
            "unresolved merge conflict markers: resolve the conflict, then run `curator check`",
            line,
        )
    if not text or text.isspace():  # (strip would copy the text)
        return _broken(file, "empty-file", "file is empty")
    try:
        data = parse_toml(text, raw)
    except tomli.TOMLDecodeError as err:
        message = getattr(err, "msg", str(err)).split(" (at ")[0]
        return _broken(
            file, "toml-syntax", f"not valid TOML: {message}", getattr(err, "lineno", None)
        )
    except RecursionError:
        return _broken(file, "toml-syntax", "not valid TOML: nested too deeply")
    view, ordinary = validate.view_in_place(data)
    issues = validate.validate(kind, view, ordinary, plain=not maybe_unsafe(raw))
    if not issues:
        return Read(view, ())
    layout = scan(text)
    problems = tuple(
        Problem(file, layout.line_of(path) or 1, key_text(path), code, message)
        for path, code, message in issues
    )
    return Read(None, problems)


def _broken(file: str, code: str, message: str, line: int | None = None) -> Read:
    return Read(None, (Problem(file, line, "", code, message),))


def parse_toml(text: str, raw: bytes | None = None) -> dict[str, Any]:
    """What tomli makes of `text` (raising its errors, with their line numbers), five times
    faster: toml-rs parses the texts it can, and tomli explains the ones it refuses. A test
    holds the two equal on every file and on generated ones. `raw`: `text`'s UTF-8 bytes,
    when the caller has them."""
    fast = _toml_rs()
    if fast is not None and suits_toml_rs(text, raw):
        try:
            return fast(text, toml_version="1.1.0")
        except Exception:  # any refusal is tomli's to explain (or to accept)
            pass
    return tomli.loads(text)


@cache
def _toml_rs() -> Callable[..., dict[str, Any]] | None:
    """toml-rs's parser, imported when first wanted (a check with nothing new parses nothing)."""
    try:
        import toml_rs
    except ImportError:  # pragma: no cover - toml-rs is a dependency
        return None
    return toml_rs.loads


def suits_toml_rs(text: str, raw: bytes | None = None) -> bool:
    """Texts toml-rs is given: not nested deep enough to crash it, no byte-order mark (which it
    skips and TOML does not allow). `raw`: `text`'s UTF-8 bytes, if at hand."""
    if text.startswith("\ufeff"):
        return False
    if len(text) < FAST_NESTING:
        return True
    # what the three counts of '[', '{' and '.' add up to, in one pass rather than three
    if raw is None:
        raw = text.encode("utf-8", "surrogatepass")
    return len(raw) - len(raw.translate(None, NESTING)) < FAST_NESTING


# what TOML can turn into a character a terminal acts on (curator.core.inert): an escape
# (\b \f \r \e \xHH \uXXXX \UXXXXXXXX), or one written as it is in UTF-8 — a C1 control, a
# bidirectional or line-separator mark (other control characters TOML refuses as they are)
ESCAPE = re.compile(rb"\\[bfrexuU]")
C1 = re.compile(rb"\xc2[\x80-\x9f]")
MARKS = re.compile(rb"\xe2(?:\x80[\xa8-\xae]|\x81[\xa6-\xa9])")


def maybe_unsafe(raw: bytes) -> bool:
    """Whether the text in a file's data may hold a character a terminal acts on: found in
    the bytes, a search for one byte at a time (each a memchr), so that the data of nearly
    every file need not be walked."""
    if b"\\" in raw and ESCAPE.search(raw) is not None:
        return True
    if raw.isascii():
        return False
    return (b"\xe2" in raw and MARKS.search(raw) is not None) or (
        b"\xc2" in raw and C1.search(raw) is not None
    )


def conflict_marker(raw: bytes) -> re.Match[bytes] | None:
    """The first merge conflict marker line in `raw`, if any."""
    # the full expression tries every line start: a line starting with seven of the markers'
    # characters (a search that skips from newline to newline) rules nearly every text out
    if MAYBE_CONFLICT.search(raw) or raw.startswith(MARKERS):
        return CONFLICT.search(raw)
    return None


def locate(problem: Problem, text: str) -> Problem:
    """Give a cross-file problem the line of its key."""
    if problem.line is not None:
        return problem
    line = scan(text).line_of(key_path(problem.key)) if problem.key else None
    return Problem(problem.file, line or 1, problem.key, problem.code, problem.message)
