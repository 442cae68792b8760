"""Reading a list at any revision: the same loader as the working tree, no checkout, a cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_list, run_curator
from gitrepo import LIST_DIR, git, new_repo

from curator.core.problems import CuratorError, InvalidValue
from curator.store.git import plumbing, revisions
from curator.store.index.cache import ListIndex, ReadCache
from curator.store.index.load import load

BROKEN = 'id = "3A091"\ntitle = "Broken"\narea = "advanced-computin"\nstatus = "maybe"\n'


def test_revision_loads_the_same_list_as_the_working_tree(tmp_path):
    repo = new_repo(tmp_path / "repo")
    place = plumbing.place_of(repo.root)
    at_head = revisions.load_revision(place, "HEAD", ReadCache())
    on_disk = load(repo.root)
    assert at_head.controls == on_disk.controls
    assert at_head.catalogue == on_disk.catalogue
    assert at_head.manifest == on_disk.manifest
    assert at_head.files == on_disk.files


def test_place_is_found_from_the_list_folder(tmp_path):
    repo = new_repo(tmp_path / "repo")
    place = plumbing.place_of(repo.root)
    assert place.top.resolve() == repo.top.resolve()
    assert place.prefix == f"{LIST_DIR}/"


def test_bad_file_at_a_revision_is_reported_like_in_the_working_tree(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.lst.write("controls/3A091.toml", BROKEN)
    repo.lst.write("controls/3A092.toml", 'id = "3A092"\ntitle = "x\n')
    repo.commit("add broken files")
    at_head = revisions.load_revision(plumbing.place_of(repo.root), "HEAD", ReadCache())
    on_disk = load(repo.root)
    assert at_head.problems == on_disk.problems
    assert {p.code for p in at_head.problems} >= {"bad-value", "toml-syntax"}
    assert all(p.line for p in at_head.problems)


def test_an_old_revision_is_read_without_touching_the_working_tree(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    before = repo.lst.snapshot()
    old = revisions.load_revision(plumbing.place_of(repo.root), "HEAD~1", ReadCache())
    assert old.controls["3A090"].paragraph("a.1").match == "tpp >= 4800"
    assert repo.lst.snapshot() == before
    assert repo.git("status", "--porcelain").stdout == ""
    assert not list(repo.top.rglob(".curator-*"))


def test_warm_cache_parses_only_the_files_that_changed(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    place = plumbing.place_of(repo.root)
    cache = ReadCache()
    first = revisions.load_revision(place, "HEAD~1", cache)
    assert cache.misses == first.files
    second = revisions.load_revision(place, "HEAD", cache)
    assert cache.misses == first.files + 1
    assert second.controls["3A090"].paragraph("a.1").match == "tpp >= 6000"


def test_revision_reuses_what_the_working_tree_load_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CURATOR_CACHE", raising=False)
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    load(repo.root)  # fills the list's read cache
    place = plumbing.place_of(repo.root)
    with ListIndex.of(repo.root) as disk:
        at_head = revisions.load_revision(place, "HEAD", disk)
        assert disk.misses == 1  # only 3A090 differs from the working tree
    assert at_head.controls["3A090"].paragraph("a.1").match == "tpp >= 4800"


def test_problem_in_a_cached_file_still_gets_its_line(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", 'area = "advanced-computing"', 'area = "nowhere"')
    repo.commit("unknown area")
    place = plumbing.place_of(repo.root)
    cache = ReadCache()
    revisions.load_revision(place, "HEAD", cache)
    again = revisions.load_revision(place, "HEAD", cache)
    assert cache.misses == again.files
    (problem,) = again.problems
    assert (problem.code, problem.line) == ("unknown-area", 3)


def test_unknown_revision_is_a_usage_error(tmp_path):
    repo = new_repo(tmp_path / "repo")
    with pytest.raises(InvalidValue) as caught:
        revisions.load_revision(plumbing.place_of(repo.root), "no-such-tag")
    assert "unknown revision 'no-such-tag'" in caught.value.message


def test_unknown_revision_on_the_command_line_exits_2(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("diff", "no-such-tag", "--list", LIST_DIR)
    assert done.code == 2
    assert "unknown revision 'no-such-tag'" in done.err
    assert "Traceback" not in done.err


def test_the_blob_reader_gives_the_commit_a_tag_or_a_branch_names(tmp_path):
    repo = new_repo(tmp_path / "repo")
    first = repo.git("rev-parse", "HEAD").stdout.strip()
    repo.git("tag", "-a", "test-list/v1.0", "-m", "an annotated tag is not itself a commit")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    second = repo.commit("raise a.1")
    with plumbing.BlobReader(repo.top) as blobs:
        found = blobs.commits(["test-list/v1.0", "main", "HEAD~1"])
    assert found == [first, second, first]


def test_a_diff_in_a_repository_without_commits_says_so(tmp_path):
    git(tmp_path, "init", "--quiet")
    make_list(tmp_path / LIST_DIR)
    done = run_curator("diff", "--list", LIST_DIR, cwd=tmp_path)
    assert done.code == 2
    assert "the repository has no commits yet" in done.err


@pytest.mark.parametrize("revisions", [("HEAD", "no-such-tag"), ("no-such-tag", "HEAD")])
def test_unknown_revision_of_two_is_named(tmp_path, revisions):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("diff", *revisions, "--list", LIST_DIR)
    assert done.code == 2
    assert "unknown revision 'no-such-tag'" in done.err
    assert "Traceback" not in done.err


def test_option_shaped_revision_is_refused(tmp_path):
    repo = new_repo(tmp_path / "repo")
    with pytest.raises(InvalidValue):
        plumbing.resolve(repo.top, "--output=/tmp/x")


def _list_added_in_head(tmp_path) -> Path:
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "--quiet")
    (top / "README.md").write_text("before the list\n")
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "readme")
    make_list(top / LIST_DIR)
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "list")
    return top


def test_a_newer_revision_where_the_list_folder_does_not_exist(tmp_path):
    top = _list_added_in_head(tmp_path)
    done = run_curator("diff", "HEAD", "HEAD~1", "--list", LIST_DIR, cwd=top)
    assert done.code == 2
    assert f"there is no list at '{LIST_DIR}' in revision 'HEAD~1'" in done.err


def test_an_older_revision_without_the_list_makes_all_of_it_new(tmp_path):
    top = _list_added_in_head(tmp_path)
    done = run_curator("diff", "HEAD~1", "HEAD", "--list", LIST_DIR, cwd=top)
    assert done.code == 0, done.err
    assert f"no list at {LIST_DIR} in HEAD~1: all of it is new" in done.err
    assert "From HEAD~1 to HEAD: 1 control changed" in done.out
    assert "3A090 Integrated circuits for advanced computing (added)" in done.out


def test_shallow_clone_without_the_tag_says_so(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("tag", "-a", "test-list/v1.0", "-m", "first")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", "--no-tags", f"file://{repo.top}", "shallow")
    done = run_curator("diff", "test-list/v1.0", "--list", LIST_DIR, cwd=shallow)
    assert done.code == 2
    assert "shallow clone" in done.err
    default = run_curator("diff", "--list", LIST_DIR, cwd=shallow)
    assert default.code == 0
    assert "shallow clone" in default.err
    assert "From HEAD to working tree" in default.out


def test_link_inside_the_list_is_read_at_a_revision(tmp_path):
    repo = new_repo(tmp_path / "repo")
    os.symlink("../catalogue/h20.toml", repo.root / "controls" / "link.toml")
    os.symlink("../../../../outside.toml", repo.root / "catalogue" / "outside.toml")
    repo.commit("links")
    at_head = revisions.load_revision(plumbing.place_of(repo.root), "HEAD", ReadCache())
    on_disk = load(repo.root)
    assert "catalogue/outside.toml" in at_head.broken
    assert at_head.broken["catalogue/outside.toml"][0].code == "outside-list"
    assert set(at_head.broken) == set(on_disk.broken)


def test_not_a_repository_is_a_usage_error(tmp_path):
    make_list(tmp_path / "plain")
    done = run_curator("diff", "--list", str(tmp_path / "plain"))
    assert done.code == 2
    assert "not inside a git repository" in done.err


@pytest.mark.parametrize("how", ["named", "many", "link"])
def test_a_diff_reads_the_changed_controls_as_a_full_load_does(tmp_path, monkeypatch, how):
    # a diff lists sizes only for the files it reads; past MANY_PATHS, or with a link in the
    # list, it lists whole folders — every way gives what loading both revisions gives
    repo = new_repo(tmp_path / "repo")
    second = repo.root / "controls" / "3A090.toml"
    (repo.root / "controls" / "3A091.toml").write_text(
        second.read_text().replace('id = "3A090"', 'id = "3A091"')
    )
    repo.commit("a second control")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    if how == "many":
        monkeypatch.setattr(revisions, "MANY_PATHS", 0)
    if how == "link":
        os.symlink("../catalogue/h20.toml", repo.root / "controls" / "link.toml")
    repo.commit("raise a.1")
    place = plumbing.place_of(repo.root)
    old, new = revisions.load_differing(place, "HEAD~1", "HEAD")
    full_old = revisions.load_revision(place, "HEAD~1", ReadCache())
    full_new = revisions.load_revision(place, "HEAD", ReadCache())
    assert new.controls["3A090"] == full_new.controls["3A090"]
    assert old.controls["3A090"] == full_old.controls["3A090"]
    assert "3A091" not in new.controls  # the same in both: not read
    assert new.catalogue == full_new.catalogue


def test_git_commands_run_together_answer_in_order_and_a_failure_says_which(tmp_path):
    top = new_repo(tmp_path / "repo").top
    head, listed = plumbing.run_together(top, ["rev-parse", "HEAD"], ["ls-files"])
    assert head.stdout.decode().strip() == plumbing.resolve(top, "HEAD")
    assert b"list.toml" in listed.stdout
    with pytest.raises(CuratorError, match="git cat-file: "):
        plumbing.run_together(top, ["rev-parse", "HEAD"], ["cat-file", "-p", "0" * 40])


def test_a_diff_sees_controls_added_and_removed_and_a_file_too_large(tmp_path):
    from curator.store.formats.read import MAX_BYTES

    repo = new_repo(tmp_path / "repo")
    second = repo.root / "controls" / "3A090.toml"
    gone = repo.root / "controls" / "3A091.toml"
    gone.write_text(second.read_text().replace('id = "3A090"', 'id = "3A091"'))
    repo.commit("a second control")
    gone.unlink()
    (repo.root / "controls" / "3A092.toml").write_text(
        second.read_text().replace('id = "3A090"', 'id = "3A092"')
    )
    (repo.root / "controls" / "3A093.toml").write_text("# " + "x" * MAX_BYTES + "\n")
    repo.commit("one control out, two in, one of them too large")
    place = plumbing.place_of(repo.root)
    old, new = revisions.load_differing(place, "HEAD~1", "HEAD")
    assert "3A091" in old.controls and "3A091" not in new.controls
    assert "3A092" in new.controls and "3A092" not in old.controls
    [too_large] = new.broken["controls/3A093.toml"]
    full = revisions.load_revision(place, "HEAD", ReadCache())
    assert too_large == full.broken["controls/3A093.toml"][0]
    assert too_large.code == "file-too-large"
