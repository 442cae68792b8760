"""`curator new`: a canonical, valid draft; invalid or existing ids refused."""

from __future__ import annotations


def test_new_writes_a_canonical_valid_draft(lst, curator):
    run = curator(
        "new", "4A906", "--title", "Quantum computers", "--area", "quantum", "--list", str(lst.root)
    )
    assert run.code == 0, run.err
    text = lst.read("controls/4A906.toml")
    assert 'status = "draft"' in text
    assert 'visibility = "committee"' in text
    assert curator("check", "--list", str(lst.root), "--as", "industry-1").code == 0
    assert curator("fmt", "--check", "--list", str(lst.root), "--as", "industry-1").code == 0


def test_new_refuses_an_existing_id(lst, curator):
    before = lst.snapshot()
    run = curator(
        "new",
        "3A090",
        "--title",
        "x",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "industry-1",
    )
    assert run.code == 1
    assert "already exists" in run.err
    assert lst.snapshot() == before


def test_new_refuses_ids_with_path_characters(lst, curator):
    before = lst.snapshot()
    for bad in ("../../etc/passwd", "3A090/../x", "3a090", "3A09"):
        run = curator(
            "new",
            bad,
            "--title",
            "x",
            "--area",
            "quantum",
            "--list",
            str(lst.root),
            "--as",
            "industry-1",
        )
        assert run.code == 1, bad
        assert "not a valid control id" in run.err
        assert "Traceback" not in run.err
    assert lst.snapshot() == before


def test_new_refuses_an_unknown_area(lst, curator):
    run = curator(
        "new",
        "4A906",
        "--title",
        "x",
        "--area",
        "quantom",
        "--list",
        str(lst.root),
        "--as",
        "industry-1",
    )
    assert run.code == 1
    assert "unknown area 'quantom'" in run.err


def test_new_records_the_proposer_and_refuses_observers(lst, curator):
    curator(
        "new",
        "4A906",
        "--title",
        "Q",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "academia-1",
    )
    assert 'proposed_by = "academia-1"' in lst.read("controls/4A906.toml")
    run = curator(
        "new",
        "4A907",
        "--title",
        "Q",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "observer-1",
    )
    assert run.code == 1
    assert "observers read but do not write" in run.err
    run = curator(
        "new",
        "4A907",
        "--title",
        "Q",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "mallory",
    )
    assert "'mallory' is not a member of this list" in run.err and "--as MEMBER" in run.err
