"""The controls table: a virtual list that draws only the rows on screen.

A filter keystroke swaps the list of row ids and repaints the visible lines, instead of
clearing and refilling a DataTable, whose cost grows with the rows (the TUI figures in
benchmarks/RESULTS.md compare the two).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from curator.tui.views.table import Row


class ControlTable(ScrollView, can_focus=True):
    """Rows come from a callable so the table never copies the list's data."""

    COMPONENT_CLASSES = {
        "control-table--header",
        "control-table--cursor",
        "control-table--broken",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    cursor = reactive(0, always_update=True)
    # the columns left out, in this order, when the flexible one (the title) would be narrower
    # than MIN_FLEXIBLE: on an 80-column terminal the area gives way to the title
    FOLDS: tuple[str, ...] = ("area",)
    MIN_FLEXIBLE = 24

    class Highlighted(Message):
        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        columns: Sequence[tuple[str, int]],
        row: Callable[[str], Row],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self._row = row
        self.keys: list[str] = []

    # -- data ---------------------------------------------------------------------------------
    def show(self, keys: list[str], keep: str | None = None) -> None:
        """Show these rows (in order), keeping the cursor on `keep` if it is still there."""
        self.keys = keys
        self.virtual_size = Size(self._width(), len(keys) + 1)
        index = keys.index(keep) if keep in keys else 0
        self.cursor = min(index, max(0, len(keys) - 1))
        self.refresh()

    @property
    def current(self) -> str | None:
        return self.keys[self.cursor] if 0 <= self.cursor < len(self.keys) else None

    def _width(self) -> int:
        return max(1, self.size.width)

    def _widths(self, width: int) -> list[int]:
        """Fixed columns keep their width; a column declared 0 wide takes what is left. When
        that would be narrower than MIN_FLEXIBLE, the FOLDS columns are left out (width 0)."""
        shown = list(self.columns)
        for name in self.FOLDS:
            if width - sum(w + 1 for _, w in shown if w) - 1 >= self.MIN_FLEXIBLE:
                break
            shown = [(n, w) for n, w in shown if n != name]
        flexible = max(8, width - sum(w + 1 for _, w in shown if w) - 1)
        return [(w or flexible) if (n, w) in shown else 0 for n, w in self.columns]

    def on_resize(self) -> None:
        self.virtual_size = Size(self._width(), len(self.keys) + 1)

    # -- movement -----------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, min(len(self.keys) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_jump(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self.keys) - 1

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        visible = max(1, self.size.height - 1)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def on_key(self, event: events.Key) -> None:
        # type-ahead: the keys typed right behind "/" are already queued here, and bindings run
        # only once a key has bubbled up to the app — after them. So "/" moves the focus now and
        # the queued keys are handed on to the filter ("q" among them must not quit).
        focused = self.screen.focused  # has_focus lags: it follows the Blur message
        if focused is self and event.key == "slash":
            event.stop()
            self.app.action_focus_filter()  # type: ignore[attr-defined]
        elif focused is not None and focused is not self and event.is_printable:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))

    def on_click(self, event) -> None:
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.keys):
            self.cursor = row
            self.focus()

    # -- drawing ------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("control-table--header")
            return self._strip([name for name, _ in self.columns], style, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.keys):
            return Strip.blank(width, self.rich_style)
        row = self._row(self.keys[index])
        style = self.rich_style
        if row.broken:
            style += self.get_component_rich_style("control-table--broken")
        if index == self.cursor:
            style += self.get_component_rich_style("control-table--cursor")
        return self._strip(list(row.cells), style, width)

    def _strip(self, cells: list[str], style: Style, width: int) -> Strip:
        parts = []
        for col_width, cell in zip(self._widths(width), cells, strict=False):
            if not col_width:
                continue
            text = cell if len(cell) <= col_width else cell[: col_width - 1] + "…"
            parts.append(text.ljust(col_width))
        line = " ".join(parts)[:width].ljust(width)
        return Strip([Segment(line, style)], width)
