"""The merge driver: list files merged field by field, conflicts marked around one field only."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import sys
from pathlib import Path

from conftest import CONTROL_3A090, LIST_TOML, run_curator
from gitrepo import LIST_DIR, Repo, identity, new_repo

from curator.store.formats.write import render
from curator.store.git.merge import Sides, merge_driver, merge_texts
from curator.store.git.repo import git_setup

CONTROL = f"{LIST_DIR}/controls/3A090.toml"


# ---------------------------------------------------------------- merging data


def test_different_fields_merge_cleanly():
    ours = CONTROL_3A090.replace('status = "proposed"', 'status = "under-review"')
    theirs = CONTROL_3A090.replace('visibility = "public"', 'visibility = "committee"')
    merged = merge_texts("control", CONTROL_3A090, ours, theirs)
    assert merged.conflicts == ()
    assert 'status = "under-review"' in merged.text
    assert 'visibility = "committee"' in merged.text


def test_paragraphs_are_matched_by_label():
    ours = CONTROL_3A090.replace("tpp >= 4800", "tpp >= 6000")
    theirs = CONTROL_3A090 + '\n[[items]]\nlabel = "b"\nmatch = "interconnect >= 600"\n'
    theirs = theirs.replace("tpp >= 1600", "tpp >= 2000")
    merged = merge_texts("control", CONTROL_3A090, ours, theirs)
    assert merged.conflicts == ()
    assert merged.text.index("tpp >= 6000") < merged.text.index("tpp >= 2000")
    assert merged.text.index("tpp >= 2000") < merged.text.index('label = "b"')


def test_sets_take_both_sides_additions_and_removals():
    ours = CONTROL_3A090.replace('reasons = ["AT1", "RS"]', 'reasons = ["AT1", "NS1", "RS"]')
    theirs = CONTROL_3A090.replace('reasons = ["AT1", "RS"]', 'reasons = ["RS"]')
    merged = merge_texts("control", CONTROL_3A090, ours, theirs)
    assert merged.conflicts == ()
    assert 'reasons = ["NS1", "RS"]' in merged.text


def test_same_field_changed_differently_conflicts_around_that_field_only():
    ours = CONTROL_3A090.replace("tpp >= 4800", "tpp >= 5000")
    theirs = CONTROL_3A090.replace("tpp >= 4800", "tpp >= 6000").replace(
        'status = "proposed"', 'status = "draft"'
    )
    merged = merge_texts("control", CONTROL_3A090, ours, theirs)
    assert [c.where for c in merged.conflicts] == ["items[a.1].match"]
    lines = merged.text.splitlines()
    start = lines.index("<<<<<<< ours")
    assert lines[start : start + 5] == [
        "<<<<<<< ours",
        'match = "tpp >= 5000"',
        "=======",
        'match = "tpp >= 6000"',
        ">>>>>>> theirs",
    ]
    assert lines[start - 1].startswith("text = ")
    assert 'status = "draft"' in lines


def test_paragraph_deleted_on_one_side_and_changed_on_the_other_conflicts_as_a_block():
    a2 = CONTROL_3A090[CONTROL_3A090.index('[[items]]\nlabel = "a.2"') :]
    ours = CONTROL_3A090.replace(a2, "").rstrip() + "\n"
    theirs = CONTROL_3A090.replace("tpp >= 1600", "tpp >= 2000")
    merged = merge_texts("control", CONTROL_3A090, ours, theirs)
    assert [c.where for c in merged.conflicts] == ["items[a.2]"]
    block = merged.text[merged.text.index("<<<<<<< ours") :]
    assert block.startswith('<<<<<<< ours\n=======\n[[items]]\nlabel = "a.2"\n')
    assert "tpp >= 2000" in block


def test_comments_people_typed_survive_from_both_sides():
    base = CONTROL_3A090.replace('status = "proposed"', 'status = "proposed"  # until March')
    ours = base.replace('title = "', '# agreed at the November meeting\ntitle = "')
    theirs = base.replace('match = "tpp >= 4800"', 'match = "tpp >= 4800"  # 2023 rule')
    merged = merge_texts("control", base, ours, theirs)
    assert merged.conflicts == ()
    assert "# agreed at the November meeting\ntitle = " in merged.text
    assert 'match = "tpp >= 4800"  # 2023 rule' in merged.text
    assert 'status = "proposed"  # until March' in merged.text


def test_members_are_matched_by_id():
    member = '\n[[members]]\nid = "{0}"\nname = "{0}"\nrole = "member"\n'
    ours = LIST_TOML.replace("\n[areas.", member.format("gov-1") + "\n[areas.", 1)
    theirs = LIST_TOML.replace("\n[areas.", member.format("lab-1") + "\n[areas.", 1)
    merged = merge_texts("list", LIST_TOML, ours, theirs)
    assert merged.conflicts == ()
    assert 'id = "gov-1"' in merged.text and 'id = "lab-1"' in merged.text


def test_file_added_on_both_sides_merges_against_an_empty_base():
    theirs = CONTROL_3A090.replace('status = "proposed"', 'status = "draft"')
    merged = merge_texts("control", "", CONTROL_3A090, theirs)
    assert [c.where for c in merged.conflicts] == ["status"]


# ---------------------------------------------------------------- the driver through git


def _shared(tmp_path, interpreter: Path | None = None) -> tuple[Repo, Repo, Repo]:
    """An origin with the merge driver registered, and two members' clones of it; `curator
    git-setup` registers the interpreter running the tests, else `interpreter` is registered."""

    def setup(repo: Repo) -> None:
        if interpreter is None:
            assert repo.curator("git-setup", "--list", LIST_DIR).code == 0
        else:
            git_setup(repo.root, str(interpreter))

    origin = new_repo(tmp_path / "origin")
    setup(origin)
    origin.commit("Register the curator merge driver")
    clones = []
    for name in ("alice", "bob"):
        clone = origin.clone(tmp_path / name)
        setup(clone)
        clones.append(clone)
    return origin, clones[0], clones[1]


def _pull(into: Repo, other: Repo, env: dict | None = None):
    into.git("fetch", "--quiet", str(other.top), "main")
    return into.git("merge", "--no-edit", "FETCH_HEAD", check=False, env=env)


def _git_only(tmp_path) -> dict[str, str]:
    """An environment whose PATH holds git and nothing else: no curator, no activated venv."""
    folder = tmp_path / "git-only"
    folder.mkdir()
    (folder / "git").symlink_to(shutil.which("git"))
    return {"PATH": str(folder)}


def _edit_different_fields(alice: Repo, bob: Repo) -> None:
    alice.edit("controls/3A090.toml", 'status = "proposed"', 'status = "under-review"')
    alice.commit("Alice: under review")
    bob.edit("controls/3A090.toml", 'visibility = "public"', 'visibility = "committee"')
    bob.commit("Bob: committee only")


def test_two_clones_editing_different_fields_merge_cleanly(tmp_path):
    _, alice, bob = _shared(tmp_path)
    _edit_different_fields(alice, bob)
    done = _pull(bob, alice)
    assert done.returncode == 0, done.stdout + done.stderr
    text = bob.lst.read("controls/3A090.toml")
    assert 'status = "under-review"' in text and 'visibility = "committee"' in text
    assert bob.curator("check", "--list", LIST_DIR).code == 0
    assert bob.curator("fmt", "--check", "--list", LIST_DIR).code == 0


def test_without_the_driver_the_same_edits_conflict_line_by_line(tmp_path):
    origin = new_repo(tmp_path / "origin")
    alice, bob = origin.clone(tmp_path / "alice"), origin.clone(tmp_path / "bob")
    _edit_different_fields(alice, bob)
    assert _pull(bob, alice).returncode != 0


def test_git_runs_the_drivers_without_curator_on_its_path(tmp_path):
    _, alice, bob = _shared(tmp_path)
    git_only = _git_only(tmp_path)
    _edit_different_fields(alice, bob)
    done = _pull(bob, alice, env=git_only)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'status = "under-review"' in bob.lst.read("controls/3A090.toml")
    bob.edit("controls/3A090.toml", 'status = "under-review"', 'status = "draft"  # on hold')
    shown = bob.git("diff", "--", CONTROL, env=git_only).stdout
    assert '+status = "draft"' in shown
    assert "on hold" not in shown


def test_the_interpreter_path_may_hold_spaces_quotes_and_percent_signs(tmp_path):
    folder = tmp_path / "it's 100%O env" / "bin"
    folder.mkdir(parents=True)
    python = folder / "python"  # runs the tests' interpreter, as a venv's python would
    python.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    python.chmod(0o755)
    _, alice, bob = _shared(tmp_path, interpreter=python)
    _edit_different_fields(alice, bob)
    done = _pull(bob, alice, env=_git_only(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    text = bob.lst.read("controls/3A090.toml")
    assert 'status = "under-review"' in text and 'visibility = "committee"' in text


ALICE = identity("Alice Moreau", "industry-1@example.org")
BOB = identity("Bob Okafor", "academia-1@example.org")


def test_same_field_conflicts_with_a_clear_message_and_check_reports_it(tmp_path):
    _, alice, bob = _shared(tmp_path)
    alice.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    theirs = alice.commit("Alice: 6000", env=ALICE)
    bob.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 5000")
    bob.edit("controls/3A090.toml", 'status = "proposed"', 'status = "draft"')
    bob.commit("Bob: 5000", env=BOB)
    done = _pull(bob, alice)
    assert done.returncode != 0
    assert "both sides changed items[a.1].match differently" in done.stderr
    # the branch merged into, and the commit merged (FETCH_HEAD: git gives only its id)
    assert _markers(bob, "main (Bob Okafor)") == [
        'match = "tpp >= 5000"',
        "=======",
        'match = "tpp >= 6000"',
        f">>>>>>> {theirs[:7]} Alice: 6000 (Alice Moreau)",
    ]
    assert 'status = "draft"' in bob.lst.read("controls/3A090.toml").splitlines()
    check = bob.curator("check", "--list", LIST_DIR, "--format", "json")
    assert check.code == 1
    codes = {(p["file"], p["code"]) for p in json.loads(check.out)["problems"]}
    assert ("controls/3A090.toml", "conflict-markers") in codes


def _markers(repo: Repo, first: str) -> list[str]:
    """The four lines after the one conflict marker `<<<<<<< first` in 3A090's file."""
    lines = repo.lst.read("controls/3A090.toml").splitlines()
    assert [line for line in lines if line.startswith("<<<<<<<")] == [f"<<<<<<< {first}"]
    start = lines.index(f"<<<<<<< {first}")
    return lines[start + 1 : start + 5]


def test_a_rebase_names_the_upstream_and_the_commit_replayed_not_ours_and_theirs(tmp_path):
    # in `git pull --rebase` (what `curator sync` runs) git's "ours" is the change already
    # pushed by another member and "theirs" your own commit: the markers name them instead
    origin, _, bob = _shared(tmp_path)
    # the driver as a path-independent command line, whatever `git-setup` registers
    driver = f"{shlex.quote(sys.executable)} -m curator merge-file %O %A %B %P"
    bob.git("config", "merge.curator.driver", driver)
    origin.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    origin.commit("Alice: 6000", env=ALICE)
    bob.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 5000")
    mine = bob.commit("Bob: 5000", env=BOB)
    done = bob.git("pull", "--rebase", check=False)
    assert done.returncode != 0
    assert _markers(bob, "origin/main (Alice Moreau)") == [
        'match = "tpp >= 6000"',
        "=======",
        'match = "tpp >= 5000"',
        f">>>>>>> {mine[:7]} Bob: 5000 (Bob Okafor)",
    ]
    assert (
        f"(<<<<<<< origin/main (Alice Moreau) … ======= … >>>>>>> {mine[:7]} Bob: 5000 "
        "(Bob Okafor))"
    ) in done.stderr


def test_a_line_merge_names_the_sides_too(tmp_path):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text("title = \nx\n")  # not TOML: merged line by line
    ours.write_text("title = \ny\n")
    theirs.write_text("title = \nz\n")
    sides = Sides("origin/main (Alice Moreau)", "1a2b3c4 Bob: 5000 (Bob Okafor)")
    result = merge_driver(base, ours, theirs, CONTROL, sides)
    assert result.line_conflicts == 1
    text = ours.read_text()
    assert "<<<<<<< origin/main (Alice Moreau)\ny\n=======\nz\n>>>>>>> 1a2b3c4 Bob" in text


def _comment(repo: Repo, author: str, minute: int) -> None:
    at = dt.datetime(2026, 11, 28, 1, minute, 0, tzinfo=dt.UTC)
    data = {"author": author, "at": at, "body": f"Comment {minute} from {author}."}
    name = f"{at:%Y-%m-%dT%H%M%SZ}-{author}.toml"
    repo.lst.write(f"discussion/3A090/{name}", render("comment", data))


def test_twenty_comments_added_concurrently_in_two_clones_merge_with_no_conflict(tmp_path):
    _, alice, bob = _shared(tmp_path)
    for minute in range(20):
        _comment(alice, "industry-1", minute)
        alice.commit(f"industry-1 comment {minute}")
        _comment(bob, "academia-1", minute)
        bob.commit(f"academia-1 comment {minute}")
    done = _pull(bob, alice)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list((bob.root / "discussion" / "3A090").glob("*.toml"))) == 40
    assert bob.curator("check", "--list", LIST_DIR).code == 0
    back = _pull(alice, bob)
    assert back.returncode == 0
    assert alice.lst.snapshot() == bob.lst.snapshot()


def test_merge_file_falls_back_to_a_line_merge_when_a_side_is_not_toml(tmp_path):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text(CONTROL_3A090)
    broken = CONTROL_3A090.replace("title = ", "title = unquoted ")
    ours.write_text(broken)
    theirs.write_text(CONTROL_3A090 + "\n# a note at the end\n")
    done = run_curator("merge-file", str(base), str(ours), str(theirs), CONTROL)
    assert done.code == 0
    assert "merged line by line" in done.err
    assert ours.read_text() == broken + "\n# a note at the end\n"


def test_merge_file_exits_1_on_a_conflict_and_writes_into_ours(tmp_path):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text(CONTROL_3A090)
    ours.write_text(CONTROL_3A090.replace('title = "Integrated', 'title = "Our'))
    theirs.write_text(CONTROL_3A090.replace('title = "Integrated', 'title = "Their'))
    done = run_curator("merge-file", str(base), str(ours), str(theirs), CONTROL)
    assert done.code == 1
    assert "both sides changed title differently" in done.err
    assert '<<<<<<< ours\ntitle = "Our' in ours.read_text()
    assert theirs.read_text().startswith('id = "3A090"\ntitle = "Their')


def test_git_setup_writes_attributes_and_config(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("git-setup", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert f"{sys.executable} -m curator" in done.out
    attributes = (repo.top / ".gitattributes").read_text().splitlines()
    assert "lists/**/controls/*.toml merge=curator diff=curator" in attributes
    assert "lists/**/list.toml merge=curator diff=curator" in attributes
    driver = repo.git("config", "--get", "merge.curator.driver").stdout.strip()
    assert sys.executable in driver and driver.endswith("merge-file %O %A %B %P")
    textconv = repo.git("config", "--get", "diff.curator.textconv").stdout.strip()
    assert sys.executable in textconv and textconv.endswith(" textconv")
    used = repo.git("check-attr", "merge", "diff", "--", CONTROL).stdout
    assert "merge: curator" in used and "diff: curator" in used
    again = repo.curator("git-setup", "--list", LIST_DIR)
    assert "already set up" in again.out
    assert (repo.top / ".gitattributes").read_text().splitlines() == attributes


def test_git_setup_keeps_other_attributes(tmp_path):
    repo = new_repo(tmp_path / "repo")
    (repo.top / ".gitattributes").write_text("*.png binary\n")
    repo.curator("git-setup", "--list", LIST_DIR)
    lines = (repo.top / ".gitattributes").read_text().splitlines()
    assert lines[0] == "*.png binary"
    assert len(lines) > 3


def test_textconv_shows_a_readable_canonical_form(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('status = "proposed" # note\nid = "3A090"\ntitle = "T"\narea = "a"\n')
    done = run_curator("textconv", str(path))
    assert done.code == 0
    assert done.out == 'id = "3A090"\ntitle = "T"\narea = "a"\nstatus = "proposed"\n'


def test_git_diff_uses_the_textconv_after_setup(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.curator("git-setup", "--list", LIST_DIR)
    repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "draft"  # on hold')
    shown = repo.git("diff", "--", CONTROL).stdout
    assert '+status = "draft"' in shown
    assert "on hold" not in shown


def _moved_away(tmp_path) -> tuple[Repo, Path]:
    """A repository set up by an environment that has since been moved or deleted."""
    repo = new_repo(tmp_path / "repo")
    gone = tmp_path / "old-env" / "bin" / "python"
    git_setup(repo.root, str(gone))
    repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "draft"')
    return repo, gone


def test_a_gone_interpreter_makes_git_and_check_say_how_to_repair_it(tmp_path):
    repo, gone = _moved_away(tmp_path)
    failed = repo.git("diff", "--", CONTROL, check=False)
    assert failed.returncode != 0
    assert f"{gone}, which no longer exists: run 'curator git-setup'" in failed.stderr
    check = repo.curator("check", "--list", LIST_DIR)
    assert check.code == 0, check.err
    assert f"warning: git runs curator for list files with {gone}, which no longer" in check.err
    assert "run `curator git-setup` in this repository" in check.err


def test_git_setup_replaces_a_gone_interpreter_and_says_so(tmp_path):
    repo, gone = _moved_away(tmp_path)
    done = repo.curator("git-setup", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert f"replaced {gone} (it no longer exists)" in done.out
    assert '+status = "draft"' in repo.git("diff", "--", CONTROL).stdout
    assert "warning" not in repo.curator("check", "--list", LIST_DIR).err
    assert "replaced" not in repo.curator("git-setup", "--list", LIST_DIR).out


def test_git_setup_replaces_the_bare_curator_of_earlier_versions(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("config", "merge.curator.driver", "curator merge-file %O %A %B %P")
    repo.git("config", "diff.curator.textconv", "curator textconv")
    check = repo.curator("check", "--list", LIST_DIR, env=_git_only(tmp_path))
    assert "the bare `curator`, which is not on PATH" in check.err
    done = repo.curator("git-setup", "--list", LIST_DIR)
    assert "replaced the bare `curator`" in done.out
    assert sys.executable in repo.git("config", "--get", "diff.curator.textconv").stdout


def test_a_folder_named_curator_in_the_repository_is_not_what_git_runs(tmp_path):
    repo = new_repo(tmp_path / "repo")
    (repo.top / "curator").mkdir()
    (repo.top / "curator" / "__init__.py").write_text("raise SystemExit('the wrong curator')\n")
    git_setup(repo.root)
    repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "draft"')
    assert '+status = "draft"' in repo.git("diff", "--", CONTROL).stdout
