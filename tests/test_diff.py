"""`curator diff`: control by control, with the exact effect and the catalogue items it moves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CONTROL_3A090, make_list, run_curator
from gitrepo import LIST_DIR, git, new_repo

from curator.core.diff import compare_controls, diff_lists
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import plumbing, revisions
from curator.store.index.load import load

BUNDLED = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"
CONTROL_KEYS = {"id", "change", "fields", "effect", "newly_captured", "released", "witness"}


def _lists(tmp_path, edit):
    old = make_list(tmp_path / "old")
    new = make_list(tmp_path / "new")
    edit(new)
    return load(old.root), load(new.root)


def _one(tmp_path, edit):
    old, new = _lists(tmp_path, edit)
    result = diff_lists(old, new, "old", "new")
    assert len(result.controls) == 1, result.controls
    return result.controls[0]


def _replace(rel, before, after):
    def edit(lst):
        text = lst.read(rel)
        assert before in text
        lst.write(rel, text.replace(before, after))

    return edit


# ---------------------------------------------------------------- core


def test_raised_threshold_is_loosened_with_released_items(tmp_path):
    change = _one(tmp_path, _replace("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000"))
    assert (change.id, change.change, change.effect) == ("3A090", "modified", "loosened")
    assert change.fields == ("items[a.1].match",)
    assert change.released == ("ascend-910b", "rtx-4090")
    assert change.newly_captured == ()
    assert "is released" in change.witness


def test_lowered_threshold_is_tightened_with_newly_captured_items(tmp_path):
    change = _one(tmp_path, _replace("controls/3A090.toml", "tpp >= 1600", "tpp >= 1000"))
    assert change.effect == "tightened"
    assert change.released == ()
    assert "newly captured" in change.witness


def _of_kinds(lst, control: bool = True) -> None:
    """The Ascend 910B an AI accelerator, the RTX 4090 a GPU; with `control`, 3A090 weighed
    against AI accelerators only."""
    _replace("catalogue/ascend-910b.toml", "\nname =", '\nkind = "ai-accelerator"\nname =')(lst)
    _replace("catalogue/rtx-4090.toml", "\nname =", '\nkind = "gpu"\nname =')(lst)
    if control:
        _replace("controls/3A090.toml", 'regime = "', 'kinds = ["ai-accelerator"]\nregime = "')(lst)


def test_a_control_releases_only_items_of_its_kinds_as_weigh_weighs_them(tmp_path):
    old, new = make_list(tmp_path / "old"), make_list(tmp_path / "new")
    _of_kinds(old)
    _of_kinds(new)
    _replace("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")(new)
    [change] = diff_lists(load(old.root), load(new.root), "old", "new").controls
    assert change.released == ("ascend-910b",)  # not the GPU: 3A090 is not weighed against it
    assert not load(old.root).problems  # (kinds written as a list writes them)


def test_narrowing_a_controls_kinds_releases_the_items_of_the_kinds_left_out(tmp_path):
    old, new = make_list(tmp_path / "old"), make_list(tmp_path / "new")
    _of_kinds(old, control=False)
    _of_kinds(new)
    [change] = diff_lists(load(old.root), load(new.root), "old", "new").controls
    assert change.fields == ("kinds",)
    assert "rtx-4090" in change.released and "ascend-910b" not in change.released
    assert change.newly_captured == ()


def test_mixed_change_gives_a_witness_for_both_directions(tmp_path):
    change = _one(
        tmp_path,
        _replace("controls/3A090.toml", '"tpp >= 4800"', '"tpp >= 6000 or interconnect >= 500"'),
    )
    assert change.effect == "mixed"
    assert "newly captured" in change.witness and "released" in change.witness


def test_reworded_criteria_are_equivalent(tmp_path):
    change = _one(tmp_path, _replace("controls/3A090.toml", '"tpp >= 4800"', '"4800 <= tpp"'))
    assert change.effect == "equivalent"
    assert change.witness is None
    assert change.newly_captured == change.released == ()


def test_text_only_change_is_editorial(tmp_path):
    change = _one(tmp_path, _replace("controls/3A090.toml", "of 4800 or more", "of at least 4800"))
    assert change.effect == "editorial"
    assert change.fields == ("items[a.1].text",)
    assert change.witness is None


def test_status_change_has_no_scope_effect(tmp_path):
    change = _one(
        tmp_path, _replace("controls/3A090.toml", 'status = "proposed"', 'status = "draft"')
    )
    assert change.fields == ("status",)
    assert change.effect is None


def test_added_control_tightens(tmp_path):
    def add(lst):
        lst.write(
            "controls/3A091.toml",
            CONTROL_3A090.replace('"3A090"', '"3A091"').replace("tpp >= 4800", "tpp >= 9000"),
        )

    change = _one(tmp_path, add)
    assert (change.id, change.change, change.effect) == ("3A091", "added", "tightened")
    assert "a100" in change.newly_captured


def test_removed_control_loosens(tmp_path):
    change = _one(tmp_path, lambda lst: (lst.root / "controls/3A090.toml").unlink())
    assert (change.change, change.effect) == ("removed", "loosened")
    assert "a100" in change.released


def test_rename_with_the_same_content_is_a_rename(tmp_path):
    def rename(lst):
        (lst.root / "controls/3A090.toml").unlink()
        lst.write("controls/3A092.toml", CONTROL_3A090.replace('"3A090"', '"3A092"'))

    change = _one(tmp_path, rename)
    assert (change.id, change.change, change.previous_id) == ("3A092", "renamed", "3A090")
    assert change.fields == ("id",)
    assert change.effect == "equivalent"


def test_rename_with_other_changes_is_a_removal_and_an_addition(tmp_path):
    def rename(lst):
        (lst.root / "controls/3A090.toml").unlink()
        text = CONTROL_3A090.replace('"3A090"', '"3A092"').replace("4800", "5000")
        lst.write("controls/3A092.toml", text)

    old, new = _lists(tmp_path, rename)
    changes = {c.id: c.change for c in diff_lists(old, new, "a", "b").controls}
    assert changes == {"3A090": "removed", "3A092": "added"}


def test_broken_control_on_one_side_is_not_reported_as_removed(tmp_path):
    old, new = _lists(tmp_path, lambda lst: lst.write("controls/3A090.toml", "id = \n"))
    result = diff_lists(old, new, "a", "b")
    assert result.controls == ()
    assert result.not_compared == ("3A090",)


def test_a_control_compared_with_itself_has_no_fields(tmp_path):
    lst = load(make_list(tmp_path / "l").root)
    control = lst.controls["3A090"]
    change = compare_controls(control, control, lst.catalogue)
    assert change.fields == ()


# ---------------------------------------------------------------- the command


def test_diff_json_has_the_exact_keys(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    done = repo.curator("diff", "--list", LIST_DIR, "--format", "json")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert set(document) == {"from", "to", "controls"}
    assert (document["from"], document["to"]) == ("HEAD", "working tree")
    assert [set(c) for c in document["controls"]] == [CONTROL_KEYS]
    control = document["controls"][0]
    assert control["effect"] == "loosened"
    assert control["released"] == ["ascend-910b", "rtx-4090"]


def test_diff_head_1_head(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 1600", "tpp >= 1000")
    repo.commit("lower a.2")
    done = repo.curator("diff", "HEAD~1", "HEAD", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "From HEAD~1 to HEAD: 1 control changed" in done.out
    assert "Tightened (1):" in done.out
    assert "3A090 Integrated circuits for advanced computing" in done.out


def test_diff_between_two_tags(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("tag", "-a", "test-list/v1.0", "-m", "1.0")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    repo.git("tag", "-a", "test-list/v1.1", "-m", "1.1")
    repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "draft"')
    repo.commit("back to draft")
    done = repo.curator(
        "diff", "test-list/v1.0", "test-list/v1.1", "--list", LIST_DIR, "--format", "json"
    )
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert (document["from"], document["to"]) == ("test-list/v1.0", "test-list/v1.1")
    assert [(c["id"], c["fields"], c["effect"]) for c in document["controls"]] == [
        ("3A090", ["items[a.1].match"], "loosened")
    ]


def test_diff_defaults_to_the_latest_release_tag(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("tag", "-a", "test-list/v1.9", "-m", "1.9")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    repo.git("tag", "-a", "test-list/v1.10", "-m", "1.10")
    repo.edit("controls/3A090.toml", "of 4800 or more", "of at least 4800")
    done = repo.curator("diff", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "From test-list/v1.10 to working tree" in done.out
    assert "Editorial (1):" in done.out


def test_text_output_reads_like_a_reviewers_summary(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    done = repo.curator("diff", "--list", LIST_DIR)
    assert done.out.splitlines()[:3] == [
        "From HEAD to working tree: 1 control changed",
        "",
        "Loosened (1):",
    ]
    assert (
        "3A090 Integrated circuits for advanced computing (changed items[a.1].match)"
        " — items released: ascend-910b, rtx-4090"
    ) in done.out


def test_rename_is_reported_as_rename_on_the_command_line(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("mv", f"{LIST_DIR}/controls/3A090.toml", f"{LIST_DIR}/controls/3A092.toml")
    repo.edit("controls/3A092.toml", 'id = "3A090"', 'id = "3A092"')
    done = repo.curator("diff", "--list", LIST_DIR, "--format", "json")
    assert json.loads(done.out)["controls"] == [
        {
            "id": "3A092",
            "change": "renamed",
            "fields": ["id"],
            "effect": "equivalent",
            "newly_captured": [],
            "released": [],
            "witness": None,
        }
    ]
    text = repo.curator("diff", "--list", LIST_DIR)
    assert "3A092 Integrated circuits for advanced computing (renamed from 3A090)" in text.out


def test_too_many_revisions_is_a_usage_error(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("diff", "HEAD", "HEAD", "HEAD", "--list", LIST_DIR)
    assert done.code == 2


def _bundled_repo(tmp_path) -> tuple[Path, Path]:
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "--quiet")
    shutil.copytree(BUNDLED, top / "lists" / "emerging-tech")
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "bundled list")
    return top, top / "lists" / "emerging-tech" / "controls" / "3A090.toml"


def _raise_a1(control: Path, root: Path) -> None:
    old = load(root).controls["3A090"].paragraph("a.1").match
    assert "4800" in old
    control.write_text(control.read_text().replace(old, old.replace("4800", "6000")))


BUNDLED_ONLY = pytest.mark.skipif(
    not (BUNDLED / "list.toml").exists(), reason="bundled list not present"
)


@BUNDLED_ONLY
def test_bundled_list_raising_3a090_a1_to_6000_is_loosened(tmp_path):
    top, control = _bundled_repo(tmp_path)
    _raise_a1(control, top / "lists" / "emerging-tech")
    done = run_curator("diff", "--list", "lists/emerging-tech", "--format", "json", cwd=top)
    assert done.code == 0, done.err
    (change,) = json.loads(done.out)["controls"]
    assert (change["id"], change["effect"]) == ("3A090", "loosened")
    assert change["released"]


@BUNDLED_ONLY
def test_diff_between_two_tags_on_the_bundled_list(tmp_path):
    top, control = _bundled_repo(tmp_path)
    git(top, "tag", "-a", "emerging-tech/v1.0", "-m", "1.0")
    _raise_a1(control, top / "lists" / "emerging-tech")
    git(top, "commit", "--quiet", "-am", "raise a.1")
    git(top, "tag", "-a", "emerging-tech/v1.1", "-m", "1.1")
    done = run_curator(
        "diff", "emerging-tech/v1.0", "emerging-tech/v1.1", "--list", "lists/emerging-tech", cwd=top
    )
    assert done.code == 0, done.err
    assert done.out.startswith("From emerging-tech/v1.0 to emerging-tech/v1.1: 1 control changed")
    assert "Loosened (1):\n  3A090 " in done.out
    assert "items released: " in done.out


def test_a_control_that_cannot_be_read_where_it_lies_is_named_not_passed_over(tmp_path):
    """A tighter 3A090 committed as a copy beside it, and another in a folder of its own:
    neither is a control of the list, and the diff says so rather than 'nothing changed'."""
    repo = new_repo(tmp_path / "repo")
    text = repo.lst.read("controls/3A090.toml").replace("tpp >= 1600", "tpp >= 1000")
    repo.lst.write("controls/3A090-copy.toml", text)
    repo.lst.write("controls/drafts/3A090.toml", text)
    repo.commit("a tighter 3A090, twice")
    done = repo.curator("diff", "HEAD~1", "HEAD", "--format", "text", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "From HEAD~1 to HEAD: 0 controls changed" in done.out
    lines = done.out.split("Not read in HEAD", 1)[1].splitlines()
    assert lines[1].startswith("  controls/3A090-copy.toml: '3A090-copy.toml' is not a valid")
    assert lines[2].startswith("  controls/drafts: a folder where none belongs")
    assert len(lines) == 3
    markdown = repo.curator("diff", "HEAD~1", "HEAD", "--format", "markdown", "--list", LIST_DIR)
    assert "- controls/drafts: a folder where none belongs" in markdown.out
    as_json = repo.curator("diff", "HEAD~1", "HEAD", "--format", "json", "--list", LIST_DIR)
    assert json.loads(as_json.out)["controls"] == []
    assert "not read in HEAD: controls/3A090-copy.toml" in as_json.err


def test_a_file_that_could_not_be_read_before_either_is_not_named_again(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.lst.write("controls/drafts/3A090.toml", repo.lst.read("controls/3A090.toml"))
    repo.commit("a draft in a folder of its own")
    repo.edit("controls/3A090.toml", "tpp >= 1600", "tpp >= 1000")
    repo.commit("lower a.2")
    done = repo.curator("diff", "HEAD~1", "HEAD", "--format", "text", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "Tightened (1):" in done.out
    assert "Not read" not in done.out


def test_a_folder_inside_controls_at_a_revision_is_reported_as_check_reports_it(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.lst.write("controls/drafts/3A090.toml", repo.lst.read("controls/3A090.toml"))
    repo.commit("a draft in a folder of its own")
    at_head = repo.curator("check", "--list", LIST_DIR)
    assert "controls/drafts: a folder where none belongs" in at_head.out + at_head.err
    place = plumbing.place_of(repo.root)
    at_revision = revisions.load_revision(place, "HEAD", folders=DEFINITIONS)
    assert at_revision.broken["controls/drafts"][0].code == "misplaced-folder"
    assert "3A090" in at_revision.controls  # the one in controls/ itself
