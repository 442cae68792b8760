"""A large list's discussion and public comments, read in a process of their own.

The TUI shows a large list's table from its controls and catalogue at once (store.index.load with
DEFINITIONS); the rest — 10^5 comment files — is read here, apart. Parsing them then holds no
lock the UI needs, and the memory reading takes goes back to the system when the process ends.
What comes back is light: every problem the whole list has, and the comments and public
comments without their bodies (`with_bodies` reads those of the few a person looks at).

    python -m curator.store.index.background ROOT    (writes the pickled result to stdout; internal)
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from curator.core import records
from curator.core.model import Comment, ControlList, PublicComment
from curator.core.problems import CuratorError
from curator.store.formats import read as reader
from curator.store.formats.layout import kind_of
from curator.store.index.load import load
from curator.store.index.source import read_file, signature

Signature = tuple[int, int, int]
Said = TypeVar("Said", Comment, PublicComment)


def light(root: Path) -> ControlList:
    """The whole list's problems, comments and public comments, bodies left out; no controls
    and no catalogue (the caller has them)."""
    loaded = load(root)
    # names said again and again are sent once (pickle shares what is one object here)
    once = sys.intern
    return replace(
        loaded,
        controls={},
        catalogue={},
        comments=tuple(
            replace(
                c,
                body="",
                control=once(c.control),
                author=once(c.author),
                position=once(c.position),
            )
            for c in loaded.comments
        ),
        public_comments=tuple(
            replace(c, body="", docket=once(c.docket), controls=tuple(map(once, c.controls)))
            for c in loaded.public_comments
        ),
    )


class Reader:
    """`light(root)` read by a process of its own, started at once; `result` waits for it and
    `stop` ends it (a UI that quits, or reads again, does not wait for a read it no longer
    needs)."""

    def __init__(self, root: Path) -> None:
        # the child imports this very curator, however the parent found it
        here = str(Path(__file__).resolve().parents[3])
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        self.stopped = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "curator.store.index.background", str(root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )

    def result(self) -> tuple[ControlList, Signature] | None:
        """What the child read and the signature it read at; None if it was stopped."""
        out, err = self.process.communicate()
        if self.stopped:
            return None
        if self.process.returncode != 0:
            said = err.decode("utf-8", "replace").strip().splitlines()
            last = said[-1] if said else f"exit status {self.process.returncode}"
            raise CuratorError(f"reading the discussion failed: {last}")
        return pickle.loads(out)  # our own child's output

    def stop(self) -> None:
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


def with_bodies(root: Path, said: Sequence[Said]) -> list[Said]:
    """The comments as their files hold them now, bodies included; one whose file cannot be
    read any more stays as it was."""
    return [_in_full(Path(root), c) for c in said]


def comment_at(root: Path, rel: str, control: str) -> Comment | None:
    """The comment in file `rel` of the list, or None if it cannot be read."""
    data = _data_at(Path(root), rel)
    return None if data is None else records.comment_from(data, control, rel)


def _in_full(root: Path, said: Said) -> Said:
    data = _data_at(root, said.file)
    if data is None:
        return said
    if isinstance(said, Comment):
        full = records.comment_from(data, said.control, said.file)
    else:
        full = records.public_comment_from(data, said.file)
    # the same comment (a file edited since keeps its place until the next reload)
    return replace(said, body=full.body)


def _data_at(root: Path, rel: str) -> dict | None:
    """What the list file `rel` holds, or None if it cannot be read or is broken."""
    try:
        raw = read_file(str(root / rel))
    except OSError:
        return None
    return reader.read(kind_of(rel) or "", rel, raw).data


def _main(argv: Sequence[str]) -> int:
    root = Path(argv[0])
    seen = signature(root)
    pickle.dump((light(root), seen), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
