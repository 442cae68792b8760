"""List data as the terminal gets it: table cells as plain text, and no control characters on
any line drawn (each tab's text is built in curator.tui.views)."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from curator.core.inert import UNSAFE_IN_LINE


def plain(*cells: str) -> tuple[Text, ...]:
    """Table cells from list data as plain text: a DataTable reads a str as markup, so a name
    holding "[bold red]" would be styled (and one holding "[/]" would fail)."""
    return tuple(Text(cell) for cell in cells)


class InertLines(LineFilter):
    """The last step of every line drawn, whichever widget drew it (a table, a Markdown body,
    an input holding a title, a toast): the characters a terminal would act on instead of
    showing them (curator.core.inert) are dropped. They take no cell, so nothing moves."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(s.text.isprintable() for s in segments):  # nearly every line, at C speed
            return segments
        kept = []
        for segment in segments:
            text, style, control = segment
            if not control and not text.isprintable():
                text = UNSAFE_IN_LINE.sub("", text)
                if not text:
                    continue
                segment = Segment(text, style, control)
            kept.append(segment)
        return kept
