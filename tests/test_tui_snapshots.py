"""SVG snapshots of the main screen and of each tab, at 80×24 (the size most terminals open at)
and at 120×40 (pytest-textual-snapshot).

Every picture is of a list whose content, history and clock-dependent fields are fixed, so it
depends on the code only. After an intended layout change:
`pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from curator.tui.app import CuratorApp
from tests.gitrepo import git
from tests.public_csv import Row, write_csv

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
FIXED_CLOCK = {
    "GIT_AUTHOR_DATE": "2026-11-20T10:00:00Z",
    "GIT_COMMITTER_DATE": "2026-11-20T10:00:00Z",
}

COMMENT = """\
author = "{author}"
at = {at}
position = "{position}"
body = \"\"\"
{body}\"\"\"
"""


@pytest.fixture
def app(lst, curator, tmp_path):
    """The test list with a thread on 3A090, a public comment, and two commits of history."""
    thread = [
        ("industry-1", "2026-11-28T01:22:00Z", "too-tight", "Captures **gaming** cards."),
        ("academia-1", "2026-11-28T09:05:00Z", "support", "The density prong is needed."),
        ("chair", "2026-11-29T14:30:00Z", "abstain", "Noted; back to this next week."),
    ]
    for author, at, position, body in thread:
        stamp = f"{at[:10]}T{at[11:19].replace(':', '')}Z"
        lst.write(
            f"discussion/3A090/{stamp}-{author}.toml",
            COMMENT.format(author=author, at=at, position=position, body=body),
        )
    csv = write_csv(
        tmp_path / "bulk.csv",
        [Row("abc-1234-wxyz", 2, "ECCN 3A090 captures gaming cards.", organization="Gamers")],
    )
    assert (
        curator("comments", "import", str(csv), "--list", str(lst.root), "--as", "chair").code == 0
    )
    git(lst.root, "init", "--quiet", "--initial-branch=main")
    git(lst.root, "add", "-A")
    git(lst.root, "commit", "--quiet", "-m", "First draft", env=FIXED_CLOCK)
    lst.write(
        "controls/3A090.toml", lst.read("controls/3A090.toml").replace("tpp >= 4800", "tpp >= 6000")
    )
    git(lst.root, "commit", "--quiet", "-am", "Raise a.1 to 6000", env=FIXED_CLOCK)
    # a fixed member, so the picture depends on the code only
    return CuratorApp(lst.root, "industry-1")


async def settled(pilot) -> None:
    """Wait for the workers (git history, status, sweeps) so the picture does not race them;
    the count of uncommitted files comes a moment after the first screen."""
    for _ in range(400):
        await pilot.pause(0.02)
        if "uncommitted" in pilot.app.sub_title and not any(
            w.is_running for w in pilot.app.workers
        ):
            break
    # what a finished worker handed back is laid out on the next refreshes
    for _ in range(3):
        await pilot.pause(0.05)


async def still(pilot) -> None:
    """Stop the text cursors blinking: a blink would race the picture."""
    await pilot.pause()
    for box in pilot.app.screen.query("Input, TextArea"):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", ["d", "i", "y", "p"])
def test_tabs(snap_compare, app, tab, size):
    async def run_before(pilot) -> None:
        await pilot.press(tab)
        await settled(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_weigh_with_a_what_if_and_a_sweep(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await pilot.press("w")
        await settled(pilot)
        pane = pilot.app.main.query_one("#weigh-pane")
        pane.query_one("#whatif").value = "tpp >= 4800 and interconnect >= 600"
        pane.query_one("#sweep-param").value = "tpp"
        await settled(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_writing_a_comment(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("c", *"Agreed")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_a_broken_control_is_a_row_of_its_own(snap_compare, lst, app, size):
    lst.write("controls/3A091.toml", 'id = "3A091"\ntitle = "Unfinished\n')
    broken = CuratorApp(lst.root, "industry-1")
    assert snap_compare(broken, terminal_size=SIZES[size], run_before=settled)


def test_help_screen(snap_compare, app):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=SIZES["120x40"], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_edit_form(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("e")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
