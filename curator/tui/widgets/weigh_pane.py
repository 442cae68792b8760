"""The Weigh tab: capture table, verdict, live what-if, and a sweep chart."""

from __future__ import annotations

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
from curator.tui.state import Workspace
from curator.tui.text import plain
from curator.tui.widgets.control_pane import ControlPaneMixin

WHOLE = "__whole__"
# below this width the capture table folds the name and paragraph columns into the others
FULL_TABLE_WIDTH = 120
CELL_PADDING = 2  # DataTable's one column of padding on each side of a cell


def destination_options(book: places.Destinations) -> list[tuple[str, str]]:
    """The destinations to choose from: the groups, the chart's countries, the entities."""
    groups = [(f"{g.id} {g.title}", g.id) for g in sorted(book.groups.values(), key=lambda g: g.id)]
    countries = [(code, code) for code in sorted(book.chart)]
    entities = [(f"{e.name} (entity)", e.id) for e in book.entities.values()]
    return [*groups, *countries, *entities]


class WeighPane(ControlPaneMixin, VerticalScroll, can_focus=False):
    def __init__(self, workspace: Workspace, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_workspace(workspace)
        self.current: weighing.Weighing | None = None
        # what the capture table shows, kept so a resize can lay it out again
        self.shown: tuple[weighing.Weighing | None, weighing.Change | None] = (None, None)
        self.folded: bool | None = None
        self.setting = weighing.Setting()

    def compose(self) -> ComposeResult:
        yield Static("", id="verdict")
        with Horizontal(classes="row"):
            yield Select([], prompt="whole control", id="whatif-item", allow_blank=True)
            yield Input(placeholder="what-if: edit the expression", id="whatif")
        yield Static("", id="whatif-result")
        yield DataTable(id="captures", cursor_type="row", zebra_stripes=True)
        book = self.workspace.destinations
        if book.groups:  # a list with destinations files: weigh for one
            with Horizontal(classes="row"):
                yield Select(
                    destination_options(book), prompt="weigh for a destination", id="destination"
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
        ws = self.workspace
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
        ws = self.workspace
        book = ws.destinations
        where = places.destination_named(str(picked.value), book)
        captures = places.captured(self.current)

        def weighed(day=None) -> places.DestinationWeighing:
            return places.weigh_for(
                self.current.control, captures, ws.loaded.catalogue, where, book,
                ws.loaded.partners, day,
            )  # fmt: skip

        now = weighed()
        lines = [f"{now.verdict} to {where.title} — {now.verdict_text()}"]
        lines += [f"{i.item} ({i.paragraph}): {i.summary()}" for i in now.items]
        if where.entity is not None:
            entity = where.entity
            lines += [
                "",
                f"{entity.name}, listed {entity.listed} ({entity.citation}): a licence for "
                f"{'all items subject to the EAR' if entity.all_items else 'items on the CCL'}, "
                f"{places.REVIEW_POLICIES[entity.review_policy]}",
                *(f"footnote: {f}" for f in entity.footnotes),
                "licence decisions and their effect on this control:",
            ]
            for decision in entity.decisions:
                until = f" until {decision.end}" if decision.end else ""
                effect = weighed(decision.start).verdict
                lines.append(
                    f"  {decision.start}{until}: {decision.licence} {decision.outcome} "
                    f"({decision.citation}) — {effect}"
                )
        out.update(Content("\n".join(lines)))  # list text is shown as is, never as markup

    def _show_verdict(self, result: weighing.Weighing) -> None:
        self.query_one("#verdict", Static).update(
            f"[b]{result.verdict}[/b] — {result.verdict_text()}\n{result.summary()}"
        )

    def _table(self, result: weighing.Weighing | None, change: weighing.Change | None) -> None:
        """The capture table, laid out for the pane's width: every column whole, the longer
        texts wrapped in their cells; on a narrow pane the item's name is left out and the
        paragraph is shown with the outcome."""
        self.shown = (result, change)
        self.folded = self.size.width < FULL_TABLE_WIDTH
        table = self.query_one("#captures", DataTable)
        table.clear(columns=True)
        if result is None:
            return
        ordered = sorted(result.weighed, key=lambda o: (o.rank, o.item))
        rows = []
        for o in ordered:
            outcome = weighing.outcome_words(o, change)
            if self.folded:
                rows.append((o.item, f"{outcome} · {o.paragraph}" if o.paragraph else outcome))
            else:
                rows.append((o.item, o.name, o.paragraph or "—", outcome))
        titles = ("item", "outcome") if self.folded else ("item", "name", "paragraph", "outcome")
        widths = [max(len(t), *(len(r[i]) for r in rows)) for i, t in enumerate(titles)]
        widths[-1] = min(widths[-1], 34)  # a long outcome wraps rather than squeeze the reason
        room = max(self.size.width, 60) - 2  # the scrollbar
        reason = max(room - sum(widths) - CELL_PADDING * (len(widths) + 1), 20)
        for title, width in zip((*titles, "reason"), (*widths, reason), strict=True):
            table.add_column(title, width=width)
        for row, o in zip(rows, ordered, strict=True):
            table.add_row(*plain(*row, o.reason), key=o.item, height=None)

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
            control = self.workspace.control(self.control_id)
            if control is None:
                return
            whatif = self.query_one("#whatif", Input)
            if event.select.is_blank():
                found = weighing.criteria_of(control, self.workspace.loaded.parameters)
                whatif.value = weighing.expression_text(found)
            else:
                paragraph = control.paragraph(str(event.value))
                whatif.value = paragraph.match if paragraph else ""

    def proposed(self, control: Control, expression: str) -> tuple[weighing.Labelled, ...]:
        """The control's criteria with the what-if `expression` in force (for the paragraph
        picked, or for the whole control); raises ExprError or CuratorError as `amended` does."""
        picked = self.query_one("#whatif-item", Select)
        item = None if picked.is_blank() else str(picked.value)
        return weighing.amended(control, self.workspace.loaded.parameters, item, expression)

    def what_if(self, expression: str) -> None:
        """Weigh an edited expression and show what it changes, or where it fails to parse."""
        ws = self.workspace
        control = ws.control(self.control_id)
        out = self.query_one("#whatif-result", Static)
        if control is None or self.current is None:
            return
        try:
            proposed = self.proposed(control, expression)
        except ExprError as err:
            caret = " " * (err.column - 1) + "^"
            out.update(
                Content.assemble(
                    (f"column {err.column}: {err.message}", "red"), f"\n{expression}\n{caret}"
                )
            )
            return
        except CuratorError as err:
            out.update(Content.styled(err.message, "red"))
            return
        after = weighing.weigh(proposed, ws.loaded.catalogue, self.setting, control.id)
        change = weighing.what_if(self.current, after)
        out.update(
            f"newly captured: {', '.join(change.newly_captured) or 'none'}\n"
            f"released: {', '.join(change.released) or 'none'}\n"
            f"verdict: {change.verdict_before} → [b]{change.verdict_after}[/b]"
        )
        self._table(after, change)
        self.sweep_what_is_shown()

    # -- sweep ------------------------------------------------------------------------------
    def sweep_what_is_shown(self) -> None:
        """Sweep the chosen parameter over the what-if being typed when it parses, else over
        the saved criteria. (While a half-typed what-if fails to parse, `what_if` stops before
        this: the chart of the last one that parsed stays.)"""
        ws = self.workspace
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
        ws = self.workspace
        result = sweep.sweep(found, ws.loaded.catalogue, self.setting, param)
        text = "\n".join([*sweep.chart(result), result.summary()])
        self.app.call_from_thread(self.query_one("#sweep-chart", Static).update, text)
