"""The edit form edits a whole control: paragraphs added, removed, moved and relabelled, their
criteria checked as typed, Esc asking before it discards; and the Weigh tab's sweep follows the
what-if being typed. Driven with Pilot on real lists in tmp_path."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, TextArea

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
