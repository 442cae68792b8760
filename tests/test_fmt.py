"""Canonical form: schema key order, long text as multi-line strings, sorted sets, comments kept."""

from __future__ import annotations

import tomllib

import pytest

from curator.store.formats.write import canonical_text

MESSY = """\
# Advanced computing chips
status = "proposed"   # moved on 2026-11-01
area = "advanced-computing"
title = "Integrated circuits"
reasons = ["RS", "AT1"]
id = "3A090"
summary = "A summary that is long enough to need a multi-line string because it runs past one hundred characters."

[[items]]
# the TPP prong
match = "tpp >= 4800"
label = "a.1"
"""


def test_fmt_orders_keys_sorts_sets_and_keeps_comments(lst, curator):
    lst.write("controls/3A090.toml", MESSY)
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 1
    run = curator("fmt", "--list", str(lst.root))
    assert run.code == 0
    assert "controls/3A090.toml: reformatted" in run.out
    text = lst.read("controls/3A090.toml")
    assert text.splitlines()[:6] == [
        "# Advanced computing chips",
        'id = "3A090"',
        'title = "Integrated circuits"',
        'area = "advanced-computing"',
        'status = "proposed"  # moved on 2026-11-01',
        'reasons = ["AT1", "RS"]',
    ]
    assert 'summary = """\nA summary that is long' in text
    assert '[[items]]\nlabel = "a.1"\n# the TPP prong\nmatch = "tpp >= 4800"' in text
    assert text.endswith("\n")
    assert tomllib.loads(text)["summary"] == tomllib.loads(MESSY)["summary"]


def test_fmt_twice_changes_nothing(lst, curator):
    lst.write("controls/3A090.toml", MESSY)
    curator("fmt", "--list", str(lst.root))
    first = lst.snapshot()
    run = curator("fmt", "--list", str(lst.root))
    assert run.out == ""
    assert lst.snapshot() == first
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_fmt_check_lists_files_and_changes_none(lst, curator):
    lst.write("controls/3A090.toml", MESSY)
    before = lst.snapshot()
    run = curator("fmt", "--check", "--list", str(lst.root))
    assert run.code == 1
    assert run.out == "controls/3A090.toml: not in canonical form\n"
    assert lst.snapshot() == before


def test_fmt_never_rewrites_a_broken_file(lst, curator):
    broken = 'status = "proposed"\nid = "3A091"\ntitle = 5\n'
    lst.write("controls/3A091.toml", broken)
    run = curator("fmt", "--list", str(lst.root))
    assert "controls/3A091.toml: not formatted (broken" in run.err
    assert lst.read("controls/3A091.toml") == broken


def test_fmt_preserves_data_of_tricky_strings():
    text = 'id = "3A090"\ntitle = "x"\narea = "a"\nstatus = "draft"\nsummary = """\nquote \\"\\"\\" and \\\\ back\\tslash\r\nend with quote\\""""\n'
    out = canonical_text("control", text)
    assert tomllib.loads(out) == tomllib.loads(text)
    assert canonical_text("control", out) == out


def test_fmt_keeps_dates_as_dates(lst):
    out = canonical_text("list", lst.read("list.toml"))
    assert "comment_deadline = 2027-01-31\n" in out


def test_fmt_writes_maps_of_tables_sorted_without_empty_parent(lst):
    out = canonical_text("list", lst.read("list.toml"))
    assert "[areas]" not in out
    assert out.index("[areas.advanced-computing]") < out.index("[areas.quantum]")


@pytest.mark.parametrize("marker", ["<<<<<<< ours", "=======", ">>>>>>> theirs", "||||||| base"])
def test_a_text_line_that_looks_like_a_conflict_marker_is_written_so_as_not_to_read_as_one(
    marker,
):
    from curator.store.formats.read import conflict_marker

    text = f"{marker} is what the vendor's datasheet shows.\n{marker}\nand more " + "x" * 90
    source = f'id = "3A090"\ntitle = "t"\n[[items]]\nlabel = "a"\ntext = """\n{text}"""\n'
    assert conflict_marker(source.encode()) is not None  # as a person might type it
    written = canonical_text("control", source)
    assert conflict_marker(written.encode()) is None  # as curator writes it
    assert tomllib.loads(written)["items"][0]["text"] == text
