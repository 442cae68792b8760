"""The session: the loaded list and its writes outside any widget, announced with messages."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from textual.widget import Widget

from curator.core import public
from curator.core.problems import CuratorError
from curator.tui.app import CuratorApp
from curator.tui.session import CommentPosted, Draft, ListReloaded, RosterChanged, Session
from tests.public_csv import Row, imported


class Recorder(Widget):
    """A widget that listens to the session and keeps what it hears."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[object] = []

    def on_list_reloaded(self, event: ListReloaded) -> None:
        self.heard.append(event)

    def on_comment_posted(self, event: CommentPosted) -> None:
        self.heard.append(event)

    def on_roster_changed(self, event: RosterChanged) -> None:
        self.heard.append(event)


async def listening(app: CuratorApp) -> Recorder:
    recorder = Recorder()
    await app.main.mount(recorder)
    app.session.listen(recorder)
    return recorder


async def test_a_posted_comment_is_announced_to_whoever_listens(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=(120, 40)) as pilot:
        recorder = await listening(app)
        path = app.session.post("3A090", Draft(body="Keep a.1.", position="support"))
        await pilot.pause()
        kinds = [type(m) for m in recorder.heard]
        assert kinds == [ListReloaded, CommentPosted]
        assert recorder.heard[1].path == path
        assert recorder.heard[0].generation == app.session.generation
        assert (lst.root / path).exists()


def test_the_session_holds_no_widget():
    # its state is outside any widget, and it imports none of their types
    code = "import sys, curator.tui.session; print(any('curator.tui.widgets' in m for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("action", "response"), [("", "We agree."), ("adopted", "  ")])
def test_an_answer_is_refused_by_cores_own_rule(lst, curator, tmp_path, action, response):
    imported(lst.root, [Row("abc-1234-wxyz", 2, "3A090 is broad.")], tmp_path)
    session = Session(lst.root, "chair")
    with pytest.raises(CuratorError) as refused:
        session.answer("abc-1234-wxyz", action, response)
    with pytest.raises(CuratorError) as core_says:
        public.disposition(action, response, "chair", dt.datetime.now(dt.UTC))
    assert refused.value.message == core_says.value.message


async def test_a_role_set_is_announced_and_the_roster_read_anew(lst):
    app = CuratorApp(lst.root, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        recorder = await listening(app)
        app.session.set_role("academia-1", "observer")
        await pilot.pause()
        assert [type(m) for m in recorder.heard] == [ListReloaded, RosterChanged]
        manifest = app.session.loaded.manifest
        assert manifest.member("academia-1").role == "observer"


def test_who_you_are_is_read_again_with_the_list(lst, curator):
    session = Session(lst.root, "academia-1")
    assert session.member.role == "member"
    done = curator("member", "set-role", "academia-1", "observer", "--as", "chair",
                   "--list", str(lst.root))  # fmt: skip
    assert done.code == 0, done.err
    session.reload()
    assert session.member.role == "observer"
