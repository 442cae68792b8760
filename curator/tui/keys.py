"""Key bindings as data: the footer, the help screen and the command palette read this table."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    key: str
    action: str
    title: str
    help: str
    show: bool = True


ACTIONS: tuple[Action, ...] = (
    Action("slash", "focus_filter", "Filter", "Filter controls by id, title and text"),
    Action("n", "new_control", "New", "Create a new draft control"),
    Action("e", "edit_control", "Edit", "Edit the selected control in a form"),
    Action("E", "edit_raw", "Raw edit", "Open the control's TOML in $EDITOR", show=False),
    Action("c", "compose", "Comment", "Write a comment, take a position or propose an amendment"),
    Action("d", "tab('detail')", "Detail", "Show the control's detail", show=False),
    Action("w", "tab('weigh')", "Weigh", "Weigh the control: captured, leaks, overreach, sweep"),
    Action("i", "tab('discussion')", "Discussion", "Read the control's discussion", show=False),
    Action("y", "tab('history')", "History", "Versions of the control from git", show=False),
    Action(
        "p",
        "tab('public')",
        "Public",
        "Public comments on the control or the docket; answer them",
        show=False,
    ),
    Action("s", "sync", "Sync", "Commit your changes, pull and push"),
    Action("r", "reload", "Reload", "Reload the list from disk", show=False),
    Action("t", "toggle_dark", "Theme", "Switch between light and dark themes", show=False),
    Action("question_mark", "help", "Help", "Show keys and what the marks mean"),
    Action("q", "quit", "Quit", "Leave curator"),
)


def bindings() -> list[Binding]:
    return [
        Binding(a.key, a.action, a.title, show=a.show, id=a.action, tooltip=a.help) for a in ACTIONS
    ]


def display_key(key: str) -> str:
    return {"slash": "/", "question_mark": "?"}.get(key, key)
