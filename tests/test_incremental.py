"""A check shared between processes says what a single check says, each process writes only the
cache files of the buckets it took, a process that fails costs time and never answers, a bucket
remembered against other definitions is checked whole, and the remembered folder listings never
hide a file added, removed or linked."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_cache import _mutations, generated, plain, same_size_edit

from curator.core import checks
from curator.store import processes
from curator.store.index import cache, incremental, source
from curator.store.index.load import load


@pytest.fixture(autouse=True)
def own_cache(cache_home: Path) -> Path:
    return cache_home


def outcome(checked: incremental.Checked) -> tuple:
    return checked.problems, checked.files, checked.broken, checked.notices


def cache_files(home: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in home.rglob("*.cache")}


def listed(folder: Path, listings: source.Listings) -> list[str]:
    """The files the walk finds in `folder` (a folder of a list, named as one: the paths are
    the list's)."""
    found = source._folder(folder.parent, f"{folder.name}/", str(folder), False, listings)
    return [rel + name for rel, _, names in found for name in names]


def two_discussions(tmp_path: Path) -> Path:
    """A list's discussion folder with two controls' discussions of one file each."""
    folder = tmp_path / "discussion"
    for control in ("3A090", "3A091"):
        (folder / control).mkdir(parents=True)
        (folder / control / "a.toml").write_text("")
    return folder


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
        assert outcome(incremental.check(root, processes)) == plain(root), name
        assert outcome(incremental.check(root, processes)) == plain(root), name  # remembered


@pytest.mark.parametrize("count", [1, 2])  # alone, its parsing; with a helper, its checks
def test_a_check_sharing_the_definitions_with_a_child_agrees_with_a_full_load(
    tmp_path, trusting, monkeypatch, count
):
    # the work shared out, however little: the list is small
    monkeypatch.setattr(processes, "WORTH_SHARING", 1)
    shared: list[int] = []
    share = processes.share

    def counted(work, items, *rest, **named):
        shared.append(len(items))
        return share(work, items, *rest, **named)

    monkeypatch.setattr(processes, "share", counted)
    root = generated(tmp_path / "list")
    for name, mutate in _mutations(root):
        mutate()
        assert outcome(incremental.check(root, count)) == plain(root), name
        assert outcome(incremental.check(root, count)) == plain(root), name  # remembered
    assert shared  # (the work was shared, not done here alone)


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
        assert outcome(found) == plain(root), branch
        assert ("unknown-author" in {p.code for p in found.problems}) == (branch == "other")


def test_a_shared_check_lists_every_file_once(tmp_path):
    root = generated(tmp_path / "list")
    single = incremental.check(root, 1)
    shared = incremental.check(root, 2)
    assert sorted(shared.paths) == sorted(single.paths)
    assert len(set(shared.paths)) == len(shared.paths) == shared.files
    assert shared.usable == single.usable


def test_a_shared_check_sees_an_edit_keeping_size_and_mtime_in_any_bucket(tmp_path, trusting):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    comments = sorted((root / "discussion").rglob("*.toml"), key=lambda p: p.name)
    by_bucket = {cache.bucket_of(str(p.relative_to(root))): p for p in comments}
    assert len(by_bucket) > 4
    for path in list(by_bucket.values())[:4]:
        text = path.read_text()
        author = text.split('author = "')[1].split('"')[0]
        same_size_edit(path, f'author = "{author}"', f'author = "{"x" * len(author)}"')
        found = incremental.check(root, 2)
        assert "unknown-author" in {p.code for p in found.problems if p.file.endswith(path.name)}
        assert outcome(found) == plain(root)


def test_every_comment_file_is_in_one_bucket_and_every_bucket_remembered(
    tmp_path, cache_home, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    written = set(cache_files(cache_home))
    assert {f"checked-comments.{b}.cache" for b in range(cache.BUCKETS)} <= written
    assert {"checked-definitions.cache", "results-controls.cache", "size.cache"} <= written
    with cache.ListIndex.of(root) as files:
        seen = [
            set(incremental.CheckMemory.of(files, f"checked-comments.{b}").stamps)
            for b in range(cache.BUCKETS)
        ]
    comment_files = {
        str(p.relative_to(root))
        for folder in cache.COMMENT_FOLDERS
        for p in (root / folder).rglob("*.toml")
    }
    assert sum(len(s) for s in seen) == len(comment_files) == len(set().union(*seen))
    assert set().union(*seen) == comment_files


def test_a_process_writes_the_cache_files_of_the_buckets_it_took_and_the_first_the_rest(
    tmp_path,
):
    root = generated(tmp_path / "list")
    files = cache.ListIndex.of(root)
    queue, handed = processes.Tasks(cache.BUCKETS), processes.Handed()
    comments_part = incremental._Comments(
        files, 0, source.Listings({}, 0), queue, handed, lambda: None
    )
    queue.close()
    handed.close()
    comments_part.taken = {3}
    for section in ("stamps-discussion.3", "stamps-public-comments.3", "checked-comments.3"):
        assert comments_part.owns(section) and comments_part.owns_or_first(section), section
    for section in ("stamps-discussion.4", "checked-comments.13", "results-public-comments.30"):
        assert not comments_part.owns(section) and not comments_part.owns_or_first(section), section
    for section in ("stamps-controls", "checked-definitions", "results-controls", "size"):
        assert not comments_part.owns(section) and comments_part.owns_or_first(section), section


def test_buckets_walked_before_the_definitions_are_known_are_checked_once_they_come(
    tmp_path, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, 1)
    (root / "controls" / next(p.name for p in sorted((root / "discussion").iterdir()))).with_suffix(
        ".toml"
    ).unlink()  # its comments become orphans
    files = cache.ListIndex.of(root)
    listings = source.Listings({}, 0)
    definitions, defined = incremental._Definitions(files, 0, listings).run()
    asked: list[str] = []

    def not_yet() -> None:
        asked.append("now")
        return None

    def come() -> incremental.Defined:
        asked.append("wait")
        return defined

    queue, handed = processes.Tasks(cache.BUCKETS), processes.Handed()
    comments_part = incremental._Comments(files, 0, listings, queue, handed, not_yet)
    parts = comments_part.run(come)
    queue.close()
    handed.close()
    assert asked == ["now"] * (cache.BUCKETS + 1) + ["wait"]  # asked before each bucket
    found = incremental._merged([definitions, *parts.values()])
    assert outcome(found) == plain(root)
    assert any(p.code == "orphan-discussion" for p in found.problems)


def test_buckets_a_helper_walked_while_the_definitions_were_built_are_checked_by_whoever_is_free(
    tmp_path, cache_home, trusting, monkeypatch
):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    discussed = next(p.name for p in sorted((root / "discussion").iterdir()) if p.is_dir())
    (root / "controls" / f"{discussed}.toml").unlink()  # every bucket is checked again
    first, log = os.getpid(), tmp_path / "log"
    run, walk, finish = (
        incremental._Definitions.run,
        incremental._Bucket.walk,
        incremental._Bucket.finish,
    )

    def noted(event: str, bucket: incremental._Bucket) -> None:
        with open(log, "a") as out:  # (one short write each: processes' lines do not mix)
            out.write(f"{os.getpid()} {event} {bucket.number}\n")

    def slowly(self):
        if os.getpid() == first:
            time.sleep(0.5)  # the helper walks every bucket before the definitions come
        return run(self)

    def walked(bucket):
        noted("walked", bucket)
        return walk(bucket)

    def finished(bucket, defined):
        noted("checked", bucket)
        if os.getpid() != first:
            time.sleep(0.02)  # a helper slowed down
        return finish(bucket, defined)

    monkeypatch.setattr(incremental._Definitions, "run", slowly)
    monkeypatch.setattr(incremental._Bucket, "walk", walked)
    monkeypatch.setattr(incremental._Bucket, "finish", finished)
    found = incremental.check(root, 2)
    assert outcome(found) == plain(root)
    events = [line.split() for line in log.read_text().splitlines()]
    checked = [(pid, int(number)) for pid, event, number in events if event == "checked"]
    assert sorted(number for _, number in checked) == list(range(cache.BUCKETS))  # each once
    helper_walked = {int(n) for pid, event, n in events if event == "walked" and pid != str(first)}
    assert helper_walked == set(range(cache.BUCKETS))
    assert any(pid == str(first) for pid, _ in checked)  # the first took some of them
    monkeypatch.undo()
    log.unlink()
    assert outcome(incremental.check(root, 2)) == plain(root)  # and each bucket remembered


def test_a_bucket_remembered_against_other_definitions_is_checked_whole(
    tmp_path, cache_home, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    memories = {p: p.read_bytes() for p in cache_home.rglob("checked-comments.*.cache")}
    discussed = next(p.name for p in sorted((root / "discussion").iterdir()) if p.is_dir())
    (root / "controls" / f"{discussed}.toml").unlink()  # its comments become orphans
    assert any(p.code == "orphan-discussion" for p in incremental.check(root, 2).problems)
    for path, body in memories.items():  # as if the buckets had not been written since
        path.write_bytes(body)
    found = incremental.check(root, 2)
    assert outcome(found) == plain(root)
    assert any(p.code == "orphan-discussion" for p in found.problems)


def checked_then_list_edited(folder: Path, old: str, new: str) -> tuple[Path, tuple]:
    """A list checked, then `old` in its list.toml made `new`: the list, and what a check of it
    must find now."""
    root = generated(folder)
    incremental.check(root, 2)
    listed = root / "list.toml"
    text = listed.read_text()
    assert old in text
    listed.write_text(text.replace(old, new, 1))
    return root, plain(root)


def test_a_list_toml_edit_the_comments_checks_do_not_read_leaves_the_comments_unread(
    tmp_path, trusting, monkeypatch
):
    root, expected = checked_then_list_edited(tmp_path / "list", '\ntitle = "', '\ntitle = "A ')
    read_file = source.read_file

    def read_unless_said(path: str, size: int = 65536) -> bytes:
        if "/discussion/" in path or "/public-comments/" in path:
            raise AssertionError(f"{path} was read")  # (a helper that fails: the first checks)
        return read_file(path, size)

    monkeypatch.setattr(source, "read_file", read_unless_said)
    assert outcome(incremental.check(root, 2)) == expected


def test_a_list_toml_edit_the_definitions_checks_do_not_read_checks_no_control_or_item_again(
    tmp_path, trusting, monkeypatch
):
    root, expected = checked_then_list_edited(tmp_path / "list", 'agency = "', 'agency = "A ')
    assert not any(p.file == "list.toml" for p in expected[0])  # (its controls are checked)

    def not_again(*args: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(checks, "check_control", not_again)
    monkeypatch.setattr(checks, "check_item", not_again)
    assert outcome(incremental.check(root, 2)) == expected


def test_a_check_keeps_the_definitions_in_the_read_cache_and_the_comments_in_its_memory(
    tmp_path, cache_home, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=2)
    written = set(cache_files(cache_home))
    assert {"results-controls.cache", "stamps-controls.cache", "stamps-list.cache"} <= written
    # comments are neither hashed nor kept parsed: its stamps are the buckets' memory
    assert not {n for n in written if n.partition("-")[2].startswith(cache.COMMENT_FOLDERS)}
    assert {f"checked-comments.{b}.cache" for b in range(cache.BUCKETS)} <= written


def test_a_check_after_a_control_changed_does_not_write_the_controls_results_again(
    tmp_path, cache_home, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=2)
    before = cache_files(cache_home)
    control = sorted((root / "controls").glob("*.toml"))[0]
    control.write_text(control.read_text() + "# changed\n")
    assert outcome(incremental.check(root, processes=2)) == plain(root)
    after = cache_files(cache_home)
    assert after["results-controls.cache"] == before["results-controls.cache"]
    assert after["checked-definitions.cache"] != before["checked-definitions.cache"]


def test_a_check_whose_remembered_dependencies_cannot_be_decoded_checks_every_file_again(
    tmp_path, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=1)
    with cache.ListIndex.of(root) as files:  # damaged inside, under a valid checksum
        for b in range(cache.BUCKETS):
            memory = incremental.CheckMemory.of(files, f"checked-comments.{b}")
            memory.depends_on = b"not what was looked at"
            memory.keep(files, f"checked-comments.{b}")
    discussed = next(p.name for p in sorted((root / "discussion").iterdir()) if p.is_dir())
    (root / "controls" / f"{discussed}.toml").unlink()  # its comments become orphans
    found = incremental.check(root, processes=1)
    assert outcome(found) == plain(root)
    assert any(p.code == "orphan-discussion" for p in found.problems)


def test_a_check_whose_remembered_outlines_cannot_be_decoded_reads_every_control_again(
    tmp_path, trusting
):
    root = generated(tmp_path / "list")
    incremental.check(root, processes=1)
    with cache.ListIndex.of(root) as files:  # damaged inside, under a valid checksum
        memory = incremental.CheckMemory.of(files, incremental.DEFINED)
        memory.outlines = b"not the controls' outlines"
        memory.keep(files, incremental.DEFINED)
    discussed = next(p.name for p in sorted((root / "discussion").iterdir()) if p.is_dir())
    control = root / "controls" / f"{discussed}.toml"
    control.write_text(control.read_text().replace('status = "', 'status = "x', 1))
    found = incremental.check(root, processes=1)
    assert outcome(found) == plain(root)
    assert any(p.file == f"controls/{discussed}.toml" for p in found.problems)


def _drain_helpers() -> None:
    for pid in processes._EXITING:
        os.waitpid(pid, 0)
    processes._EXITING.clear()


@pytest.mark.parametrize("when", ["at once", "after a bucket"])
def test_the_buckets_of_a_helper_that_dies_are_checked_by_the_first(
    tmp_path, cache_home, trusting, monkeypatch, when
):
    root = generated(tmp_path / "list")
    parent = os.getpid()
    finish = incremental._Bucket.finish

    def dies_in_a_helper(bucket, defined):
        if os.getpid() != parent and (when == "at once" or bucket.number % 2):
            os._exit(3)
        return finish(bucket, defined)

    monkeypatch.setattr(incremental._Bucket, "finish", dies_in_a_helper)
    found = incremental.check(root, 2)
    assert outcome(found) == plain(root)
    assert len(set(found.paths)) == len(found.paths) == found.files
    monkeypatch.setattr(incremental._Bucket, "finish", finish)
    assert outcome(incremental.check(root, 2)) == plain(root)  # and remembered


def test_a_helper_that_sent_its_result_is_not_waited_for_while_it_exits(tmp_path):
    root = generated(tmp_path / "list")
    _drain_helpers()
    incremental.check(root, 2)
    [helper] = processes._EXITING
    assert os.waitpid(helper, 0)[0] == helper  # still this process's to collect
    processes._EXITING.clear()


def test_helpers_that_have_exited_are_collected_by_the_next_shared_check(tmp_path):
    root = generated(tmp_path / "list")
    _drain_helpers()
    incremental.check(root, 2)
    [first] = processes._EXITING
    os.waitid(os.P_PID, first, os.WEXITED | os.WNOWAIT)  # until it has exited, not collecting it
    incremental.check(root, 2)
    [second] = processes._EXITING
    assert second != first
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)
    _drain_helpers()


def test_a_failing_first_process_stops_its_helpers(tmp_path, monkeypatch):
    root = generated(tmp_path / "list")
    _drain_helpers()

    def broken(self):
        raise ValueError("broken")

    monkeypatch.setattr(incremental._Definitions, "run", broken)
    with pytest.raises(ValueError):
        incremental.check(root, 2)
    assert processes._EXITING == []
    with pytest.raises(ChildProcessError):  # stopped and collected: no process left behind
        os.waitpid(-1, os.WNOHANG)


def test_a_small_list_is_checked_by_one_process_once_its_size_is_known(tmp_path):
    root = generated(tmp_path / "list")
    incremental.check(root)
    assert incremental._processes(cache.ListIndex.of(root)) == 1


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
    assert outcome(found) == plain(root)


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
    assert outcome(found) == plain(root)


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
    assert outcome(found) == plain(root)


def test_a_folder_changed_a_moment_ago_is_listed_afresh(tmp_path):
    folder = tmp_path / "controls"
    folder.mkdir()
    (folder / "a.toml").write_text("")
    listings = source.Listings({}, source.trust_cutoff())
    assert listed(folder, listings) == ["controls/a.toml"]
    assert listings.known == {}  # too recent to trust: not kept


def test_a_listing_is_reused_while_its_folder_is_unchanged(tmp_path):
    folder = two_discussions(tmp_path)
    first = source.Listings({}, time.time_ns() + 10**12)  # trusts every stamp
    walked = listed(folder, first)
    assert walked == ["discussion/3A090/a.toml", "discussion/3A091/a.toml"]
    again = source.Listings(first.walked(), time.time_ns() + 10**12)
    (folder / "3A090" / "a.toml").write_text("changed content: a folder's stamp does not move")
    assert listed(folder, again) == walked
    assert again.walked() is None  # nothing new to keep


def test_fmt_check_after_a_shared_check_opens_no_unchanged_file(tmp_path, trusting, monkeypatch):
    root = generated(tmp_path / "list")
    usable = incremental.check(root, processes=2).usable
    assert list(cache.unformatted(root, usable)) == []  # learns which contents are canonical

    def opened(path: str, size: int = 0) -> bytes:
        raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(cache, "read_file", opened)
    assert list(cache.unformatted(root, usable)) == []


def test_a_walk_adopted_from_another_process_is_kept_as_if_made_here(tmp_path):
    folder = two_discussions(tmp_path)
    there = source.Listings({}, time.time_ns() + 10**12)
    walked = listed(folder, there)
    here = source.Listings({}, time.time_ns() + 10**12)
    here.adopt(there.part())
    assert here.walked() == there.walked() and here.walked()
    assert listed(folder, here) == walked


def test_a_walk_that_found_the_folders_as_kept_is_adopted_without_their_listings(tmp_path):
    folder = two_discussions(tmp_path)
    first = source.Listings({}, time.time_ns() + 10**12)
    walked = listed(folder, first)
    kept = first.walked()
    there = source.Listings(dict(kept), time.time_ns() + 10**12)
    assert listed(folder, there) == walked
    visited, listings, changed = there.part()
    assert (listings, changed) == (None, False)  # the listings kept, not sent again
    here = source.Listings(dict(kept), time.time_ns() + 10**12)
    here.adopt((visited, listings, changed))
    assert here.walked() is None  # nothing new to keep, and nothing forgotten
    (folder / "3A092").mkdir()
    (folder / "3A092" / "a.toml").write_text("")
    moved = source.Listings(dict(kept), time.time_ns() + 10**12)
    listed(folder, moved)
    here = source.Listings(dict(kept), time.time_ns() + 10**12)
    here.adopt(moved.part())
    assert here.walked() == moved.walked() and "3A092" in str(here.walked())


@pytest.mark.parametrize("told", [True, False])
@pytest.mark.parametrize(
    ("sizes", "asked"),
    [({}, 1), ({"controls": 200, "comments": 100, "public_comments": 20}, 2)],
    ids=["comments-heavy", "controls-heavy"],
)
def test_the_first_process_takes_the_comment_files_as_its_helper_listed_them_or_lists_them(
    tmp_path, trusting, monkeypatch, told, sizes, asked
):
    """The helper lists the comment folders while the definitions are walked here: on a first
    check, and on later ones when the comment files are at most twice the definitions (else
    each process lists them from what was kept); when it fails to tell, the first process lists
    them itself."""
    root = generated(tmp_path / "list", **sizes)
    listed = incremental._Helper.listed
    used: list[bool] = []

    def waited(helper):
        if not told:
            os.close(helper.lists)
            helper.lists = os.open(os.devnull, os.O_RDONLY)  # as if it had failed to tell
        found = listed(helper)
        used.append(found is not None)
        return found

    monkeypatch.setattr(incremental._Helper, "listed", waited)
    folder = sorted(p for p in (root / "discussion").iterdir() if p.is_dir())[0]
    assert outcome(incremental.check(root, 2)) == plain(root)
    next_tick(folder)
    new = folder / "2031-01-01T000000Z-stranger.toml"
    new.write_text('author = "stranger"\nat = 2031-01-01T00:00:00Z\nbody = "Late."\n')
    found = incremental.check(root, 2)  # with the listings the first check kept
    assert str(new.relative_to(root)) in found.paths
    assert outcome(found) == plain(root)
    assert used == [told] * asked


def test_a_listing_the_first_process_does_not_read_does_not_hold_the_check_up(
    tmp_path, trusting, monkeypatch
):
    """Were a helper to tell a listing larger than a pipe holds that the first process has
    decided not to read, its sending would wait for a reader; the first process closes its end
    at once instead."""
    root = generated(tmp_path / "list", comments=3000)
    first = os.getpid()
    monkeypatch.setattr(incremental, "_told", lambda files, listings: os.getpid() != first)

    def stuck(signum, frame):
        raise TimeoutError("the check waited for a listing nobody reads")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    try:
        found = incremental.check(root, 2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert outcome(found) == plain(root)


@pytest.mark.parametrize("paths", [(), ("list.toml",), ("a.toml", "discussion/3A090/b c.toml")])
def test_a_result_sent_between_processes_is_the_same_result(paths):
    from curator.core.problems import Problem

    sent = incremental.Checked((Problem("a.toml", 2, "k", "c", "m"),), len(paths), ("x",), paths)
    assert pickle.loads(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL)) == sent


def test_the_first_process_sends_its_helpers_the_manifest_and_the_outlines_of_the_controls(
    tmp_path, trusting
):
    root = generated(tmp_path / "list")
    with cache.ListIndex.of(root) as files:
        definitions = incremental._Definitions(files, 0, source.Listings({}, 0))
        _, defined = definitions.run()
        message = pickle.loads(pickle.dumps(definitions.message(defined)))
    state, _, _, (manifest, outlines) = message
    loaded = load(root)
    assert state == defined.state
    assert manifest == loaded.manifest
    assert outlines == {cid: control.outline() for cid, control in loaded.controls.items()}


def test_a_helper_builds_the_definitions_when_the_first_had_no_need_to(
    tmp_path, trusting, monkeypatch
):
    root = generated(tmp_path / "list")
    incremental.check(root, 2)
    parent = os.getpid()
    built = cache.ListIndex.built

    def lost_in_a_helper(files, name, state):
        return None if os.getpid() != parent else built(files, name, state)

    monkeypatch.setattr(cache.ListIndex, "built", lost_in_a_helper)
    # a comment by a stranger in every bucket: the definitions are as they were
    comments = sorted((root / "discussion").rglob("*.toml"))
    for path in {cache.bucket_of(str(p.relative_to(root))): p for p in comments}.values():
        text = path.read_text()
        author = text.split('author = "')[1].split('"')[0]
        same_size_edit(path, f'author = "{author}"', f'author = "{"x" * len(author)}"')
    found = incremental.check(root, 2)
    assert outcome(found) == plain(root)
    assert "unknown-author" in {p.code for p in found.problems}


def test_a_check_that_cannot_start_a_helper_is_done_by_one_process(tmp_path, monkeypatch):
    root = generated(tmp_path / "list")
    before = len(os.listdir("/proc/self/fd"))

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert outcome(incremental.check(root, 2)) == plain(root)
    assert len(os.listdir("/proc/self/fd")) == before  # no pipe left open


def test_a_check_with_nothing_changed_writes_no_cache_file(tmp_path, cache_home, trusting):
    # each memory is keyed by what it answered: the same files must give the same keys, or a
    # check with nothing new would build the definitions again to answer the same question
    root = generated(tmp_path / "list")
    incremental.check(root, processes=2)
    incremental.check(root, processes=2)
    before = cache_files(cache_home)
    assert "checked-moves.cache" in before  # the list has status changes to check
    for _ in range(3):
        incremental.check(root, processes=2)
        assert cache_files(cache_home) == before
