"""Key bindings as data: the footer, the help screen and the command palette read this table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    key: str
    action: str
    title: str
    help: str
    show: bool = True
    # "main": a key of the controls screen, shown in its footer only, and not while a text box
    # has the focus (the letters are being typed there); "app": everywhere, forms included
    scope: str = "main"
    opens_form: bool = False  # the keys typed right behind it belong to a form (see typeahead)

    @property
    def name(self) -> str:
        """The binding's id, which a keymap in your settings names: the action, with its
        argument joined by "_" ("tab('weigh')" is "tab_weigh")."""
        return self.action.replace("('", "_").replace("')", "")

    def keys(self, keymap: Mapping[str, str]) -> list[str]:
        """The keys that run it under `keymap` (the default key unless the keymap says)."""
        return keymap.get(self.name, self.key).split(",")


ACTIONS: tuple[Action, ...] = (
    Action("slash", "focus_filter", "Filter", "Filter controls by id, title and text"),
    Action("n", "new_control", "New", "Create a new draft control", opens_form=True),
    Action("e", "edit_control", "Edit", "Edit the selected control in a form", opens_form=True),
    Action("E", "edit_raw", "Raw edit", "Open the control's TOML in $EDITOR", show=False),
    Action(
        "c",
        "compose",
        "Comment",
        "Write a comment, take a position or propose an amendment",
        opens_form=True,
    ),
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
    Action(
        "M",
        "members",
        "Members",
        "The roster: add and remove members, set roles (the chair's)",
        show=False,
    ),
    Action(
        "I",
        "items",
        "Items",
        "The catalogue: add and change items with their sources",
        show=False,
    ),
    Action("r", "reload", "Reload", "Reload the list from disk", show=False),
    Action("t", "toggle_dark", "Theme", "Switch between light and dark themes", show=False),
    Action("question_mark", "help", "Help", "Show keys and what the marks mean", scope="app"),
    Action("q", "quit", "Quit", "Leave curator (asks first when a draft is unsent)"),
    Action("enter", "read", "Read", "Open the selected control's tabs", show=False),
    Action(
        "escape",
        "back_to_table",
        "Back",
        "Leave the text box or the tab and return to the controls table",
    ),
)


def form_keys(keymap: Mapping[str, str]) -> frozenset[str]:
    """The keys that open a form (and hold what is typed right behind them) under `keymap`."""
    return frozenset(k for a in ACTIONS if a.opens_form for k in a.keys(keymap))


# the names of the controls screen's actions (without their arguments)
MAIN_ACTIONS = frozenset(a.action.split("(")[0] for a in ACTIONS if a.scope == "main")


def bindings(scope: str) -> list[BindingType]:
    """The bindings of one scope; the screen's act on the app, where the actions live."""
    prefix = "app." if scope == "main" else ""
    return [
        Binding(a.key, prefix + a.action, a.title, show=a.show, id=a.name, tooltip=a.help)
        for a in ACTIONS
        if a.scope == scope
    ]


def display_key(key: str) -> str:
    return {"slash": "/", "question_mark": "?", "escape": "esc"}.get(key, key)


def display_keys(action: Action, keymap: Mapping[str, str]) -> str:
    return ", ".join(display_key(k) for k in action.keys(keymap))
