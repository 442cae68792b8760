"""The main screen: filter, controls table, and the tabs for the selected control."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Select, TabbedContent, TabPane, TextArea

from curator.core.model import STATUSES
from curator.tui import keys
from curator.tui.session import BROKEN, ListReloaded, Session
from curator.tui.views import detail
from curator.tui.views import table as table_view
from curator.tui.widgets.control_pane import ControlPaneMixin
from curator.tui.widgets.control_table import ControlTable
from curator.tui.widgets.discussion_pane import DiscussionPane
from curator.tui.widgets.filter_input import FilterInput
from curator.tui.widgets.history_pane import HistoryPane
from curator.tui.widgets.panes import DetailPane
from curator.tui.widgets.public_pane import PublicPane
from curator.tui.widgets.weigh_pane import WeighPane

# the tabs whose pane is made when the tab is first shown (by id: title, pane): made with the
# first screen, their forms, tables and charts took a fifth of a second to lay out and style
LATER_PANES: dict[str, tuple[str, type[DiscussionPane | WeighPane | HistoryPane | PublicPane]]] = {
    "discussion": ("Discussion", DiscussionPane),
    "weigh": ("Weigh", WeighPane),
    "history": ("History", HistoryPane),
    "public": ("Public", PublicPane),
}


# the widths and heights where the layout changes: the table and the tabs side by side from
# SIDE_BY_SIDE columns (the Weigh table needs about a hundred), stacked below it; and on a
# terminal shorter than TALL rows, one of the two at a time (see `reading`)
SIDE_BY_SIDE = 170
TALL = 34
TEXT_BOXES = (Input, TextArea)


class MainScreen(Screen):
    BINDINGS = keys.bindings("main")
    HORIZONTAL_BREAKPOINTS = [(0, "-stacked"), (SIDE_BY_SIDE, "-side-by-side")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL, "-tall")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.panes_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                with Horizontal(id="filters"):
                    yield FilterInput(
                        "controls", placeholder="/ filter by id, title, text", id="filter"
                    )
                    yield Select(
                        [(s, s) for s in STATUSES], prompt="any status", id="status-filter"
                    )
                    yield Select([], prompt="any area", id="area-filter")
                yield ControlTable(table_view.COLUMNS, self.row, id="controls")
            with TabbedContent(id="tabs", initial="detail"):
                with TabPane("Detail", id="detail"):
                    yield DetailPane(id="detail-pane")
                for tab, (title, _) in LATER_PANES.items():
                    yield TabPane(title, id=tab)
        yield Footer()

    def on_mount(self) -> None:
        self.session.listen(self)
        self.refresh_areas()
        self.refresh_rows()
        self.query_one(ControlTable).focus()

    def on_list_reloaded(self, event: ListReloaded) -> None:
        self.refresh_areas()
        self.refresh_rows()

    # -- list -----------------------------------------------------------------------------------
    def refresh_areas(self) -> None:
        manifest = self.session.loaded.manifest
        areas = sorted(manifest.areas.values(), key=lambda a: a.title) if manifest else []
        select = self.query_one("#area-filter", Select)
        select.set_options([(Content(a.title), a.id) for a in areas])
        # the area column as wide as the list's longest area id: ids are short, titles give way
        table = self.query_one(ControlTable)
        table.columns = [
            (name, max(len(name), *(len(a.id) for a in areas)) if name == "area" else width)
            for name, width in table.columns
        ]

    def row(self, key: str) -> table_view.Row:
        loaded = self.session.loaded
        if key.startswith(BROKEN):
            return table_view.broken_row(key, key[1:], loaded.broken[key[1:]][0])
        return table_view.control_row(
            loaded.controls[key], self.session.verdict(key), self.session.ballot(key)
        )

    def refresh_rows(self, keep: str | None = None) -> None:
        table = self.query_one(ControlTable)
        keys = self.session.visible()
        table.show(keys, keep=keep or table.current)
        table.border_title = f"{len(keys)} of {self.session.row_count} controls"
        self.show_selected()

    @property
    def selected(self) -> str | None:
        return self.query_one(ControlTable).current

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.session.filter.text = event.value
            self.refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(ControlTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else str(event.value)
        if event.select.id == "status-filter":
            self.session.filter.status = value
        elif event.select.id == "area-filter":
            self.session.filter.area = value
        else:
            return
        self.refresh_rows()

    def on_control_table_highlighted(self, event: ControlTable.Highlighted) -> None:
        self.show_selected()

    # -- keys typed right behind one that opens a form ----------------------------------------
    def on_key(self, event: events.Key) -> None:
        typeahead = self.app.typeahead  # type: ignore[attr-defined]
        if typeahead.holding and event.is_printable:
            event.stop()
            event.prevent_default()
            typeahead.keep(event)
        elif event.key in keys.form_keys(self.app.keymap) and not isinstance(  # type: ignore[attr-defined]
            self.focused, TEXT_BOXES
        ):
            typeahead.hold()  # the key goes on to its binding, which releases what follows

    # -- the layout: which half has the focus ---------------------------------------------------
    @property
    def short(self) -> bool:
        return self.has_class("-stacked") and self.has_class("-short")

    def on_descendant_focus(self, event) -> None:
        # "reading" is the tabs having the focus; on a short terminal it shows them in place of
        # the table (the CSS), and the table comes back with the focus
        tabs = self.query_one("#tabs", TabbedContent)
        self.set_class(tabs in event.widget.ancestors_with_self, "-reading")

    def focus_tabs(self) -> None:
        """Give the focus to the first thing that takes it in the tab in view."""
        tabs = self.query_one("#tabs", TabbedContent)
        pane = tabs.get_pane(tabs.active)
        self.add_class("-reading")  # shown first, so its widgets are in the focus chain
        target: Widget = next(
            (w for w in self.focus_chain if pane in w.ancestors), tabs.query_one("Tabs")
        )
        self.set_focus(target)

    def back_to_table(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.query_one(ControlTable))

    def allows(self, action: str) -> bool:
        """Whether one of this screen's keys acts now (and shows in the footer)."""
        if action == "back_to_table":
            return self.focused is not self.query_one(ControlTable)
        # while a text box has the focus, the letters are typed there: the footer shows the
        # keys of what has the focus, not the table's commands
        return not isinstance(self.focused, TEXT_BOXES)

    # -- panes ----------------------------------------------------------------------------------
    def show_selected(self) -> None:
        """The panes follow the selection once the table has been drawn; keys typed meanwhile
        make one update."""
        if not self.panes_pending:
            self.panes_pending = True
            self.call_after_refresh(self.show_panes)

    def show_panes(self) -> None:
        self.panes_pending = False
        key = self.selected
        pane = self.query_one(DetailPane)
        loaded = self.session.loaded
        if key is None:
            pane.show(detail.NOTHING_SELECTED)
        elif key.startswith(BROKEN):
            pane.show(detail.broken_markdown(key[1:], loaded.broken[key[1:]]))
        else:
            licensing = self.session.destinations.licensing.get(key)
            pane.show(detail.control_page(loaded.controls[key], loaded, licensing))
        # only the tab in view follows the selection (weighing, git log and threads cost);
        # the others catch up when they are shown
        active = self.query_one("#tabs", TabbedContent).active
        for pane_widget in self.query(".control-pane"):
            tab = next(a for a in pane_widget.ancestors if isinstance(a, TabPane))
            if tab.id == active and isinstance(pane_widget, ControlPaneMixin):
                pane_widget.show_control(self.selected_control())

    def selected_control(self) -> str | None:
        """The selected control's id, or None for no selection or a broken file's row."""
        key = self.selected
        return None if key is None or key.startswith(BROKEN) else key

    async def show_tab(self, tab: str) -> None:
        """Bring `tab` into view, its pane made first if it was never shown; on a short
        terminal the tabs take the table's place, with the focus."""
        await self.pane_made(tab)
        self.query_one("#tabs", TabbedContent).active = tab
        if self.short:
            self.focus_tabs()

    async def pane_made(self, tab: str) -> None:
        if tab not in LATER_PANES:
            return
        holder = self.query_one(f"#{tab}", TabPane)
        if not holder.children:
            pane = LATER_PANES[tab][1](self.session, id=f"{tab}-pane")
            await holder.mount(pane)
            # given its control now, not after the next refresh: a key typed into the new pane
            # meanwhile (a comment's first letter) would be wiped by its first showing
            pane.show_control(self.selected_control())

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        await self.pane_made(event.pane.id or "")
        self.show_selected()
