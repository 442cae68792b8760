"""The edit form edits a whole control: paragraphs added, removed, moved and relabelled, their
criteria checked as typed, Esc asking before it discards; and the Weigh tab's sweep follows the
what-if being typed. Driven with Pilot on real lists in tmp_path."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, TextArea

from curator.core.problems import CuratorError
from curator.store.records import edit
from curator.tui.app import CuratorApp
from curator.tui.screens.confirm import ConfirmScreen
from curator.tui.screens.edit import EditScreen, next_label

SMALL = (80, 24)
MEDIUM = (120, 40)


async def press_button(form: EditScreen, pilot, selector: str) -> None:
    """Press a button of the form from the keyboard, as a reader tabbing through it would."""
    form.query_one(selector).focus()
    await pilot.press("enter")
    await pilot.pause()


async def open_form(app: CuratorApp, pilot) -> EditScreen:
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, EditScreen)
    return app.screen


NOTES = """
[[notes]]
label = "Note 1 to 3A090"
kind = "note"
text = "Gaming cards below 4800 TPP are outside a.2."
defines = ["datacenter"]
"""


def items_on_disk(lst) -> list[dict]:
    return tomllib.loads(lst.read("controls/3A090.toml"))["items"]


def test_an_added_paragraph_is_labelled_after_the_last():
    assert next_label(["a.1", "a.2"]) == "a.3"
    assert next_label(["b.9", "b.10"]) == "b.11"
    assert next_label(["a.1", "a.3", "a.2"]) == "a.4"
    assert next_label([]) == "a.1"
    assert next_label(["intro"]) == "a.1"


async def test_a_paragraph_added_in_the_form_is_saved_with_its_text_and_criteria(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert form.focused is form.query_one("#p-label-2")
        assert form.query_one("#p-label-2", Input).value == "a.3"
        form.query_one("#p-text-2", TextArea).text = "An interconnect of 600 GB/s or more."
        form.query_one("#p-match-2", Input).value = "interconnect >= 600"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
    assert items_on_disk(lst)[2] == {
        "label": "a.3",
        "text": "An interconnect of 600 GB/s or more.",
        "match": "interconnect >= 600",
    }
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


async def test_paragraphs_are_moved_relabelled_and_removed(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#p-down-0")
        assert [e.data()["label"] for e in form.paragraphs] == ["a.2", "a.1"]
        form.query_one("#p-label-1", Input).value = "a"  # a.2, now first
        form.query_one("#p-label-0", Input).value = "b"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [(p["label"], p["match"]) for p in items_on_disk(lst)] == [
        ("a", "datacenter == true and tpp >= 1600 and performance_density >= 5.92"),
        ("b", "tpp >= 4800"),
    ]
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#p-remove-0")
        assert form.focused is form.query_one("#p-label-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [p["label"] for p in items_on_disk(lst)] == ["b"]


async def test_comments_in_the_file_survive_a_paragraph_edit(lst):
    original = lst.read("controls/3A090.toml")
    lst.write("controls/3A090.toml", "# reviewed by the chair\n" + original)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await pilot.press("ctrl+n")
        # text and criteria state the same threshold, as check requires
        form.query_one("#p-text-2", TextArea).text = "A TPP of 9000 or more."
        form.query_one("#p-match-2", Input).value = "tpp >= 9000"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert lst.read("controls/3A090.toml").startswith("# reviewed by the chair\n")
    assert items_on_disk(lst)[2] == {
        "label": "a.3", "text": "A TPP of 9000 or more.", "match": "tpp >= 9000",
    }  # fmt: skip


async def test_a_date_in_the_file_stays_a_date_when_another_field_is_edited(lst):
    in_force = '\n[in_force]\nsince = 2022-10-07\ncitation = "87 FR 62186"\n'
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml") + in_force)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-title", Input).value = "Advanced-computing integrated circuits"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    text = lst.read("controls/3A090.toml")
    assert 'title = "Advanced-computing integrated circuits"' in text
    assert "since = 2022-10-07\n" in text  # not "2022-10-07", a text


async def test_criteria_are_checked_as_typed_with_the_column_of_the_fault(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#p-match-1", Input).value = "tpp >= 1600 and"
        await pilot.pause()
        error = str(form.query_one("#p-error-1").render())
        assert error.startswith("column 16:")
        assert error.splitlines()[-1] == " " * 15 + "^"
        assert str(form.query_one("#p-error-0").render()) == ""
        assert form.query_one("#save").disabled
        form.query_one(
            "#p-match-1", Input
        ).value = "datacenter == true and tpp >= 1600 and performance_density >= 5.92"
        await pilot.pause()
        assert str(form.query_one("#p-error-1").render()) == ""
        assert not form.query_one("#save").disabled


async def test_escape_with_changes_asks_before_discarding(lst):
    before = lst.read("controls/3A090.toml")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#p-text-0", TextArea).text = "half an edit"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#p-text-0", TextArea).text == "half an edit"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard
        await pilot.pause()
        assert not isinstance(app.screen, (EditScreen, ConfirmScreen))
    assert lst.read("controls/3A090.toml") == before


async def test_escape_without_changes_leaves_at_once(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await open_form(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (EditScreen, ConfirmScreen))


async def test_a_new_draft_gets_paragraphs_in_the_form(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#n-id", Input).value = "4A906"
        app.screen.query_one("#n-title", Input).value = "Quantum computers"
        app.screen.query_one("#n-area").value = "quantum"
        await press_button(app.screen, pilot, "#create")
        assert app.main.selected == "4A906"
        form = await open_form(app, pilot)
        assert form.paragraphs == []
        await pilot.press("ctrl+n")
        form.query_one("#p-text-0", TextArea).text = "Anything of 1 TPP or more."
        form.query_one("#p-match-0", Input).value = "tpp >= 1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
    data = tomllib.loads(lst.read("controls/4A906.toml"))
    assert data["items"] == [
        {"label": "a.1", "text": "Anything of 1 TPP or more.", "match": "tpp >= 1"}
    ]
    assert curator("check", "--list", str(lst.root)).code == 0


async def test_at_80x24_every_field_of_the_form_can_be_reached_and_save_is_on_screen(lst):
    with_exception = lst.read("controls/3A090.toml").replace(
        'match = "tpp >= 4800"\n',
        'match = "tpp >= 4800"\n\n[[items.exceptions]]\nname = "NAC/ACA"\n'
        'when = "datacenter == false"\n',
    )
    lst.write("controls/3A090.toml", with_exception + NOTES)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot)
        save = form.query_one("#save")
        seen = []
        for _ in range(60):
            widget = form.focused
            assert widget is not None
            if widget in seen:
                break
            seen.append(widget)
            # what has the focus is scrolled into view, whole enough to see and click
            await pilot.pause()
            under, _ = form.get_widget_at(*widget.region.center)
            assert under is widget or widget in under.ancestors, widget.id
            under, _ = form.get_widget_at(*save.region.center)
            assert under is save
            await pilot.press("tab")
        ids = {w.id for w in seen}
        assert {"f-title", "f-status", "f-reasons", "f-impact", "p-label-1"} <= ids
        assert {"p-text-1", "p-match-1", "p-remove-1", "add-paragraph", "save"} <= ids
        exception, note = form.paragraphs[0].exceptions[0].number, form.notes[0].number
        assert {f"x-{part}-{exception}" for part in ("name", "when", "condition", "remove")} <= ids
        assert {f"nt-{part}-{note}" for part in ("kind", "label", "text", "defines")} <= ids
        assert {"p-add-exception-0", "add-note"} <= ids
        assert "save" in {b.binding.action for b in form.active_bindings.values() if b.binding.show}


async def test_the_sweep_follows_the_what_if_being_typed(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("w")
        await pilot.pause()
        pane = app.main.query_one("#weigh-pane")
        pane.query_one("#sweep-param").value = "tpp"

        def chart() -> str:
            return str(pane.query_one("#sweep-chart").render())

        for _ in range(100):
            if "current tpp 4,800" in chart():
                break
            await pilot.pause(0.05)
        assert "▲ current tpp 4,800" in chart()
        pane.query_one("#whatif").value = "tpp >= 5000"
        for _ in range(100):
            if "current tpp 5,000" in chart():
                break
            await pilot.pause(0.05)
        assert "▲ current tpp 5,000" in chart()
        # half typed, it does not parse: the chart stays that of the last one that did
        pane.query_one("#whatif").value = "tpp >= 5000 and"
        await pilot.pause()
        assert "▲ current tpp 5,000" in chart()


async def test_an_exception_added_to_a_paragraph_is_saved_with_its_condition(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#p-add-exception-0")
        added = form.paragraphs[0].exceptions[0]
        assert form.focused is form.query_one(f"#x-name-{added.number}")
        await pilot.press(*"NAC/ACA")
        form.query_one(f"#x-when-{added.number}", Input).value = "datacenter == false"
        form.query_one(f"#x-condition-{added.number}", TextArea).text = "NAC/ACA: Yes."
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
    assert items_on_disk(lst)[0]["exceptions"] == [
        {"name": "NAC/ACA", "when": "datacenter == false", "condition": "NAC/ACA: Yes."}
    ]
    assert curator("check", "--list", str(lst.root)).code == 0


async def test_an_exceptions_criteria_are_checked_as_typed_at_their_column(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#p-add-exception-1")
        n = form.paragraphs[1].exceptions[0].number
        form.query_one(f"#x-name-{n}", Input).value = "NAC/ACA"
        form.query_one(f"#x-when-{n}", Input).value = "datacenter =="
        await pilot.pause()
        error = str(form.query_one(f"#x-error-{n}").render())
        assert error.startswith("column 14:")
        assert error.splitlines()[-1] == " " * 13 + "^"
        assert form.query_one("#save").disabled
        form.query_one(f"#x-when-{n}", Input).value = "datacenter == true"
        await pilot.pause()
        assert str(form.query_one(f"#x-error-{n}").render()) == ""
        assert not form.query_one("#save").disabled


async def test_an_exception_removed_in_the_form_is_gone_from_the_file(lst):
    lst.write(
        "controls/3A090.toml",
        lst.read("controls/3A090.toml").replace(
            'match = "tpp >= 4800"\n',
            'match = "tpp >= 4800"\n\n[[items.exceptions]]\nname = "NAC/ACA"\n'
            'when = "datacenter == false"\n',
        ),
    )
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        (shown,) = form.paragraphs[0].exceptions
        assert form.query_one(f"#x-when-{shown.number}", Input).value == "datacenter == false"
        await press_button(form, pilot, f"#x-remove-{shown.number}")
        assert form.paragraphs[0].exceptions == []
        assert form.focused is form.query_one("#p-add-exception-0")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert "exceptions" not in items_on_disk(lst)[0]


async def test_notes_are_edited_added_and_removed_in_the_form(lst, curator):
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml") + NOTES)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        (first,) = form.notes
        assert form.query_one(f"#nt-defines-{first.number}", Input).value == "datacenter"
        form.query_one(f"#nt-text-{first.number}", TextArea).text = "Only datacenter chips."
        await press_button(form, pilot, "#add-note")
        added = form.notes[1]
        assert form.focused is form.query_one(f"#nt-label-{added.number}")
        await pilot.press(*"Technical Note 1 to 3A090")
        form.query_one(f"#nt-kind-{added.number}").value = "technical-note"
        form.query_one(f"#nt-text-{added.number}", TextArea).text = "TPP is 2 x MacTOPS x bits."
        form.query_one(f"#nt-defines-{added.number}", Input).value = "tpp, performance_density"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
    notes = tomllib.loads(lst.read("controls/3A090.toml"))["notes"]
    assert notes == [
        {"label": "Note 1 to 3A090", "kind": "note", "text": "Only datacenter chips.",
         "defines": ["datacenter"]},
        {"label": "Technical Note 1 to 3A090", "kind": "technical-note",
         "text": "TPP is 2 x MacTOPS x bits.", "defines": ["performance_density", "tpp"]},
    ]  # fmt: skip
    assert curator("check", "--list", str(lst.root)).code == 0
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, f"#nt-remove-{form.notes[0].number}")
        await pilot.press("ctrl+s")
        await pilot.pause()
    notes = tomllib.loads(lst.read("controls/3A090.toml"))["notes"]
    assert [n["label"] for n in notes] == ["Technical Note 1 to 3A090"]


async def test_a_note_without_text_is_refused_before_saving(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#add-note")
        await pilot.press(*"Note 9 to 3A090")
        await pilot.pause()
        assert form.query_one("#save").disabled
        assert "notes[0].text" in str(form.query_one("#problems").render())


async def test_escape_after_changing_an_exception_asks(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        await press_button(form, pilot, "#p-add-exception-0")
        await pilot.press(*"NAC")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_a_refusal_marks_the_field_it_names_at_its_column(lst, monkeypatch):
    before = lst.read("controls/3A090.toml")

    def refuse(*args, **kwargs):
        raise CuratorError("that title is taken by 3A091", field="title", column=4)

    monkeypatch.setattr(edit, "save_control", refuse)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-summary", TextArea).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, the edits kept
        title = form.query_one("#f-title", Input)
        assert title.has_class("-refused") and form.focused is title
        assert title.cursor_position == 3
        shown = str(form.query_one("#problems").render())
        assert shown == "✗ that title is taken by 3A091 (column 4)"
        await pilot.press("x")  # typing there clears the mark
        assert not title.has_class("-refused")
    assert lst.read("controls/3A090.toml") == before


async def test_a_new_controls_refusal_marks_the_field_it_names(lst, monkeypatch):
    def refuse(*args, **kwargs):
        raise CuratorError("the title must not be empty", field="title")

    monkeypatch.setattr(edit, "create_control", refuse)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#n-id", Input).value = "4A906"
        form.query_one("#n-area").value = "quantum"
        await press_button(form, pilot, "#create")
        assert app.screen is form
        assert str(form.query_one("#n-problem").render()) == "the title must not be empty"
        title = form.query_one("#n-title", Input)
        assert title.has_class("-refused") and form.focused is title
        await pilot.press("x")
        assert not title.has_class("-refused")
