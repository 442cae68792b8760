"""A member's whole day in the TUI at 80×24, by the keyboard alone: read a control, filter the
list, weigh a what-if, comment with an amendment, edit a control, and sync with the committee's
remote — a real git repository with an upstream, as a member's own clone."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import ListDir, make_list, run_curator

from curator.tui import keys
from curator.tui.app import CuratorApp
from curator.tui.screens.edit import EditScreen
from curator.tui.widgets.control_table import ControlTable
from tests.gitrepo import committing_as, git
from tests.test_tui import settle

SMALL = (80, 24)
ME = "industry-1"
REMARK = "Raise a.1 to 9000: gaming cards are not what it aims at."


@pytest.fixture
def my_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ListDir, Path]:
    """A bare remote holding the test list (3A090 and a quantum draft), and industry-1's clone
    of it, where git commits as industry-1; no global git configuration."""
    seed = make_list(tmp_path / "seed")
    done = run_curator(
        "new", "4A906", "--title", "Quantum computers", "--area", "quantum",
        "--list", str(seed.root), "--as", "chair",
    )  # fmt: skip
    assert done.code == 0, done.err
    git(seed.root, "init", "--quiet", "--initial-branch=main")
    git(seed.root, "add", "-A")
    git(seed.root, "commit", "--quiet", "-m", "The list")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed.root), str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), "mine")
    mine = tmp_path / "mine"
    for name, value in committing_as(ME).items():
        monkeypatch.setenv(name, value)
    git(mine, "config", "user.name", ME)
    git(mine, "config", "user.email", f"{ME}@example.org")
    return ListDir(mine), remote


async def choose(pilot, option_down: int) -> None:
    """Open the focused Select, move down `option_down` options, take it."""
    await pilot.press("enter", *["down"] * option_down, "enter")
    await pilot.pause()


async def test_a_members_day_at_80x24_without_leaving_the_tui(my_clone):
    mine, remote = my_clone
    app = CuratorApp(mine.root, ME)
    async with app.run_test(size=SMALL) as pilot:
        main = app.main
        table = main.query_one(ControlTable)
        await pilot.pause()
        assert main.short and main.focused is table

        # read: Enter shows the selected control's tabs in the table's place; Escape returns
        await pilot.press("enter")
        await pilot.pause()
        assert main.has_class("-reading")
        assert "# 3A090 — Integrated circuits" in main.query_one("#detail-pane").shown
        await pilot.press("escape")
        await pilot.pause()
        assert main.focused is table and not main.has_class("-reading")

        # filter: "/" and a word; Enter gives the table the focus again
        await pilot.press("slash", *"quantum")
        assert table.keys == ["4A906"]
        await pilot.press(*["backspace"] * 7, *"density", "enter")
        await pilot.pause()
        assert table.keys == ["3A090"] and main.focused is table

        # weigh: a what-if on paragraph a.1, typed; the change shows as it is typed
        await pilot.press("w")
        await pilot.pause()
        weigh = main.query_one("#weigh-pane")
        assert main.focused is weigh.query_one("#whatif-item")
        await choose(pilot, 1)  # paragraph a.1
        await pilot.press("tab", "end", *["backspace"] * 4, *"9000")
        await pilot.pause()
        assert weigh.query_one("#whatif").value == "tpp >= 9000"
        result = str(weigh.query_one("#whatif-result").render())
        assert "rtx-4090" in result.splitlines()[1]  # released

        # comment with an amendment: c opens the compose box, ctrl+s posts
        await pilot.press("escape", "c", *REMARK)
        await pilot.pause()
        discussion = main.query_one("#discussion-pane")
        assert discussion.query_one("#c-body").text == REMARK
        await pilot.press("tab")
        await choose(pilot, 3)  # position: too-tight
        await pilot.press("tab")
        await choose(pilot, 1)  # amend a.1
        await pilot.press("tab", "tab", *"tpp >= 9000", "ctrl+s")
        assert await settle(pilot, lambda: "amendment to **a.1**" in thread(discussion))
        assert "`tpp >= 9000`" in thread(discussion) and REMARK in thread(discussion)
        (posted,) = (mine.root / "discussion" / "3A090").iterdir()
        said = tomllib.loads(posted.read_text())
        assert said["position"] == "too-tight"
        assert said["amendment"] == {"item": "a.1", "match": "tpp >= 9000"}

        # edit a control: e opens the form on the title; ctrl+s saves
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        await pilot.press("end", *" (AC/S)", "ctrl+s")
        await pilot.pause()
        assert app.screen is main
        title = "Integrated circuits for advanced computing (AC/S)"
        assert tomllib.loads(mine.read("controls/3A090.toml"))["title"] == title

        # sync: commit, pull and push as the member, in the background
        head = git(remote, "rev-parse", "main").stdout
        await pilot.press("s")
        assert await settle(pilot, lambda: git(remote, "rev-parse", "main").stdout != head)
        assert app.is_running
    pushed = git(remote, "show", "--name-only", "--format=%ae", "main").stdout.split()
    assert pushed[0] == f"{ME}@example.org"
    assert sorted(pushed[1:]) == ["controls/3A090.toml", f"discussion/3A090/{posted.name}"]
    assert git(mine.root, "status", "--porcelain").stdout == ""


def thread(discussion) -> str:
    return discussion.query_one("#thread").source


def test_the_readmes_tour_lists_every_key():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    tour = readme.split("### The terminal UI")[1].split("\n### ")[0]
    shown = {"slash": "/", "question_mark": "?", "escape": "Escape", "enter": "Enter"}
    for action in keys.ACTIONS:
        assert f"`{shown.get(action.key, action.key)}`" in tour, action.action
