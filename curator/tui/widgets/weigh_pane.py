"""The Weigh tab: capture table, verdict, live what-if, and a sweep chart."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Select, Static

from curator.core import criteria, sweep
from curator.core import destinations as places
from curator.core import weigh as weighing
from curator.core.criteria import ExprError
from curator.core.model import Control
from curator.core.problems import CuratorError
from curator.tui.session import Session
from curator.tui.text import plain
from curator.tui.views import weigh as weigh_view
from curator.tui.views.weigh import FULL_TABLE_WIDTH
from curator.tui.widgets.control_pane import ControlPaneMixin


class WeighPane(ControlPaneMixin, VerticalScroll, can_focus=False):
    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_session(session)
        self.current: weighing.Weighing | None = None
        # what the capture table shows, kept so a resize can lay it out again
        self.shown: tuple[weighing.Weighing | None, weighing.WhatIf | None] = (None, None)
        self.folded: bool | None = None
        self.setting = weighing.Setting()

    def compose(self) -> ComposeResult:
        yield Static("", id="verdict")
        with Horizontal(classes="row"):
            yield Select([], prompt="whole control", id="whatif-item", allow_blank=True)
            yield Input(placeholder="what-if: edit the expression", id="whatif")
        yield Static("", id="whatif-result")
        yield DataTable(id="captures", cursor_type="row", zebra_stripes=True)
        book = self.session.destinations
        if book.groups:  # a list with destinations files: weigh for one
            with Horizontal(classes="row"):
                yield Select(
                    weigh_view.destination_options(book),
                    prompt="weigh for a destination",
                    id="destination",
                )
            yield Static("", id="destination-result")
        with Horizontal(classes="row"):
            yield Select([], prompt="sweep a parameter", id="sweep-param")
        yield Static("", id="sweep-chart")

    def on_resize(self) -> None:
        if (self.size.width < FULL_TABLE_WIDTH) != self.folded:
            self._table(*self.shown)

    # -- the selected control ---------------------------------------------------------------
    def show_control(self, control_id: str | None) -> None:
        if not self.needs_redraw(control_id):
            return
        ws = self.session
        control = ws.control(control_id)
        whatif = self.query_one("#whatif", Input)
        items = self.query_one("#whatif-item", Select)
        params = self.query_one("#sweep-param", Select)
        self.query_one("#whatif-result", Static).update("")
        self.query_one("#sweep-chart", Static).update("")
        if control is None:
            self.current = None
            self._table(None, None)
            self.query_one("#verdict", Static).update("No control selected.")
            return
        items.set_options([(f"paragraph {p.label}", p.label) for p in control.items if p.match])
        try:
            found = weighing.criteria_of(control, ws.loaded.parameters)
            self.setting = weighing.setting_of(control, ws.loaded.manifest)
        except (ExprError, CuratorError) as err:
            found = ()
            self.query_one("#verdict", Static).update(Content(f"criteria error: {err}"))
        used = sorted({a.param for _, e in found for a in criteria.atoms(e)})
        params.set_options([(p, p) for p in used if not ws.loaded.parameters[p].is_flag])
        with whatif.prevent(Input.Changed):
            whatif.value = weighing.expression_text(found) if found else ""
        if not found:
            self.current = None
            self._table(None, None)
            if control.items:
                self.query_one("#verdict", Static).update("No paragraph has criteria to weigh.")
            return
        self.current = weighing.weigh(found, ws.loaded.catalogue, self.setting, control.id)
        self._show_verdict(self.current)
        self._table(self.current, None)
        self._show_destination()

    def _show_destination(self) -> None:
        """The selected control's captured items for the chosen destination; for an entity,
        each licence decision's effect on this control too."""
        found = self.query("#destination")
        if not found:
            return
        picked = found.first(Select)
        out = self.query_one("#destination-result", Static)
        if picked.is_blank() or self.current is None:
            out.update("")
            return
        ws = self.session
        book = ws.destinations
        where = places.destination_named(str(picked.value), book)
        current = self.current
        captures = places.captured(current)

        def weighed(day: dt.date | None) -> places.DestinationWeighing:
            return places.weigh_for(
                current.control, captures, ws.loaded.catalogue, where, book,
                ws.loaded.partners, day,
            )  # fmt: skip

        out.update(Content(weigh_view.destination_text(where, weighed)))

    def _show_verdict(self, result: weighing.Weighing) -> None:
        self.query_one("#verdict", Static).update(weigh_view.verdict_text(result))

    def _table(self, result: weighing.Weighing | None, change: weighing.WhatIf | None) -> None:
        """The capture table, laid out for the pane's width: every column whole, the longer
        texts wrapped in their cells; on a narrow pane the item's name is left out and the
        paragraph is shown with the outcome."""
        self.shown = (result, change)
        self.folded = self.size.width < FULL_TABLE_WIDTH
        table = self.query_one("#captures", DataTable)
        table.clear(columns=True)
        if result is None:
            return
        laid = weigh_view.capture_table(result, change, self.size.width)
        for title, width in zip(laid.titles, laid.widths, strict=True):
            table.add_column(title, width=width)
        for row, key in zip(laid.rows, laid.keys, strict=True):
            table.add_row(*plain(*row), key=key, height=None)

    # -- what-if ---------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "whatif":
            event.stop()
            self.what_if(event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "destination":
            self._show_destination()
        elif event.select.id == "sweep-param":
            self.sweep_what_is_shown()
        elif event.select.id == "whatif-item":
            control = self.session.control(self.control_id)
            if control is None:
                return
            whatif = self.query_one("#whatif", Input)
            if event.select.is_blank():
                found = weighing.criteria_of(control, self.session.loaded.parameters)
                whatif.value = weighing.expression_text(found)
            else:
                paragraph = control.paragraph(str(event.value))
                whatif.value = paragraph.match if paragraph else ""

    def proposed(self, control: Control, expression: str) -> tuple[weighing.Labelled, ...]:
        """The control's criteria with the what-if `expression` in force (for the paragraph
        picked, or for the whole control); raises ExprError or CuratorError as `amended` does."""
        picked = self.query_one("#whatif-item", Select)
        item = None if picked.is_blank() else str(picked.value)
        return weighing.amended(control, self.session.loaded.parameters, item, expression)

    def what_if(self, expression: str) -> None:
        """Weigh an edited expression and show what it changes, or where it fails to parse."""
        ws = self.session
        control = ws.control(self.control_id)
        out = self.query_one("#whatif-result", Static)
        if control is None or self.current is None:
            return
        try:
            proposed = self.proposed(control, expression)
        except ExprError as err:
            out.update(weigh_view.parse_error(err, expression))
            return
        except CuratorError as err:
            out.update(Content.styled(err.message, "red"))
            return
        after = weighing.weigh(proposed, ws.loaded.catalogue, self.setting, control.id)
        change = weighing.what_if(self.current, after)
        out.update(weigh_view.change_text(change))
        self._table(after, change)
        self.sweep_what_is_shown()

    # -- sweep ------------------------------------------------------------------------------
    def sweep_what_is_shown(self) -> None:
        """Sweep the chosen parameter over the what-if being typed when it parses, else over
        the saved criteria. (While a half-typed what-if fails to parse, `what_if` stops before
        this: the chart of the last one that parsed stays.)"""
        ws = self.session
        control = ws.control(self.control_id)
        picked = self.query_one("#sweep-param", Select)
        if control is None or picked.is_blank():
            return
        try:
            found = self.proposed(control, self.query_one("#whatif", Input).value)
        except (ExprError, CuratorError):
            found = weighing.criteria_of(control, ws.loaded.parameters)
        self.run_sweep(str(picked.value), found)

    @work(thread=True, exclusive=True, group="sweep")
    def run_sweep(self, param: str, found: tuple[weighing.Labelled, ...]) -> None:
        ws = self.session
        result = sweep.sweep(found, ws.loaded.catalogue, self.setting, param)
        text = "\n".join([*sweep.chart(result), result.summary()])
        self.app.call_from_thread(self.query_one("#sweep-chart", Static).update, text)
