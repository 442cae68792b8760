"""A check shared between processes says what a single check says, each process writes only its
own cache files, a process that fails costs time and never answers, and the remembered folder
listings never hide a file added, removed or linked."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from test_cache import _mutations, generated, plain, same_size_edit

from curator.store import cache, incremental, source
from curator.store.incremental import Shard


@pytest.fixture(autouse=True)
def own_cache(cache_home: Path) -> Path:
    return cache_home


def said(checked: incremental.Checked) -> tuple:
    return checked.problems, checked.files, checked.broken


def cache_files(home: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in home.rglob("*.cache")}


def next_tick(folder: Path) -> None:
    """Wait until a change to `folder` gets another mtime than its last one (file times come
    from a clock that moves in ticks of a few milliseconds)."""
    before = folder.stat().st_mtime_ns
    probe = folder.parent / ".tick"
    while True:
        probe.write_bytes(b"")
        if probe.stat().st_mtime_ns != before:
            probe.unlink()
            return
        time.sleep(0.001)


# ---------------------------------------------------------------- shares agree


@pytest.mark.parametrize("processes", [2, 4])
def test_a_shared_check_agrees_with_a_full_load_through_every_mutation(
    tmp_path, trusting, processes
):
    root = generated(tmp_path / "list")
    for name, mutate in _mutations(root):
        mutate()
        assert said(incremental.check(root, processes)) == plain(root), name
        assert said(incremental.check(root, processes)) == plain(root), name  # remembered


@pytest.mark.parametrize("processes", [1, 2])
def test_switching_branches_gives_a_fresh_check(tmp_path, trusting, processes):
    root = generated(tmp_path / "list")

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    first = git("rev-parse", "--abbrev-ref", "HEAD")
    git("checkout", "-q", "-b", "other")
    control = sorted((root / "controls").glob("*.toml"))[0]
    control.write_text(control.read_text().replace('status = "', 'related = ["9E999"]\nstatus = "'))
    comment = sorted((root / "discussion").rglob("*.toml"))[0]
    comment.write_text(comment.read_text().replace('author = "', 'author = "x'))
    git("commit", "-q", "-am", "a control and a comment go wrong")
    for branch in (first, "other", first, "other"):
        git("checkout", "-q", branch)
        found = incremental.check(root, processes)
        assert said(found) == plain(root), branch
        assert ("unknown-author" in {p.code for p in found.problems}) == (branch == "other")


def test_a_shared_check_lists_every_file_once(tmp_path):
    root = generated(tmp_path / "list")
    single = incremental.check(root, 1)
    shared = incremental.check(root, 2)
    assert sorted(shared.paths) == sorted(single.paths)
    assert len(set(shared.paths)) == len(shared.paths) == shared.files
    assert shared.usable == single.usable


def test_a_shared_check_sees_an_edit_keeping_size_and_mtime_in_either_share(tmp_path, trusting):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    comments = sorted((root / "discussion").rglob("*.toml"), key=lambda p: p.name)
    for share in (0, 1):
        path = next(p for p in comments if Shard(share, 2).takes(str(p.relative_to(root))))
        text = path.read_text()
        author = text.split('author = "')[1].split('"')[0]
        same_size_edit(path, f'author = "{author}"', f'author = "{"x" * len(author)}"')
        found = incremental.check(root, 2)
        assert "unknown-author" in {p.code for p in found.problems if p.file.endswith(path.name)}
        assert said(found) == plain(root)


def test_the_shares_split_what_was_said_and_all_read_the_definitions():
    shares = [Shard(i, 2) for i in range(2)]
    for path in ("list.toml", "controls/3A090.toml", "catalogue/nvidia-h100.toml"):
        assert all(s.takes(path) for s in shares)
    said_files = [f"discussion/3A090/2026-01-0{d}T000000Z-chair.toml" for d in range(1, 10)]
    said_files += [f"public-comments/BIS-2026-0001/abc-{n}.toml" for n in range(20)]
    for path in said_files:
        assert [s.takes(path) for s in shares].count(True) == 1
    assert {s.index for path in said_files for s in shares if s.takes(path)} == {0, 1}


def test_each_file_is_checked_across_files_and_reported_by_one_share():
    shares = [Shard(i, 2) for i in range(2)]
    files = ["list.toml", *(f"controls/3A0{n:02}.toml" for n in range(20))]
    files += [f"discussion/3A090/2026-01-0{d}T000000Z-chair.toml" for d in range(1, 10)]
    for path in files:
        assert [s.reports(path) for s in shares].count(True) == 1
    controls = [p for p in files if p.startswith("controls/")]
    assert {s.index for path in controls for s in shares if s.reports(path)} == {0, 1}


def test_a_share_writes_only_its_own_cache_files(tmp_path, cache_home, trusting):
    root = generated(tmp_path / "list")
    incremental._check_shard(cache.ListCache.of(root), Shard(1, 2))
    written = set(cache_files(cache_home))
    assert written, "the share wrote nothing"
    for name in written:
        section = name.removesuffix(".cache")
        assert Shard(1, 2).owns(section), name
        assert section.partition("-")[2] not in ("list", "controls", "catalogue"), name
    assert {"stamps-discussion.1.cache", "stamps-public-comments.3.cache"} <= written
    assert not written & {"stamps-discussion.0.cache", "stamps-controls.cache", "size.cache"}
    assert "built-check-controls.cache" in written  # kept by the last share
    assert "checked-memory~1of2.cache" in written


def test_a_check_keeps_the_stamps_of_what_was_said_but_not_its_parsed_content(
    tmp_path, cache_home, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=2)
    written = set(cache_files(cache_home))
    assert {"results-controls.cache", "stamps-controls.cache"} <= written
    assert {f"stamps-{folder}.cache" for folder in cache.SECTIONS} <= written
    assert not {n for n in written if n.startswith("results-") and n[8:].startswith(cache.SAID)}


def test_a_check_whose_remembered_dependencies_cannot_be_decoded_checks_every_file_again(
    tmp_path, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=1)
    with cache.ListCache.of(root) as files:  # damaged inside, under a valid checksum
        files._section("checked-memory", dict)["looked"] = b"not what was looked at"
        files.dirty.add("checked-memory")
    discussed = next(p.name for p in sorted((root / "discussion").iterdir()) if p.is_dir())
    (root / "controls" / f"{discussed}.toml").unlink()  # its comments become orphans
    found = incremental.check(root, processes=1)
    assert said(found) == plain(root)
    assert any(p.code == "orphan-discussion" for p in found.problems)


def test_a_share_whose_process_fails_is_done_again_by_the_first():
    parent = os.getpid()

    def dies_elsewhere() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "done here"

    def unpicklable() -> object:
        return (lambda: None) if os.getpid() != parent else "done here too"

    assert incremental.in_processes([lambda: 1, dies_elsewhere, unpicklable]) == [
        1,
        "done here",
        "done here too",
    ]


def test_a_share_in_another_process_returns_its_result():
    assert incremental.in_processes([os.getpid, os.getpid])[1] != os.getpid()


def test_a_share_that_sent_its_result_is_not_waited_for_while_it_exits():
    helper = incremental.in_processes([os.getpid, os.getpid])[1]
    assert helper in incremental._EXITING
    assert os.waitpid(helper, 0)[0] == helper  # still this process's to collect
    incremental._EXITING.remove(helper)


def test_helpers_that_have_exited_are_collected_by_the_next_shared_run():
    first = incremental.in_processes([os.getpid, os.getpid])[1]
    os.waitid(os.P_PID, first, os.WEXITED | os.WNOWAIT)  # until it has exited, not collecting it
    second = incremental.in_processes([os.getpid, os.getpid])[1]
    assert first not in incremental._EXITING
    assert second in incremental._EXITING
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)
    os.waitpid(second, 0)
    incremental._EXITING.remove(second)


def test_a_failing_first_share_stops_the_others(tmp_path):
    marker = tmp_path / "finished"

    def first() -> None:
        raise ValueError("broken")

    def slow() -> None:
        time.sleep(5)
        marker.write_text("the share ran to its end")

    with pytest.raises(ValueError):
        incremental.in_processes([first, slow])
    assert not marker.exists()  # killed, not waited for: it would have written it


def test_a_small_list_is_checked_by_one_process_once_its_size_is_known(tmp_path):
    root = generated(tmp_path / "list")
    incremental.check(root)
    assert incremental._processes(cache.ListCache.of(root)) == 1


# ---------------------------------------------------------------- remembered listings


@pytest.mark.parametrize("processes", [1, 2])
def test_a_file_added_to_a_listed_folder_is_checked(tmp_path, trusting, processes):
    root = generated(tmp_path / "list")
    folder = sorted(p for p in (root / "discussion").iterdir() if p.is_dir())[0]
    incremental.check(root, processes)
    next_tick(folder)
    new = folder / "2031-01-01T000000Z-stranger.toml"
    new.write_text('author = "stranger"\nat = 2031-01-01T00:00:00Z\nbody = "Late."\n')
    found = incremental.check(root, processes)
    assert str(new.relative_to(root)) in found.paths
    assert "unknown-author" in {p.code for p in found.problems}
    assert said(found) == plain(root)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_file_or_folder_removed_from_a_listed_folder_is_gone(tmp_path, trusting, processes):
    root = generated(tmp_path / "list")
    folders = sorted(p for p in (root / "discussion").iterdir() if p.is_dir())
    incremental.check(root, processes)
    next_tick(folders[0])
    gone = sorted(folders[0].glob("*.toml"))[0]
    gone.unlink()
    for path in folders[1].glob("*"):
        path.unlink()
    folders[1].rmdir()
    found = incremental.check(root, processes)
    assert str(gone.relative_to(root)) not in found.paths
    assert not any(p.startswith(f"discussion/{folders[1].name}/") for p in found.paths)
    assert said(found) == plain(root)


def test_a_link_put_in_a_listed_folder_is_judged(tmp_path, trusting):
    root = generated(tmp_path / "list")
    folder = sorted(p for p in (root / "discussion").iterdir() if p.is_dir())[0]
    incremental.check(root)
    next_tick(folder)
    outside = tmp_path / "secret.toml"
    outside.write_text('author = "chair"\nat = 2031-01-01T00:00:00Z\nbody = "x"\n')
    (folder / "2031-01-01T000000Z-chair.toml").symlink_to(outside)
    found = incremental.check(root)
    assert "outside-list" in {p.code for p in found.problems}
    assert said(found) == plain(root)


def test_a_folder_changed_a_moment_ago_is_listed_afresh(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.toml").write_text("")
    listings = source.Listings({}, source.trust_line())
    assert [p for p, _ in source._tree(tmp_path, "", str(folder), False, listings)] == ["a.toml"]
    assert listings.known == {}  # too recent to trust: not kept


def test_a_listing_is_reused_while_its_folder_is_unchanged(tmp_path):
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.toml").write_text("")
    (folder / "sub" / "b.toml").write_text("")
    first = source.Listings({}, time.time_ns() + 10**12)  # trusts every stamp
    walked = list(source._tree(tmp_path, "", str(folder), False, first))
    assert [p for p, _ in walked] == ["a.toml", "sub/b.toml"]
    again = source.Listings(first.walked(), time.time_ns() + 10**12)
    (folder / "a.toml").write_text("changed content: a folder's stamp does not move")
    assert list(source._tree(tmp_path, "", str(folder), False, again)) == walked
    assert again.walked() is None  # nothing new to keep


def test_fmt_check_after_a_shared_check_opens_no_unchanged_file(tmp_path, trusting, monkeypatch):
    root = generated(tmp_path / "list")
    usable = incremental.check(root, processes=2).usable
    assert list(cache.unformatted(root, usable)) == []  # learns which contents are canonical

    def opened(path: str, size: int = 0) -> bytes:
        raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(cache, "read_file", opened)
    assert list(cache.unformatted(root, usable)) == []
