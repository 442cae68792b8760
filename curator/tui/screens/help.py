"""The help screen: keys from the same table as the footer and the palette."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from curator.tui.keys import ACTIONS, display_keys


def help_markdown(keymap: Mapping[str, str]) -> str:
    """The keys in force (`keymap`: yours, from your settings), with the names a keymap uses."""
    intro = resources.files("curator.tui").joinpath("help.md").read_text("utf-8")
    rows = ["| key | action | name in a keymap |", "|---|---|---|"]
    rows += [f"| `{display_keys(a, keymap)}` | {a.help} | `{a.name}` |" for a in ACTIONS]
    rows += ["| `ctrl+p` | Command palette: every action, and go to a control by id | |"]
    return intro + "\n## Keys\n\n" + "\n".join(rows) + "\n"


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown(self.app.keymap))  # type: ignore[attr-defined]
