"""`curator new`: a canonical, valid draft; invalid or existing ids refused."""

from __future__ import annotations


def new(curator, lst, control_id, title="Quantum computers", area="quantum", member="industry-1"):
    return curator(
        "new", control_id, "--title", title, "--area", area, "--list", str(lst.root), "--as", member
    )


def test_new_writes_a_canonical_valid_draft(lst, curator):
    run = new(curator, lst, "4A906")
    assert run.code == 0, run.err
    text = lst.read("controls/4A906.toml")
    assert 'status = "draft"' in text
    assert 'visibility = "committee"' in text
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_new_refuses_an_existing_id(lst, curator):
    before = lst.snapshot()
    run = new(curator, lst, "3A090")
    assert run.code == 1
    assert "already exists" in run.err
    assert lst.snapshot() == before


def test_new_refuses_ids_with_path_characters(lst, curator):
    before = lst.snapshot()
    for bad in ("../../etc/passwd", "3A090/../x", "3a090", "3A09"):
        run = new(curator, lst, bad)
        assert run.code == 1, bad
        assert "not a valid control id" in run.err
        assert "Traceback" not in run.err
    assert lst.snapshot() == before


def test_new_refuses_an_unknown_area(lst, curator):
    run = new(curator, lst, "4A906", area="quantom")
    assert run.code == 1
    assert "unknown area 'quantom'" in run.err


def test_new_records_the_proposer(lst, curator):
    new(curator, lst, "4A906", member="academia-1")
    assert 'proposed_by = "academia-1"' in lst.read("controls/4A906.toml")


def test_new_refuses_observers_and_strangers(lst, curator):
    before = lst.snapshot()
    run = new(curator, lst, "4A907", member="observer-1")
    assert run.code == 1
    assert "observers read but do not write" in run.err
    run = new(curator, lst, "4A907", member="mallory")
    assert "'mallory' is not a member of this list; its members are chair, industry-1" in run.err
    assert lst.snapshot() == before


def test_new_says_how_to_be_recognised(lst, curator, tmp_path):
    run = curator(
        "new", "4A907", "--title", "Q", "--area", "quantum", "--list", str(lst.root),
        env={"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"},
    )  # fmt: skip
    assert run.code == 1
    assert "you are not a member of this list: pass --as MEMBER" in run.err


def test_git_email_identifies_the_member(lst, curator, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\temail = Academia-1@Example.org\n\tname = A\n")
    run = curator(
        "new", "4A906", "--title", "Q", "--area", "quantum", "--list", str(lst.root),
        env={"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"},
    )  # fmt: skip
    assert run.code == 0, run.err
    assert 'proposed_by = "academia-1"' in lst.read("controls/4A906.toml")
