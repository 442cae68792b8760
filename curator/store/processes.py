"""Work in other processes: the one place the store starts them.

Five shapes of work, one module:

- `share`: a function over many items, cut into parts taken from one queue (`Tasks`) by this
  process and a child forked from it per other core, whoever is free taking the next (the read
  cache parsing many new files; the check's controls, checked once built: the child has them
  without their being sent);
- `pool`: a pool of forked processes, for a caller that hands work out piece by piece (public
  comments written by a helper while the next batch is made);
- `Forked`: one child forked to run a function and answer in bytes through a pipe, left to
  exit on its own once it answered; `Tasks`, `Handed`, `Pipe`, `send` and `receive` are what it
  and this process say to each other besides (the check's helpers: buckets of comments taken
  from a queue, and handed on to whoever is free; the definitions sent to them once built);
- `Apart`: a function run in a fresh interpreter, for a process that must not fork because it
  runs threads (the TUI reading a large list's comments).

Forking is used wherever it is safe: the child starts with everything this process has
loaded, at no cost. Where it is not (one core, threads running, no fork on the platform),
`can_fork` says so and callers do their work here.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported by `pool` when first wanted: most commands start no pool
    from concurrent.futures import ProcessPoolExecutor

Item = TypeVar("Item")
Result = TypeVar("Result")


def can_fork() -> bool:
    """Whether forking is worth it and safe: more than one core, and this process runs one
    thread (a fork copies only the calling thread, and any lock another one held)."""
    return (os.cpu_count() or 1) > 1 and threading.active_count() == 1 and hasattr(os, "fork")


def pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes forked from this one (ask `can_fork` first)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


class Tasks:
    """Task numbers not taken yet, a byte each in a pipe shared by forked processes: each reads
    one at a time, and the pipe gives each number to one reader."""

    LIMIT = 256  # a byte each, written at once (fewer than PIPE_BUF bytes: one write)

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.LIMIT:
            raise ValueError(f"{count} tasks: at most {self.LIMIT}")
        self.fd, into = os.pipe()
        try:
            os.write(into, bytes(range(count)))
        finally:
            os.close(into)

    def take(self) -> int | None:
        """The next task's number; None when every one is taken."""
        got = os.read(self.fd, 1)
        return got[0] if got else None

    def close(self) -> None:
        os.close(self.fd)


class Handed(Tasks):
    """Task numbers handed on by the processes that took them first, for whoever is free to
    take (`take`). Each process forked after it was made holds its writing end and hands on
    once (`hand_on`, which closes that end), with nothing when it has nothing: `take` answers
    None once every process has, or has ended."""

    def __init__(self) -> None:
        self.fd, self.into = os.pipe()

    def hand_on(self, numbers: Sequence[int] = ()) -> None:
        """Hand `numbers` on (at most LIMIT) and close this process's writing end; once closed,
        handing on nothing more is allowed (and does nothing)."""
        if self.into < 0:
            if numbers:
                raise ValueError("numbers handed on after this process stopped handing on")
            return
        if len(numbers) > self.LIMIT:
            raise ValueError(f"{len(numbers)} tasks: at most {self.LIMIT}")
        try:
            if numbers:
                os.write(self.into, bytes(numbers))
        finally:
            os.close(self.into)
            self.into = -1

    def close(self) -> None:
        super().close()
        self.hand_on()


PARTS = 32  # what `share` cuts work into: enough for a slowed process to take fewer
WORTH_SHARING = 1000  # items from which a caller shares its work: fewer are done before a fork


def share(
    work: Callable[[Sequence[Item]], Result],
    items: Sequence[Item],
    in_child: Callable[[], None] = lambda: None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[Result]:
    """`work` over `items` cut into PARTS parts, one result a part, in order: the parts taken by
    this process and by a child forked from it per other core (`in_child` run first there),
    whoever is free taking the next. `meanwhile` is run here once the children are forked,
    before this process takes a part (where it may start a thread). A child's results come back
    pickled; the parts of a child that failed are done here. Ask `can_fork` first."""
    size = -(-len(items) // PARTS) or 1
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    tasks = Tasks(len(parts))
    children: list[Forked] = []
    done = False

    def taken() -> dict[int, Result]:
        return {number: work(parts[number]) for number in iter(tasks.take, None)}

    def in_this_child() -> None:
        for other in children:  # the ones forked before it (an answer's pipe held open
            os.close(other.answers)  # here would not end when its child's ends)
        in_child()

    try:
        for _ in range(min(os.cpu_count() or 1, len(parts)) - 1):
            try:
                child = Forked.start(lambda: pickle.dumps(taken()), in_this_child)
            except OSError:  # no process to be had (a limit): fewer share the work
                break
            children.append(child)
        meanwhile()
        results = taken()
        for child in children:
            results.update(child.answered())
        for number, part in enumerate(parts):
            if number not in results:
                results[number] = work(part)
        done = True
    finally:
        tasks.close()
        for child in children:
            child.end(done)
    return [results[number] for number in range(len(parts))]


def send(fd: int, message: bytes) -> threading.Thread:
    """Write `message` into the pipe `fd` (and close it) from a thread: the process at the other
    end reads it when it gets to it, and a message larger than a pipe holds would hold this one
    up until then."""

    def write() -> None:
        with contextlib.suppress(OSError), open(fd, "wb") as out:
            out.write(message)  # (a reader that died: a broken pipe, nothing to do)

    sender = threading.Thread(target=write, daemon=True)
    sender.start()
    return sender


def receive(fd: int) -> bytes:
    """What the other end of the pipe `fd` wrote, whole (empty: it wrote nothing, or died);
    `fd` is closed."""
    with open(fd, "rb") as got:
        return got.read()


@dataclass
class Pipe:
    """A pipe between this process and a child forked after it was opened. Each side closes
    the end it does not use (`keep_reading`, `keep_writing`): a reader sees the end of what
    is written only once every copy of the writing end is closed."""

    reading: int
    writing: int

    @classmethod
    def open(cls) -> Pipe:
        reading, writing = os.pipe()
        return cls(reading, writing)

    def keep_reading(self) -> int:
        """The reading end, the writing end closed here."""
        self._close_writing()
        return self.reading

    def keep_writing(self) -> int:
        """The writing end, the reading end closed here."""
        self._close_reading()
        return self.writing

    def close(self) -> None:
        self._close_reading()
        self._close_writing()

    def _close_reading(self) -> None:
        if self.reading >= 0:
            os.close(self.reading)
            self.reading = -1

    def _close_writing(self) -> None:
        if self.writing >= 0:
            os.close(self.writing)
            self.writing = -1


# children that answered, collected by a later `Forked.start` once exited (or by the system
# when this process ends: the `curator` command leaves as soon as it has answered)
_EXITING: list[int] = []


@dataclass
class Forked:
    """A child forked to run a function, whose answer comes back through a pipe."""

    pid: int
    answers: int  # the read end of the answer's pipe

    @classmethod
    def start(
        cls, work: Callable[[], bytes], in_child: Callable[[], None] = lambda: None
    ) -> Forked:
        """Fork; the child runs `in_child` (to close what it must not hold), then `work`, and
        writes what it answers. OSError when no process is to be had."""
        collect_exited()
        answer = Pipe.open()
        try:
            pid = os.fork()
        except OSError:
            answer.close()
            raise
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            code = 1
            try:
                into = answer.keep_writing()
                in_child()
                body = work()
                with open(into, "wb") as out:
                    out.write(body)
                code = 0
            finally:
                os._exit(code)
        return cls(pid, answer.keep_reading())

    def answer(self) -> bytes:
        """What the child answered; nothing when it failed before."""
        with open(self.answers, "rb", closefd=False) as got:
            return got.read()

    def answered(self) -> dict:
        """What the child answered, a dict pickled; empty when it failed (or sent what does not
        unpickle: our own child, so that is a failure too)."""
        body = self.answer()
        try:
            found = pickle.loads(body) if body else {}
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        return found if type(found) is dict else {}

    def end(self, done: bool) -> None:
        """Close the answer's pipe. A child whose work is `done` is left to exit and collected
        later (waiting for it to free its memory would hold this process up); one that is not
        is stopped and waited for."""
        os.close(self.answers)
        if done:
            _EXITING.append(self.pid)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)


def collect_exited() -> None:
    """Collect the children that answered and have exited since."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid  # collected already
        if done:
            _EXITING.remove(pid)


class Apart:
    """`module:function(*args)` (each argument a string) run in a fresh interpreter, started at
    once; `result` waits for what it returns, `stop` ends it (a UI that quits, or reads again,
    does not wait for work it no longer needs). The function's module is imported by name in
    the child, so nothing here depends on it."""

    def __init__(self, function: str, *args: str) -> None:
        # the child imports this very curator, however this process found it
        here = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        self.stopped = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, function, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )

    def result(self) -> Any:
        """What the function returned; None if it was stopped. RuntimeError, with the last
        line the child printed, when it failed."""
        out, err = self.process.communicate()
        if self.stopped:
            return None
        if self.process.returncode != 0:
            printed = err.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(printed[-1] if printed else f"exit status {self.process.returncode}")
        return pickle.loads(out)  # our own child's output

    def stop(self) -> None:
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


def _main(argv: Sequence[str]) -> int:
    """In an `Apart` child: run the function named and write what it returns, pickled."""
    module, _, name = argv[0].partition(":")
    function = getattr(importlib.import_module(module), name)
    result = function(*argv[1:])
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
