"""The detail pane: the selected control as Markdown."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Markdown


class DetailPane(VerticalScroll):
    def compose(self):
        yield Markdown("", id="detail-md")

    shown: str | None = None

    def show(self, markdown: str) -> None:
        if markdown == self.shown:  # a tab switch re-asks; rendering Markdown is not free
            return
        self.shown = markdown
        self.query_one("#detail-md", Markdown).update(markdown)
        self.scroll_home(animate=False)
