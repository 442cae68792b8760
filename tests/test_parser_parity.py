"""The compiled TOML parser (toml-rs) gives what tomli gives, or gives way to it.

`read.parse_toml` parses with toml-rs the texts it suits and asks tomli whenever toml-rs refuses
one, so the one thing that must never happen is toml-rs accepting such a text that tomli
refuses, or reading it as other data. Both are checked here on every TOML file in the repository and on generated texts
built from TOML's own pieces (including the ones TOML 1.1 added and the ones it forbids).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.store.formats import read as reader
from curator.store.formats.read import FAST_NESTING, parse_toml, suits_toml_rs

toml_rs = pytest.importorskip("toml_rs")
REPO = Path(__file__).resolve().parent.parent


def outcome(parse, text: str) -> tuple[str, Any]:
    try:
        return "data", parse(text)
    except (tomli.TOMLDecodeError, toml_rs.TOMLDecodeError, ValueError):
        return "refused", None


def same(a: Any, b: Any) -> bool:
    """Equal data, nan included, and of the same types (1 is not 1.0 nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if hasattr(a, "tzinfo") and a.tzinfo is not None:
        return a == b and a.utcoffset() == b.utcoffset()
    return a == b


def agrees(text: str) -> None:
    fast = outcome(lambda t: toml_rs.loads(t, toml_version="1.1.0"), text)
    slow = outcome(tomli.loads, text)
    if suits_toml_rs(text) and fast[0] == "data":
        assert slow[0] == "data", f"toml-rs accepts what tomli refuses: {text!r}"
        assert same(fast[1], slow[1]), f"toml-rs reads other data: {text!r}"
    # whatever toml-rs says, parse_toml says what tomli says
    ours = outcome(parse_toml, text)
    assert ours[0] == slow[0] and (ours[0] == "refused" or same(ours[1], slow[1]))


def repository_files() -> list[Path]:
    found = [
        p for p in REPO.rglob("*.toml") if ".git" not in p.parts and "__snapshots__" not in p.parts
    ]
    return sorted(found)


def test_the_repository_has_toml_files_to_compare():
    assert len(repository_files()) > 100


@pytest.mark.parametrize("path", repository_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_toml_file_of_the_repository_reads_the_same(path):
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before parsing")
    agrees(text)


KEYS = ["a", "b", "a.b", '"a b"', "'c'", "a . b", "1", "-", "true", "é", '""', "a..b", " "]
VALUES = [
    "1",
    "+1",
    "-0",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1__0",
    "01",
    "_1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
    "1.5",
    "1e3",
    "1E-3",
    "-0.0",
    "1.",
    ".5",
    "1e",
    "nan",
    "+inf",
    "-nan",
    "inf",
    "1_0.0_1",
    "true",
    "false",
    "True",
    '"x"',
    '"\\e"',
    '"\\x41"',
    '"\\u00e9"',
    '"\\U0001F600"',
    '"\\q"',
    '"\\uD800"',
    '"a\tb"',
    "'lit\\eral'",
    '"""\nml\\\n  x"""',
    "'''\nraw'''",
    '""""a""""',
    '"""a""""""',
    '"x',
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "1979-05-27 07:32:00",
    "1979-05-27T07:32Z",
    "1979-05-27T07:32",
    "07:32",
    "07:32:00.999999999",
    "1979-05-27T07:32:00.1234567-07:30",
    "1979-02-29",
    "2000-02-29",
    "1979-13-01",
    "24:00:00",
    "1979-05-27T07:32:60Z",
    "1979-5-27",
    "1979-05-27t07:32:00z",
    "[]",
    "[1, 2,]",
    "[1, 'a']",
    "[[1], [2]]",
    "[\n1,\n# c\n2\n]",
    "[,]",
    "[1 2]",
    "{}",
    "{a = 1}",
    "{a = 1,}",
    "{\na = 1\n}",
    "{a = 1, a = 2}",
    "{a.b = 1, a.c = 2}",
    "{a = {b = 1}}",
    "{ a = 1 } x",
]
LINES = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.builds(lambda k: f"[{k}]", st.sampled_from(KEYS)),
    st.builds(lambda k: f"[[{k}]]", st.sampled_from(KEYS)),
    st.sampled_from(["", "# note", "  ", "\r", "\t# x", "[a]x", "a = 1 # c", "a =", "= 1"]),
    st.text(
        alphabet="ab=.[]{}\"',#\\ \t\n0123456789:-TZe+_\ufeff\x7f\x00\x01\x0b\x0c\u2028é",
        max_size=12,
    ),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LINES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\ufeff"])
)
def test_generated_texts_read_the_same(lines, newline, start):
    agrees(start + newline.join(lines))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_reads_the_same(text):
    agrees(text)


def test_text_that_could_nest_deeply_goes_to_tomli_not_to_the_compiled_parser():
    # toml-rs recurses on the machine stack: given this text it crashes the whole process
    deep = "a = " + "[" * 100_000 + "]" * 100_000
    assert deep.count("[") >= FAST_NESTING
    result = reader.read("control", "controls/3A090.toml", deep.encode())
    assert result.data is None
    assert [p.code for p in result.problems] == ["toml-syntax"]
