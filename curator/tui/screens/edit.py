"""Editing a control in a form, validated as you type by the same schema and parser as `check`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from curator.core import criteria, lifecycle, records
from curator.core.criteria import ExprError
from curator.core.model import (
    NOTE_KINDS,
    PLURILATERAL,
    UNILATERAL,
    VISIBILITIES,
    Control,
    LicenseException,
    Note,
    Paragraph,
    Parameter,
)
from curator.core.problems import CuratorError
from curator.store.formats.atomic import ChangedOnDisk
from curator.store.records.edit import control_problems, read_for_edit
from curator.tui.screens.confirm import ConfirmScreen
from curator.tui.session import Session
from curator.tui.views.weigh import parse_error

TEXTS = ("summary", "rationale", "impact")


def next_label(labels: Sequence[str]) -> str:
    """A label for a paragraph added after `labels`: the last one's final number plus one
    ("a.2" → "a.3"), or the first free "a.N" when it does not end in a number."""
    head, dot, tail = (labels[-1] if labels else "").rpartition(".")
    if not (dot and tail.isdigit()):
        head, tail = "a", "0"
    n = int(tail) + 1
    while f"{head}.{n}" in labels:
        n += 1
    return f"{head}.{n}"


class ConflictScreen(ModalScreen[str]):
    """The file changed on disk while you edited it: reload, overwrite, or keep editing."""

    BINDINGS = [Binding("escape", "dismiss('keep')", "Keep editing")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict", classes="dialog"):
            yield Label(f"{self.path} changed on disk since you opened it.")
            yield Label("Reload loses your edits; overwrite loses the other change.")
            with Horizontal(classes="buttons"):
                yield Button("Reload", id="reload", variant="primary")
                yield Button("Overwrite", id="overwrite", variant="error")
                yield Button("Keep editing", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


def check_criteria(box: Input, out: Static, parameters: Mapping[str, Parameter]) -> None:
    """A criteria expression parsed as typed; a refusal is shown under the box, at its column."""
    try:
        if box.value.strip():
            criteria.parse(box.value, parameters)
    except ExprError as err:
        out.update(parse_error(err, box.value))
    else:
        out.update("")


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class ExceptionEditor(Vertical):
    """A licence exception a paragraph makes available: its name, the criteria of the items it
    is for (checked as typed), and the condition in the regulation's words."""

    def __init__(self, number: int, exception: LicenseException) -> None:
        super().__init__(classes="exception")
        self.number = number
        self.original = exception

    def compose(self) -> ComposeResult:
        n, e = self.number, self.original
        with Horizontal(classes="row"):
            yield Label("Exception", classes="caption")
            yield Input(e.name, placeholder="name, e.g. NAC/ACA", id=f"x-name-{n}", classes="label")
            yield Button("Remove", id=f"x-remove-{n}", variant="warning", classes="move")
        yield Input(
            e.when, placeholder="for items where, e.g. datacenter == false", id=f"x-when-{n}"
        )
        yield Static("", id=f"x-error-{n}", classes="criteria-error")
        yield TextArea(e.condition, id=f"x-condition-{n}", classes="prose")

    def data(self) -> dict[str, Any]:
        n = self.number
        out = {
            "name": self.query_one(f"#x-name-{n}", Input).value.strip(),
            "when": self.query_one(f"#x-when-{n}", Input).value.strip(),
        }
        condition = self.query_one(f"#x-condition-{n}", TextArea).text
        return {**out, "condition": condition} if condition.strip() else out

    def check_criteria(self, parameters: Mapping[str, Parameter]) -> None:
        n = self.number
        check_criteria(
            self.query_one(f"#x-when-{n}", Input),
            self.query_one(f"#x-error-{n}", Static),
            parameters,
        )


class NoteEditor(Vertical):
    """A Note or Technical Note of the control: its label as cited, its kind, its text, and the
    parameters it defines."""

    def __init__(self, number: int, note: Note) -> None:
        super().__init__(classes="note")
        self.number = number
        self.original = note

    def compose(self) -> ComposeResult:
        n, note = self.number, self.original
        with Horizontal(classes="row"):
            yield Select(
                [(k, k) for k in NOTE_KINDS], value=note.kind, allow_blank=False, id=f"nt-kind-{n}"
            )
            yield Button("Remove", id=f"nt-remove-{n}", variant="warning", classes="move")
        yield Input(note.label, placeholder="label, e.g. Note 2 to 3A090", id=f"nt-label-{n}")
        yield TextArea(note.text, id=f"nt-text-{n}", classes="prose")
        yield Input(
            ", ".join(note.defines),
            placeholder="parameters it defines, comma-separated",
            id=f"nt-defines-{n}",
        )

    def data(self) -> dict[str, Any]:
        n = self.number
        out: dict[str, Any] = {
            "label": self.query_one(f"#nt-label-{n}", Input).value.strip(),
            "kind": self.query_one(f"#nt-kind-{n}", Select).value,
            "text": self.query_one(f"#nt-text-{n}", TextArea).text,
        }
        defines = sorted(_listed(self.query_one(f"#nt-defines-{n}", Input).value))  # as stored
        return {**out, "defines": defines} if defines else out


class ParagraphEditor(Vertical):
    """One paragraph of the control: its label, text, criteria and licence exceptions, with
    buttons to move it up or down or remove it. `number` keeps its widgets' ids stable while
    paragraphs move; `numbers` numbers its exceptions' (shared with the whole form)."""

    def __init__(self, number: int, paragraph: Paragraph, numbers: count) -> None:
        super().__init__(classes="paragraph")
        self.number = number
        self.numbers = numbers
        self.original = paragraph  # an applied amendment stays credited while its match stands

    def compose(self) -> ComposeResult:
        n, p = self.number, self.original
        with Horizontal(classes="row"):
            yield Label("Paragraph", classes="caption")
            yield Input(p.label, placeholder="label, e.g. a.1", id=f"p-label-{n}", classes="label")
            yield Button("↑", id=f"p-up-{n}", classes="move", tooltip="Move up")
            yield Button("↓", id=f"p-down-{n}", classes="move", tooltip="Move down")
            yield Button("Remove", id=f"p-remove-{n}", variant="warning", classes="move")
        yield TextArea(p.text, id=f"p-text-{n}", classes="prose")
        yield Input(p.match, placeholder="criteria, e.g. tpp >= 4800", id=f"p-match-{n}")
        yield Static("", id=f"p-error-{n}", classes="criteria-error")
        with Vertical(id=f"p-exceptions-{n}", classes="exceptions"):
            for e in p.exceptions:
                yield ExceptionEditor(next(self.numbers), e)
        yield Button("Add exception", id=f"p-add-exception-{n}", classes="add")

    @property
    def exceptions(self) -> list[ExceptionEditor]:
        return list(self.query_one(f"#p-exceptions-{self.number}").query_children(ExceptionEditor))

    async def add_exception(self) -> ExceptionEditor:
        editor = ExceptionEditor(next(self.numbers), LicenseException(name="", when=""))
        await self.query_one(f"#p-exceptions-{self.number}").mount(editor)
        return editor

    def data(self) -> dict[str, Any]:
        n = self.number
        item: dict[str, Any] = {"label": self.query_one(f"#p-label-{n}", Input).value.strip()}
        text = self.query_one(f"#p-text-{n}", TextArea).text
        match = self.query_one(f"#p-match-{n}", Input).value.strip()
        if text:
            item["text"] = text
        if match:
            item["match"] = match
        if self.original.amended_by and match == self.original.match:
            item["amended_by"] = self.original.amended_by
        exceptions = [e.data() for e in self.exceptions]
        if exceptions:
            item["exceptions"] = exceptions
        return item

    def check_criteria(self, parameters: Mapping[str, Parameter]) -> None:
        n = self.number
        check_criteria(
            self.query_one(f"#p-match-{n}", Input),
            self.query_one(f"#p-error-{n}", Static),
            parameters,
        )


class EditScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+n", "add_paragraph", "Add paragraph", id="add_paragraph"),
    ]
    # the form's fields by the names a refusal (CuratorError.field) gives them
    FIELDS = ("title", "status", "visibility", "regime", "reasons", *TEXTS)

    def __init__(self, session: Session, control_id: str) -> None:
        super().__init__()
        self.session = session
        self.control_id = control_id
        self.text, self.digest = read_for_edit(session.root, control_id)
        self.control: Control = session.loaded.controls[control_id]
        self.numbers = count()
        self.opened: dict[str, Any] = {}  # the form as it was opened: Esc asks if it changed

    def compose(self) -> ComposeResult:
        c = self.control
        member = self.session.member
        statuses = (c.status, *lifecycle.allowed_transitions(c, member))
        with Vertical(id="edit", classes="dialog"):
            yield Label(f"Edit {c.id}", classes="dialog-title")
            with VerticalScroll(id="edit-fields"):
                yield Label("Title")
                yield Input(c.title, id="f-title")
                with Horizontal(classes="row"):
                    yield Select(
                        [(s, s) for s in statuses], value=c.status, allow_blank=False, id="f-status"
                    )
                    yield Select(
                        [(v, v) for v in VISIBILITIES],
                        value=c.visibility,
                        allow_blank=False,
                        id="f-visibility",
                    )
                    manifest = self.session.loaded.manifest
                    declared = [*(manifest.regimes if manifest else ()), PLURILATERAL, UNILATERAL]
                    if c.regime and c.regime not in declared:
                        declared.append(c.regime)  # an undeclared one (check reports it) stays
                    yield Select(
                        [(r, r) for r in declared],
                        value=c.regime or Select.NULL,
                        prompt="regime",
                        id="f-regime",
                    )
                yield Label("Reasons for control (comma-separated, e.g. NS1, AT1, RS)")
                yield Input(", ".join(c.reasons), id="f-reasons")
                for name in TEXTS:
                    yield Label(name.capitalize())
                    yield TextArea(getattr(c, name), id=f"f-{name}", classes="prose")
                with Vertical(id="paragraphs"):
                    for p in c.items:
                        yield ParagraphEditor(next(self.numbers), p, self.numbers)
                yield Button("Add paragraph (ctrl+n)", id="add-paragraph")
                yield Label("Notes and Technical Notes")
                with Vertical(id="notes"):
                    for note in c.notes:
                        yield NoteEditor(next(self.numbers), note)
                yield Button("Add note", id="add-note")
            yield Static("", id="problems")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-title").focus()
        for editor in self.query(ParagraphEditor):
            editor.check_criteria(self.session.loaded.parameters)
        for exception in self.query(ExceptionEditor):
            exception.check_criteria(self.session.loaded.parameters)
        self.revalidate()
        self.opened = self.data()

    # -- paragraphs ---------------------------------------------------------------------------
    @property
    def paragraphs(self) -> list[ParagraphEditor]:
        return list(self.query_one("#paragraphs").query_children(ParagraphEditor))

    async def action_add_paragraph(self) -> None:
        """A new paragraph at the end, labelled after the last one; the focus goes to its
        label."""
        labels = [e.data()["label"] for e in self.paragraphs]
        editor = ParagraphEditor(
            next(self.numbers), Paragraph(label=next_label(labels)), self.numbers
        )
        await self.query_one("#paragraphs").mount(editor)
        self.query_one(f"#p-label-{editor.number}", Input).focus()
        self.revalidate()

    def move_paragraph(self, editor: ParagraphEditor, step: int) -> None:
        editors = self.paragraphs
        at = editors.index(editor) + step
        if 0 <= at < len(editors):
            holder = self.query_one("#paragraphs")
            if step < 0:
                holder.move_child(editor, before=editors[at])
            else:
                holder.move_child(editor, after=editors[at])
            self.revalidate()

    async def remove_paragraph(self, editor: ParagraphEditor) -> None:
        editors = self.paragraphs
        at = editors.index(editor)
        await editor.remove()
        rest = self.paragraphs
        # the focus stays in the paragraphs, on the one that took the removed one's place
        if rest:
            self.query_one(f"#p-label-{rest[min(at, len(rest) - 1)].number}", Input).focus()
        else:
            self.query_one("#add-paragraph", Button).focus()
        self.revalidate()

    @property
    def notes(self) -> list[NoteEditor]:
        return list(self.query_one("#notes").query_children(NoteEditor))

    async def add_note(self) -> None:
        editor = NoteEditor(next(self.numbers), Note(label="", kind="note", text=""))
        await self.query_one("#notes").mount(editor)
        self.query_one(f"#nt-label-{editor.number}", Input).focus()
        self.revalidate()

    async def remove_part(self, part: Widget, after: str) -> None:
        """Remove an exception or a note; the focus goes to `after` (its Add button)."""
        await part.remove()
        self.query_one(after).focus()
        self.revalidate()

    # -- the form as data ---------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        base = records.control_to(self.control)

        def value(selector: str) -> Any:
            widget = self.query_one(selector)
            if isinstance(widget, TextArea):
                return widget.text
            if isinstance(widget, Select):
                return "" if widget.is_blank() else widget.value
            assert isinstance(widget, Input)
            return widget.value

        base["title"] = value("#f-title")
        base["status"] = value("#f-status")
        base["visibility"] = value("#f-visibility")
        for key, found in (("regime", value("#f-regime")),):
            if found:
                base[key] = found
            else:
                base.pop(key, None)
        reasons = [r.strip() for r in value("#f-reasons").split(",") if r.strip()]
        if reasons:
            base["reasons"] = reasons
        else:
            base.pop("reasons", None)
        for name in TEXTS:
            text = value(f"#f-{name}")
            if text:
                base[name] = text
            else:
                base.pop(name, None)
        for key, found in (
            ("items", [editor.data() for editor in self.paragraphs]),
            ("notes", [editor.data() for editor in self.notes]),
        ):
            if found:
                base[key] = found
            else:
                base.pop(key, None)
        return base

    def revalidate(self) -> list[str]:
        problems = control_problems(self.data(), self.session.loaded)
        status = self.query_one("#f-status", Select).value
        member = self.session.member
        if status != self.control.status and member is not None:
            try:
                lifecycle.check_transition(self.control, str(status), member)
            except CuratorError as err:
                problems.append(f"status: {err.message}")
        if not problems and member is not None and member.role != "chair":
            # the rest of what only the chair may change (verify holds history to the same)
            kept = {**self.data(), "status": self.control.status}
            edited = records.control_from(kept, self.control.file)
            reserved = lifecycle.reserved_changes(self.control, edited, member.id)
            problems.extend(f"only the chair may do this: {what}" for what in reserved)
        self.query_one("#problems", Static).update(
            Content.styled("\n".join(f"✗ {p}" for p in problems), "red")
            if problems
            else Content.styled("✓ valid", "green")
        )
        self.query_one("#save", Button).disabled = bool(problems)
        return problems

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def changed(self, event) -> None:
        event.stop()
        widget = event.control
        widget.remove_class("-refused")
        if widget.id and widget.id.startswith(("p-match-", "x-when-")):
            editor = next(
                a for a in widget.ancestors if isinstance(a, (ParagraphEditor, ExceptionEditor))
            )
            editor.check_criteria(self.session.loaded.parameters)
        self.revalidate()

    # -- save ---------------------------------------------------------------------------------
    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        editor = next((a for a in event.button.ancestors if isinstance(a, ParagraphEditor)), None)
        part = event.button.parent.parent if event.button.parent else None
        if button == "save":
            self.action_save()
        elif button == "cancel":
            self.action_cancel()
        elif button == "add-paragraph":
            await self.action_add_paragraph()
        elif button == "add-note":
            await self.add_note()
        elif isinstance(part, NoteEditor):  # its Remove
            await self.remove_part(part, "#add-note")
        elif editor is not None and isinstance(part, ExceptionEditor):  # its Remove
            await self.remove_part(part, f"#p-add-exception-{editor.number}")
        elif editor is not None and button.startswith("p-add-exception-"):
            added = await editor.add_exception()
            self.query_one(f"#x-name-{added.number}", Input).focus()
            self.revalidate()
        elif editor is not None and button.startswith("p-remove-"):
            await self.remove_paragraph(editor)
        elif editor is not None:
            self.move_paragraph(editor, -1 if button.startswith("p-up-") else 1)

    def action_cancel(self) -> None:
        """Leave the form; with changes, only once you say to discard them."""
        if self.data() == self.opened:
            self.dismiss(False)
            return
        question = f"Discard your edits to {self.control_id}?"
        self.app.push_screen(
            ConfirmScreen(question, "Discard", "Keep editing"), self.discard_if_confirmed
        )

    def discard_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.dismiss(False)

    def show_refusal(self, err: CuratorError) -> None:
        """A refusal under the form and as a notification; the field it names (`err.field`)
        marked, given the focus, with the cursor at `err.column` in it."""
        self.notify(err.message, severity="error")
        where = f" (column {err.column})" if err.column else ""
        self.query_one("#problems", Static).update(Content.styled(f"✗ {err.message}{where}", "red"))
        if err.field not in self.FIELDS:
            return
        widget = self.query_one(f"#f-{err.field}")
        widget.add_class("-refused")
        widget.focus()
        if isinstance(widget, Input) and err.column:  # once the focus has put it at the end
            self.call_after_refresh(setattr, widget, "cursor_position", err.column - 1)

    def action_save(self, expected: str | None = None) -> None:
        try:
            self.session.writer()
        except CuratorError as err:
            self.show_refusal(err)
            return
        if self.revalidate():
            self.notify("Fix the problems shown before saving.", severity="error")
            return
        data = self.data()
        new_status = data["status"]
        data["status"] = self.control.status  # a status change goes through the lifecycle below
        try:  # announces ControlSaved
            self.session.save_control(data, expected or self.digest, self.text)
        except ChangedOnDisk:
            self.app.push_screen(ConflictScreen(self.control.file), self.resolve_conflict)
            return
        except CuratorError as err:  # refused, or the disk refused (full, read-only): stay open
            self.show_refusal(err)
            return
        if new_status != self.control.status:
            try:
                self.session.change_status(
                    self.control_id, new_status, "Status changed in the editor."
                )
            except CuratorError as err:
                self.notify(err.message, severity="error")
        self.dismiss(True)

    def resolve_conflict(self, choice: str | None) -> None:
        if choice == "overwrite":
            _, current = read_for_edit(self.session.root, self.control_id)
            self.action_save(expected=current)
        elif choice == "reload":
            self.session.reload()
            self.dismiss(False)
            self.app.call_later(self.app.run_action, "edit_control")
