"""Reading one list file: what `source.read_file` returns whatever its size was when stat'ed."""

import pytest

from curator.store.read import MAX_BYTES
from curator.store.source import read_file


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
