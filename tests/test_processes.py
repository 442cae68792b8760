"""The one module that runs the store's work in other processes (docs/design.md §10)."""

from __future__ import annotations

import os
import pickle

import pytest

from curator.store import processes

needs_fork = pytest.mark.skipif(not processes.can_fork(), reason="no fork here")


def _squares(chunk):
    return [(n * n, os.getpid()) for n in chunk]


@needs_fork
def test_work_over_chunks_answers_in_order_from_other_processes():
    found = processes.map_chunks(_squares, list(range(25)), 4)
    assert [square for square, _ in found] == [n * n for n in range(25)]
    assert os.getpid() not in {pid for _, pid in found}


def test_no_items_is_no_work():
    assert processes.map_chunks(_squares, [], 4) == []


@needs_fork
def test_a_forked_child_answers_through_its_pipe_and_is_collected_later():
    child = processes.Forked.start(lambda: pickle.dumps(os.getpid()))
    assert pickle.loads(child.answer()) == child.pid != os.getpid()
    child.end(done=True)
    os.waitpid(child.pid, 0)
    processes.collect_exited()  # one collected already is forgotten, not an error
    assert child.pid not in processes._EXITING


@needs_fork
def test_a_forked_child_that_fails_answers_nothing():
    child = processes.Forked.start(lambda: bytes(1 // 0))
    assert child.answer() == b""
    child.end(done=False)


def test_a_function_apart_returns_what_it_returns():
    apart = processes.Apart("os.path:join", "a", "b")
    assert apart.result() == os.path.join("a", "b")


def test_a_function_apart_that_fails_says_why():
    apart = processes.Apart("json:loads", "{")
    with pytest.raises(RuntimeError, match="Expecting property name"):
        apart.result()


def test_a_function_apart_that_is_stopped_gives_nothing():
    apart = processes.Apart("time:sleep", "30")
    apart.stop()
    assert apart.result() is None
