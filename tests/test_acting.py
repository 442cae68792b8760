"""Who is acting: `--as` before the verb as after it (like `--list`), and an id that names
nobody refused with the list's members."""

from __future__ import annotations

import pytest

from curator.cli import verb_of
from curator.store.index.load import load


def test_as_before_the_verb_acts_as_that_member(lst, cli):
    run = cli("--as", "academia-1", "comment", "3A090", "-m", "Fine.", "--list", str(lst.root))
    assert run.code == 0, run.err
    [said] = load(lst.root).comments
    assert said.author == "academia-1"


def test_as_after_the_verb_wins_over_as_before_it(lst, cli):
    run = cli("--as", "academia-1", "--list", str(lst.root), "comment", "3A090", "-m", "Fine.",
              "--as", "industry-1")  # fmt: skip
    assert run.code == 0, run.err
    assert [c.author for c in load(lst.root).comments] == ["industry-1"]


def test_as_with_equals_before_the_verb(lst, cli):
    run = cli(f"--list={lst.root}", "--as=chair", "member", "set-role", "industry-1", "observer")
    assert run.code == 0, run.err


def test_the_verb_is_found_after_options_with_values():
    assert verb_of(["--as", "industry-1", "comment", "3A090"]) == "comment"
    assert verb_of(["--as=industry-1", "--list", "x", "tui"]) == "tui"
    assert verb_of(["--as", "industry-1"]) is None


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "industry-l", "comment", "3A090", "-m", "x"),
        ("comment", "3A090", "-m", "x", "--as", "industry-l"),
        ("--as", "industry-l", "status", "3A090"),  # reading too: the id was meant for someone
        ("--as", "industry-l", "new", "4A906", "--title", "Q", "--area", "quantum"),
    ],
    ids=["before", "after", "reading", "new"],
)
def test_an_unknown_member_id_names_the_members(lst, cli, args):
    before = lst.snapshot()
    run = cli(*args, "--list", str(lst.root))
    assert run.code == 1
    assert run.err == (
        "curator: 'industry-l' is not a member of this list; its members are chair, "
        "industry-1, academia-1, observer-1 (did you mean 'industry-1'?)\n"
    )
    assert lst.snapshot() == before


def test_an_unknown_member_from_the_environment_is_named_too(lst, cli, monkeypatch):
    monkeypatch.setenv("CURATOR_MEMBER", "nobody")
    run = cli("comment", "3A090", "-m", "x", "--list", str(lst.root))
    assert run.code == 1
    assert "'nobody' is not a member of this list; its members are chair" in run.err


@pytest.fixture
def opened(monkeypatch):
    """What the TUI would have been opened on, instead of opening it."""
    from curator.tui import app

    seen: list[tuple[object, object]] = []
    monkeypatch.setattr(app, "run", lambda root, member=None: seen.append((root, member)))
    return seen


def test_as_alone_opens_the_tui_as_that_member(lst, cli, opened):
    run = cli("--as", "industry-1", "--list", str(lst.root))
    assert run.code == 0, run.err
    assert opened == [(lst.root, "industry-1")]


def test_the_tui_is_not_opened_for_an_unknown_member(lst, cli, opened):
    run = cli("--as", "nobody", "--list", str(lst.root))
    assert run.code == 1
    assert "'nobody' is not a member of this list; its members are chair" in run.err
    assert opened == []


def test_the_tui_opens_on_a_broken_list_toml(lst, cli, opened):
    lst.write("list.toml", "id = \n")
    run = cli("--as", "industry-1", "--list", str(lst.root))
    assert run.code == 0, run.err
    assert opened == [(lst.root, "industry-1")]
