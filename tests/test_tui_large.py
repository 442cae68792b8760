"""A large list in the TUI: the table from the controls first, the discussion and public
comments read in a process of their own and held without their bodies, read when shown."""

from __future__ import annotations

import os

import pytest
from conftest import run_curator

from curator.store.index import background
from curator.store.index.load import load
from curator.tui import session as session_module
from curator.tui.app import CuratorApp
from curator.tui.session import Session
from curator.tui.views import discussion, table
from tests.public_csv import Row, write_csv
from tests.test_tui import settle

SIZE = (120, 40)
SAID = "Gaming cards are caught by a.1 and that is too tight."


def thread_of(session: Session, control_id: str) -> str:
    """The Discussion tab's text of a control, bodies read as the tab reads them."""
    comments = session.thread(control_id, bodies=True)
    return discussion.thread_page(session.loaded.controls[control_id], comments, session.loaded)


@pytest.fixture
def large(lst, tmp_path, monkeypatch):
    """The test list with a comment and a public comment, treated as large."""
    done = run_curator(
        "comment", "3A090", "-m", SAID, "--position", "too-tight",
        "--list", str(lst.root), "--as", "industry-1",
    )  # fmt: skip
    assert done.code == 0, done.err
    csv = write_csv(tmp_path / "bulk.csv", [Row("abc-1234-wxyz", 2, "ECCN 3A090 is broad.")])
    assert (
        run_curator("comments", "import", str(csv), "--list", str(lst.root), "--as", "chair").code
        == 0
    )
    monkeypatch.setattr(session_module, "LAZY_FROM", 1)
    return lst


def test_a_large_list_is_first_read_without_its_discussion(large):
    ws = Session(large.root, "industry-1")
    assert not ws.complete
    assert ws.loaded.controls and not ws.loaded.comments
    assert ws.changed_on_disk() is False  # not asked until the rest is read


def test_the_rest_comes_without_bodies_and_with_every_problem(large):
    (large.root / "discussion" / "3A090" / "broken.toml").write_text("= nope\n")
    rest, _ = background.Reader(large.root).result()
    full = load(large.root)
    assert [c.body for c in rest.comments] == [""]
    assert [c.body for c in rest.public_comments] == [""]
    assert [c.position for c in rest.comments] == ["too-tight"]
    assert rest.problems == full.problems and rest.problems
    assert not rest.controls  # the session has them already


async def test_thread_and_public_comment_bodies_are_read_when_shown(large):
    app = CuratorApp(large.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        assert await settle(pilot, lambda: app.session.complete, tries=400)
        ws = app.session
        assert ws.light
        assert SAID in thread_of(ws, "3A090")
        assert table.mark(ws.verdict("3A090"), ws.ballot("3A090")).endswith(
            "0/1"
        )  # the position counts without the body
        await pilot.press("p")
        pane = app.main.query_one("#public-pane")
        pane.query_one("#p-list").focus()
        await pilot.pause()
        assert "ECCN 3A090 is broad." in pane.query_one("#p-body").source


def test_a_file_changed_while_the_rest_was_read_makes_it_read_again(large):
    ws = Session(large.root, "industry-1")
    control = large.root / "controls" / "3A090.toml"
    control.write_text(control.read_text().replace("proposed", "draft"))
    os.utime(control, ns=(ws.read_at + 1, ws.read_at + 1))  # after the controls were read
    assert ws.take_rest(background.Reader(large.root).result(), ws.generation) == "stale"
    assert not ws.complete


def test_a_rest_read_before_a_reload_is_not_used(large):
    ws = Session(large.root, "industry-1")
    generation = ws.generation
    found = background.Reader(large.root).result()
    ws.reload()
    assert ws.take_rest(found, generation) == "outdated"


def test_a_comment_whose_file_went_away_keeps_what_was_known(large):
    rest, _ = background.Reader(large.root).result()
    (large.root / rest.comments[0].file).unlink()
    assert background.with_bodies(large.root, rest.comments) == list(rest.comments)


def test_telling_a_list_is_large_walks_only_as_far_as_it_must(large, monkeypatch):
    for control in ("3A091", "3A092", "3A093"):
        (large.root / "discussion" / control).mkdir()
    before = 1 + len(list((large.root / "controls").iterdir()))
    before += len(list((large.root / "catalogue").iterdir()))
    monkeypatch.setattr(session_module, "LAZY_FROM", before)  # the next file is in discussion/3A090
    opened = []
    scandir = os.scandir

    def counted(path):
        opened.append(path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    Session(large.root, "industry-1")
    assert not any("3A093" in str(p) for p in opened)  # stopped long before the last folder


async def test_a_posted_comment_shows_at_once_and_the_thread_never_empties(large):
    app = CuratorApp(large.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        assert await settle(pilot, lambda: app.session.complete, tries=400)
        ws = app.session
        draft = session_module.Draft(body="A second look: keep a.1 as it is.", position="support")
        ws.post("3A090", draft)  # which reads the list again
        assert not ws.complete  # the discussion is being read again…
        shown = thread_of(ws, "3A090")
        assert SAID in shown and "A second look" in shown  # …and meanwhile nothing vanished
        assert await settle(pilot, lambda: app.session.complete, tries=400)
        assert "A second look" in thread_of(app.session, "3A090")


def test_a_read_of_the_rest_that_is_stopped_ends_its_process_and_gives_nothing(large):
    reader = background.Reader(large.root)
    reader.stop()
    assert reader.result() is None
    assert reader.process.poll() is not None  # the child is gone


async def test_quitting_does_not_wait_for_the_discussion_to_be_read(large, monkeypatch):
    import subprocess
    import sys

    def slow(self, root):  # a reader that would take half a minute
        self.stopped = False
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(30)"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip

    monkeypatch.setattr(background.Reader, "__init__", slow)
    app = CuratorApp(large.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        ws = app.session
        assert await settle(pilot, lambda: ws.reader is not None, tries=400)
        reader = ws.reader
        await pilot.press("q")
    assert reader.stopped and reader.process.poll() is not None  # stopped, not awaited
