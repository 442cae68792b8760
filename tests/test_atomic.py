"""Atomic writes: all or nothing, never over a file that changed, mode kept."""

from __future__ import annotations

import os

import pytest

from curator.store.formats.atomic import (
    ChangedOnDisk,
    WriteFailed,
    digest,
    write_atomic,
    write_many,
)


def test_write_keeps_the_files_mode(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("a = 1\n")
    path.chmod(0o640)
    write_atomic(path, b"a = 2\n", expected=digest(b"a = 1\n"))
    assert path.read_bytes() == b"a = 2\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.toml", b"a = 1\n", expected=None)
    finally:
        os.umask(old)
    assert (tmp_path / "new.toml").stat().st_mode & 0o777 == 0o644


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("theirs\n")
    with pytest.raises(ChangedOnDisk):
        write_atomic(path, b"mine\n", expected=digest(b"what I read\n"))
    assert path.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]


def test_creating_never_clobbers_an_existing_file(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("first\n")
    with pytest.raises(ChangedOnDisk):
        write_atomic(path, b"second\n", expected=None)
    assert path.read_text() == "first\n"


# ---- write_many: many files, one flush to disk ----------------------------------------------


def _temps(folder):
    return sorted(p.name for p in folder.rglob(".curator-*"))


def test_write_many_writes_every_file_new_or_changed(tmp_path):
    old = tmp_path / "old.toml"
    old.write_text("a = 1\n")
    old.chmod(0o640)
    items = [
        (tmp_path / "new.toml", b"n = 1\n", None),
        (old, b"a = 2\n", digest(b"a = 1\n")),
        (tmp_path / "sub" / "deep.toml", b"d = 1\n", None),
    ]
    assert write_many(items) == [None, None, None]
    assert (tmp_path / "new.toml").read_bytes() == b"n = 1\n"
    assert old.read_bytes() == b"a = 2\n"
    assert old.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "sub" / "deep.toml").read_bytes() == b"d = 1\n"
    assert _temps(tmp_path) == []


def test_write_many_takes_items_one_at_a_time(tmp_path):
    taken = []

    def items():
        for n in range(3):
            taken.append(n)
            yield tmp_path / f"{n}.toml", f"n = {n}\n".encode(), None

    assert write_many(items()) == [None, None, None]
    assert taken == [0, 1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.toml", "1.toml", "2.toml"]


def test_write_many_leaves_a_file_that_changed_since_it_was_read(tmp_path):
    theirs = tmp_path / "theirs.toml"
    theirs.write_text("theirs\n")
    mine = tmp_path / "mine.toml"
    mine.write_text("before\n")
    outcomes = write_many(
        [
            (theirs, b"mine\n", digest(b"what I read\n")),
            (mine, b"after\n", digest(b"before\n")),
        ]
    )
    assert isinstance(outcomes[0], ChangedOnDisk)
    assert outcomes[0].path == theirs
    assert outcomes[1] is None
    assert theirs.read_text() == "theirs\n"
    assert mine.read_text() == "after\n"
    assert _temps(tmp_path) == []


def test_write_many_never_clobbers_a_file_created_meanwhile(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("first\n")
    outcomes = write_many([(path, b"second\n", None), (tmp_path / "y.toml", b"y\n", None)])
    assert isinstance(outcomes[0], ChangedOnDisk)
    assert outcomes[1] is None
    assert path.read_text() == "first\n"
    assert _temps(tmp_path) == []


def test_write_many_reports_a_file_it_cannot_write_and_writes_the_others(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be\n")
    outcomes = write_many(
        [
            (tmp_path / "blocker" / "x.toml", b"x\n", None),
            (tmp_path / "ok.toml", b"ok\n", None),
        ]
    )
    assert isinstance(outcomes[0], WriteFailed)
    assert outcomes[1] is None
    assert (tmp_path / "ok.toml").read_text() == "ok\n"
    assert _temps(tmp_path) == []


def _files(tmp_path, count):
    paths = [tmp_path / f"{n}.toml" for n in range(count)]
    for path in paths:
        path.write_bytes(b"before\n")
    return [(path, b"after\n", digest(b"before\n")) for path in paths]


def _replace_failing_at(monkeypatch, failing, error):
    """os.replace that raises `error` on its call number `failing` (1-based)."""
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == failing:
            raise error
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_write_many_rename_failing_midway_leaves_that_file_and_no_temp(tmp_path, monkeypatch):
    items = _files(tmp_path, 4)
    _replace_failing_at(monkeypatch, 2, PermissionError(13, "Permission denied"))
    outcomes = write_many(items)
    assert [outcomes[0], outcomes[2], outcomes[3]] == [None, None, None]
    assert isinstance(outcomes[1], WriteFailed)
    assert outcomes[1].reason == "Permission denied"
    written = [p.read_bytes() for p, _, _ in items]
    assert written == [b"after\n", b"before\n", b"after\n", b"after\n"]
    assert _temps(tmp_path) == []


def test_write_many_interrupted_midway_removes_every_temp(tmp_path, monkeypatch):
    items = _files(tmp_path, 4)
    _replace_failing_at(monkeypatch, 3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_many(items)
    # the files renamed before are whole and new, the others whole and as they were
    written = [p.read_bytes() for p, _, _ in items]
    assert written == [b"after\n", b"after\n", b"before\n", b"before\n"]
    assert _temps(tmp_path) == []


def test_write_many_whose_items_fail_midway_writes_nothing_and_leaves_no_temp(tmp_path):
    def items():
        yield tmp_path / "a.toml", b"a\n", None
        yield tmp_path / "b.toml", b"b\n", None
        raise RuntimeError("the source of the items broke")

    with pytest.raises(RuntimeError):
        write_many(items())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("durable", [True, False])
def test_a_write_is_flushed_to_disk_unless_it_may_be_lost(tmp_path, monkeypatch, durable):
    flushed: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real(fd)))
    path = tmp_path / "f.cache"
    path.write_bytes(b"old")
    write_atomic(path, b"new", durable=durable)
    assert path.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["f.cache"]  # renamed into place: no temp file left
    assert bool(flushed) == durable
