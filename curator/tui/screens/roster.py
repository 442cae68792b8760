"""The roster and the catalogue in forms: the chair adds and removes members and sets roles;
members add and change catalogue items with their sources. Every change goes through the same
store function as `curator member` and `curator item`; their refusals are shown at the fields
they are about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Label, Select, Static

from curator.core.catalogue import ItemFields
from curator.core.model import ROLES, Member
from curator.core.problems import CuratorError, Refused
from curator.core.roster import RosterChange
from curator.tui.session import Session


def labelled(box: Input, name: str) -> Input:
    """A box that keeps saying what it holds once it is filled (its placeholder is gone then)."""
    box.border_title = name
    return box


class RecordsScreen(ModalScreen[None]):
    """A table of records above a form; `FIELDS` name the form's inputs, each with a message line
    under it for the refusals about it."""

    BINDINGS = [Binding("escape", "close", "Close")]
    FIELDS: tuple[str, ...] = ()
    PREFIX = ""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def message_line(self, name: str) -> Static:
        return Static("", id=f"{self.PREFIX}-{name}-msg", classes="field-msg", markup=False)

    def clear_messages(self) -> None:
        for line in self.query(".field-msg"):
            line.update("")  # type: ignore[attr-defined]

    def attempt(self, write: Callable[[], str]) -> None:
        """Run a write; show what it did, or its refusal at the fields it is about (a problem
        about no field, or a refusal of who you are, under the form)."""
        self.clear_messages()
        try:
            done = write()
        except Refused as err:
            for problem in err.problems:
                field = problem.field if problem.field in self.FIELDS else "form"
                line = self.query_one(f"#{self.PREFIX}-{field}-msg", Static)
                shown = str(line.render())
                line.update(f"{shown}\n{problem.render()}".strip())
            return
        except CuratorError as err:
            self.query_one(f"#{self.PREFIX}-form-msg", Static).update(err.message)
            return
        self.fill_table()  # the session re-read the list, and announced it
        self.notify(done, markup=False)

    def rows(self) -> list[tuple[str, ...]]:
        """The table's rows, each led by its record's id."""
        raise NotImplementedError

    def fill_table(self) -> None:
        """The table as the files are now, its cursor on the record in the form (which the
        form then shows as written)."""
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows():
            table.add_row(*row, key=row[0])
        in_form = self.query_one(f"#{self.PREFIX}-id", Input).value.strip()
        if in_form in {row[0] for row in self.rows()}:
            table.move_cursor(row=table.get_row_index(in_form))

    def action_close(self) -> None:
        self.dismiss()


class MembersScreen(RecordsScreen):
    FIELDS = ("id", "name", "email", "role")
    PREFIX = "m"

    def compose(self) -> ComposeResult:
        with Vertical(id="members", classes="dialog records"):
            yield Label("Members (changes are the chair's)", classes="dialog-title")
            yield DataTable(id="m-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="record-form"):
                yield labelled(Input(placeholder="id, e.g. industry-2", id="m-id"), "id")
                yield self.message_line("id")
                yield labelled(Input(placeholder="name", id="m-name"), "name")
                yield self.message_line("name")
                yield labelled(
                    Input(placeholder="email (their git config user.email)", id="m-email"), "email"
                )
                yield self.message_line("email")
                yield Select(
                    [(r, r) for r in ROLES], value="member", allow_blank=False, id="m-role"
                )
                yield self.message_line("role")
            yield self.message_line("form")
            with Horizontal(classes="buttons"):
                yield Button("Add", id="m-add", variant="primary")
                yield Button("Set role", id="m-set-role")
                yield Button("Remove", id="m-remove", variant="error")
                yield Button("Close (esc)", id="m-close")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#m-table", DataTable)
        table.add_columns("id", "role", "name", "email")
        self.fill_table()
        table.focus()

    def rows(self) -> list[tuple[str, ...]]:
        manifest = self.session.loaded.manifest
        return [(m.id, m.role, m.name, m.email) for m in (manifest.members if manifest else ())]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        manifest = self.session.loaded.manifest
        members = manifest.members if manifest else ()
        member = next((m for m in members if m.id == event.row_key.value), None)
        if member is None:
            return
        self.query_one("#m-id", Input).value = member.id
        self.query_one("#m-name", Input).value = member.name
        self.query_one("#m-email", Input).value = member.email
        self.query_one("#m-role", Select).value = member.role

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        member_id = self.query_one("#m-id", Input).value.strip()
        role = str(self.query_one("#m-role", Select).value)
        if event.button.id == "m-add":
            member = Member(
                id=member_id,
                name=self.query_one("#m-name", Input).value,
                role=role,
                email=self.query_one("#m-email", Input).value.strip(),
            )
            self.attempt(lambda: _added(session.add_member(member), member))
        elif event.button.id == "m-set-role":
            self.attempt(lambda: _role_set(session.set_role(member_id, role), member_id, role))
        elif event.button.id == "m-remove":
            self.attempt(lambda: _removed(session.remove_member(member_id), member_id))
        else:
            self.action_close()


def _added(done: RosterChange, member: Member) -> str:
    return f"Added {member.id} as {member.role}{done.handover()}"


def _role_set(done: RosterChange, member_id: str, role: str) -> str:
    if not done.changed:
        return f"{member_id} is already {role}"
    return f"{member_id} is now {role}{done.handover()}"


def _removed(done: RosterChange, member_id: str) -> str:
    return f"Removed {member_id}" if done.changed else f"{member_id} is not a member"


class ItemsScreen(RecordsScreen):
    FIELDS = ("id", "name", "maker", "origin", "kind", "notes", "param", "source")
    PREFIX = "i"

    def compose(self) -> ComposeResult:
        with Vertical(id="items", classes="dialog records"):
            yield Label("Catalogue items", classes="dialog-title")
            yield DataTable(id="i-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="record-form"):
                for name, hint in (
                    ("id", "id, e.g. h100-sxm (the file name)"),
                    ("name", "product name"),
                    ("maker", "maker"),
                    ("origin", "origin, ISO 3166-1 alpha-2, e.g. US"),
                    ("kind", "kind, e.g. ai-accelerator"),
                    ("notes", "caveats on the figures"),
                    ("param", "parameters: tpp=4992, datacenter=true"),
                    ("source", "a source to add: URL or citation"),
                ):
                    yield labelled(Input(placeholder=hint, id=f"i-{name}"), name)
                    yield self.message_line(name)
                with Horizontal(classes="row"):
                    yield Checkbox("mass market", id="i-mass-market")
            yield self.message_line("form")
            with Horizontal(classes="buttons"):
                yield Button("Add new", id="i-new", variant="primary")
                yield Button("Save changes", id="i-set")
                yield Button("Close (esc)", id="i-close")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#i-table", DataTable)
        table.add_columns("id", "name", "origin", "sources")
        self.fill_table()
        table.focus()

    def rows(self) -> list[tuple[str, ...]]:
        items = sorted(self.session.loaded.catalogue.values(), key=lambda i: i.id)
        return [(i.id, i.name, i.origin, str(len(i.sources))) for i in items]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        item = self.session.loaded.catalogue.get(str(event.row_key.value))
        if item is None:
            return
        for name in ("id", "name", "maker", "origin", "kind", "notes"):
            self.query_one(f"#i-{name}", Input).value = getattr(item, name)
        params = ", ".join(
            f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in item.params.items()
        )
        self.query_one("#i-param", Input).value = params
        self.query_one("#i-source", Input).value = ""
        self.query_one("#i-mass-market", Checkbox).value = item.mass_market

    def fields(self) -> ItemFields:
        def text(name: str) -> str | None:
            return self.query_one(f"#i-{name}", Input).value.strip() or None

        params = self.query_one("#i-param", Input).value.replace(",", " ").split()
        source = text("source")
        return ItemFields(
            name=text("name"),
            maker=text("maker"),
            origin=text("origin"),
            kind=text("kind"),
            notes=text("notes"),
            mass_market=self.query_one("#i-mass-market", Checkbox).value,
            params=tuple(params),
            sources=(source,) if source else (),
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        item_id = self.query_one("#i-id", Input).value.strip()
        if event.button.id == "i-new":
            self.attempt(lambda: _created(session.create_item(item_id, self.fields())))
        elif event.button.id == "i-set":
            self.attempt(lambda: _updated(session.change_item(item_id, self.fields()), item_id))
        else:
            self.action_close()


def _created(path: Path) -> str:
    return f"Created catalogue/{path.name}"


def _updated(path: Path | None, item_id: str) -> str:
    return f"catalogue/{item_id}.toml: {'updated' if path else 'unchanged'}"
