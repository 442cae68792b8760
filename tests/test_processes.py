"""The one module that runs the store's work in other processes (docs/design.md §10)."""

from __future__ import annotations

import os
import pickle
import select

import pytest

from curator.store import processes

needs_fork = pytest.mark.skipif(not processes.can_fork(), reason="no fork here")


def _squares(part):
    return [(n * n, os.getpid()) for n in part]


@needs_fork
def test_shared_work_answers_every_part_in_order_from_this_process_and_a_child():
    # each process, at its first part, tells the other and waits (10 s at most) to hear that
    # the other has taken one too: neither can take every part before the other starts
    parent_said, parent_says = os.pipe()
    child_said, child_says = os.pipe()
    here = os.getpid()

    def squares(part):
        if os.getpid() == here:
            says, other_said = parent_says, child_said
        else:
            says, other_said = child_says, parent_said
        os.write(says, b"x")
        select.select([other_said], [], [], 10)
        return _squares(part)

    found = [r for part in processes.share(squares, list(range(200))) for r in part]
    assert [square for square, _ in found] == [n * n for n in range(200)]
    assert len({pid for _, pid in found}) == 2  # the parts were taken by both
    for fd in (parent_said, parent_says, child_said, child_says):
        os.close(fd)


def test_no_items_is_no_work():
    assert processes.share(_squares, []) == []


@needs_fork
def test_the_parts_of_a_child_that_fails_are_done_here():
    here = os.getpid()

    def fails_in_a_child(part):
        if os.getpid() != here:
            raise SystemExit("a child that fails")
        return _squares(part)

    found = [r for part in processes.share(fails_in_a_child, list(range(100))) for r in part]
    assert found == [(n * n, os.getpid()) for n in range(100)]


@needs_fork
def test_a_shared_child_runs_what_it_is_given_first():
    read, written = os.pipe()

    def say_so():
        os.write(written, b"x")

    processes.share(_squares, list(range(100)), in_child=say_so)
    os.close(written)
    assert set(os.read(read, 64)) == {ord("x")}  # a child per other core ran it
    os.close(read)


def test_what_runs_meanwhile_runs_here_before_this_process_takes_a_part():
    here = os.getpid()
    events: list[str] = []

    def squares(part):
        if os.getpid() == here:
            events.append("part")
        return _squares(part)

    processes.share(squares, list(range(100)), meanwhile=lambda: events.append("meanwhile"))
    assert events[0] == "meanwhile" and events.count("meanwhile") == 1


def test_each_task_is_taken_once():
    tasks = processes.Tasks(5)
    taken = list(iter(tasks.take, None))
    tasks.close()
    assert taken == [0, 1, 2, 3, 4]


@needs_fork
def test_numbers_handed_on_by_a_child_are_taken_once_and_the_taking_ends_when_all_have_handed_on():
    handed = processes.Handed()
    child = processes.Forked.start(lambda: (handed.hand_on([3, 5, 7]), b"")[1])
    handed.hand_on()  # this process hands nothing on
    taken = list(iter(handed.take, None))  # until the child too has handed on
    child.answer()
    child.end(done=False)
    handed.close()
    assert taken == [3, 5, 7]


def test_a_process_hands_on_once():
    handed = processes.Handed()
    handed.hand_on([1])
    handed.hand_on()  # nothing more: allowed
    with pytest.raises(ValueError):
        handed.hand_on([2])
    assert list(iter(handed.take, None)) == [1]
    handed.close()


def test_a_message_sent_is_received_whole():
    read, written = os.pipe()
    message = bytes(range(256)) * 1000  # more than a pipe holds
    sender = processes.send(written, message)
    assert processes.receive(read) == message
    sender.join()


@needs_fork
def test_a_forked_child_answers_through_its_pipe_and_is_collected_later():
    child = processes.Forked.start(lambda: pickle.dumps(os.getpid()))
    assert pickle.loads(child.answer()) == child.pid != os.getpid()
    child.end(done=True)
    os.waitpid(child.pid, 0)
    processes.collect_exited()  # one collected already is forgotten, not an error
    assert child.pid not in processes._EXITING


@needs_fork
def test_a_pipe_to_a_child_ends_when_the_child_has_written_its_end():
    # each side closes the end it does not use: with a writing end left open here, what the
    # child wrote would never be followed by the pipe's end
    pipe = processes.Pipe.open()

    def tell() -> bytes:
        os.write(pipe.writing, b"told")
        return b""

    child = processes.Forked.start(tell, in_child=pipe.keep_writing)
    reading = pipe.keep_reading()
    assert pipe.writing == -1
    assert child.answer() == b""  # done: its end closed as it exited
    assert select.select([reading], [], [], 10)[0]
    assert os.read(reading, 100) == b"told"
    assert select.select([reading], [], [], 10)[0]  # the end, not a wait
    assert os.read(reading, 100) == b""
    child.end(done=True)
    pipe.close()
    assert (pipe.reading, pipe.writing) == (-1, -1)


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
