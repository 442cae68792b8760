"""Reading one list file: what `source.read_file` returns whatever its size was when stat'ed,
and `files.read_regular`, which reads a file named by someone only if it is a regular one."""

import os
from pathlib import Path

import pytest

from curator.store.formats.files import NotAFile, TooLarge, read_regular
from curator.store.formats.read import MAX_BYTES
from curator.store.index.source import read_file


def test_a_file_is_read_whole(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b'id = "3A090"\n' * 10_000)
    assert read_file(str(path), path.stat().st_size) == path.read_bytes()


@pytest.mark.parametrize(("stated", "now"), [(100, 200_000), (5000, 10)], ids=["grew", "shrank"])
def test_a_file_whose_size_changed_since_its_stat_is_read_as_it_is_now(tmp_path, stated, now):
    path = tmp_path / "a.toml"
    path.write_bytes(b"x" * stated)
    size = path.stat().st_size
    path.write_bytes(b"y" * now)
    assert read_file(str(path), size) == b"y" * now


def test_an_empty_file_is_read_as_no_bytes(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"")
    assert read_file(str(path), 0) == b""


def test_a_file_over_the_limit_is_read_only_far_enough_to_tell(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"z" * (MAX_BYTES + 5000))
    assert len(read_file(str(path), 10)) == MAX_BYTES + 1


def test_a_file_replaced_by_a_pipe_since_its_stat_does_not_wait(tmp_path):
    # between the walk's stat and the read, the file became a pipe no one writes to: opening
    # it to read would wait for a writer for ever
    path = tmp_path / "a.toml"
    os.mkfifo(path)
    assert read_file(str(path), 100) == b""


@pytest.mark.parametrize("given", ["pipe", "folder", "/dev/zero"])
def test_only_a_regular_file_is_read_by_name(tmp_path, given):
    path = tmp_path / "a.toml"
    if given == "pipe":
        os.mkfifo(path)
    elif given == "folder":
        path.mkdir()
    else:
        path = Path(given)
    with pytest.raises(NotAFile):
        read_regular(path, MAX_BYTES)


def test_a_file_named_is_read_no_further_than_its_limit(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"x" * 1001)
    assert read_regular(path, 1001) == b"x" * 1001
    with pytest.raises(TooLarge, match="file is 1,001 bytes; the limit is 1,000"):
        read_regular(path, 1000)
