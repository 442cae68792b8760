"""Reading one list file: what `source.read_file` returns whatever its size was when stat'ed,
and `files.read_regular`, which reads a file named by someone only if it is a regular one; and
`source.ReadAhead`, which asks for the files to come once reads start waiting for the disk."""

import os
from pathlib import Path

import pytest

from curator.store.formats.files import NotAFile, TooLarge, read_regular
from curator.store.formats.read import MAX_BYTES
from curator.store.index import source
from curator.store.index.source import ReadAhead, read_file


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


# ---------------------------------------------------------------- reading ahead

# dropping a file from memory, and asking whether a read would wait: Linux's
out_of_memory = pytest.mark.skipif(
    not (hasattr(os, "posix_fadvise") and hasattr(os, "RWF_NOWAIT")),
    reason="this system cannot drop a file from memory or tell whether a read would wait",
)


def written(folder: Path, count: int) -> list[str]:
    """`count` files in `folder`, on disk and out of memory (as after a restart); their names."""
    folder.mkdir()
    names = [f"{i:04d}.toml" for i in range(count)]
    for name in names:
        with open(folder / name, "wb") as out:
            out.write(f'id = "{name}"\n'.encode())
            out.flush()
            os.fsync(out.fileno())
            os.posix_fadvise(out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    # (asking brings the file in: the last is asked, the test reads the first ones)
    if source._in_memory(str(folder / names[-1])):
        pytest.skip("this file system keeps the files in memory, or cannot tell")
    return names


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The files the kernel is asked for, in order (each still asked for)."""
    found: list[str] = []
    will_need = source._will_need

    def noted(where: str) -> None:
        found.append(Path(where).name)
        will_need(where)

    monkeypatch.setattr(source, "_will_need", noted)
    return found


def test_files_read_from_memory_are_read_with_nothing_asked_ahead(tmp_path, asked):
    (tmp_path / "list").mkdir()
    names = [f"{i:04d}.toml" for i in range(100)]
    for name in names:
        (tmp_path / "list" / name).write_text(name)
    ahead = ReadAhead(str(tmp_path / "list"), names)
    assert [ahead.read(str(tmp_path / "list" / n), 8) for n in names] == [n.encode() for n in names]
    assert asked == []


@out_of_memory
def test_once_a_read_waits_for_the_disk_the_next_files_are_asked_for_each_once(tmp_path, asked):
    names = written(tmp_path / "list", 100)
    ahead = ReadAhead(str(tmp_path / "list"), names)
    top = tmp_path / "list"
    assert ahead.read(str(top / names[0]), 20) == f'id = "{names[0]}"\n'.encode()
    assert asked == names[1 : 1 + ReadAhead.AHEAD]
    for name in names[1:10]:  # a file passed over (not read) is still passed in order
        if name != names[5]:
            ahead.read(str(top / name), 20)
    assert asked == names[1 : 10 + ReadAhead.AHEAD]


@out_of_memory
def test_a_first_check_of_a_list_out_of_memory_asks_ahead_and_finds_what_a_load_finds(
    tmp_path, asked
):
    from test_cache import generated, plain

    from curator.store.index import incremental

    root = generated(tmp_path / "list")
    every = [p for p in root.rglob("*.toml") if ".git" not in p.parts]
    for path in every:
        with open(path, "rb") as file:
            os.fsync(file.fileno())  # (a page not yet written cannot be dropped)
            os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    if source._in_memory(str(every[-1])):
        pytest.skip("this file system keeps the files in memory, or cannot tell")
    found = incremental.check(root, 1)
    assert (found.problems, found.files, found.broken, found.notices) == plain(root)
    assert {"discussion", "controls"} <= {
        p.parent.parent.name if p.parent.parent != root else p.parent.name
        for p in every
        if p.name in set(asked)
    }
