"""Command palette: every action in keys.ACTIONS, plus jumping to a control by id."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from curator.tui.keys import ACTIONS, display_keys

if TYPE_CHECKING:
    from curator.tui.app import CuratorApp


class CuratorCommands(Provider):
    @property
    def curator(self) -> CuratorApp:
        """The app this palette serves: its keymap and its session."""
        return cast("CuratorApp", self.app)

    async def discover(self) -> Hits:
        keymap = self.curator.keymap
        for action in ACTIONS:
            yield DiscoveryHit(
                f"{action.title} ({display_keys(action, keymap)})",
                partial(self.app.run_action, action.action),
                help=action.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        keymap = self.curator.keymap
        for action in ACTIONS:
            label = f"{action.title} ({display_keys(action, keymap)})"
            score = matcher.match(f"{label} {action.help}")
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self.app.run_action, action.action),
                    help=action.help,
                )
        if len(query) < 2:
            return
        for cid, control in list(self.curator.session.loaded.controls.items())[:20000]:
            text = f"Go to {cid} {control.title}"
            score = matcher.match(text)
            if score > 0.5:
                yield Hit(
                    score,
                    highlighted(matcher, text),
                    partial(self.curator.goto, cid),
                    help=control.status,
                )


def highlighted(matcher: Matcher, text: str) -> Content:
    """`matcher.highlight(text)` for text that is not markup (a control's title): the letters
    the query matched, marked."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
