"""SVG snapshots of the main screen and each tab at 120×40 (pytest-textual-snapshot).

Update them after an intended layout change with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from curator.tui.app import CuratorApp

SIZE = (120, 40)


@pytest.fixture
def app(lst):
    # a fixed list and member so the picture depends on the code only
    return CuratorApp(lst.root, "industry-1")


def test_main_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


async def settled(pilot) -> None:
    """Wait for the workers (git history, status) so the picture does not race them."""
    for _ in range(100):
        await pilot.pause(0.02)
        if not any(w.is_running for w in pilot.app.workers):
            break
    await pilot.pause()


@pytest.mark.parametrize("key", ["w", "i", "y"])
def test_tabs(snap_compare, app, key):
    async def run_before(pilot) -> None:
        await pilot.press(key)
        await settled(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])


def test_edit_form(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["e"])
