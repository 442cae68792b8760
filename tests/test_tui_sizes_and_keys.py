"""The TUI at the sizes terminals open at, and the key rules: Escape goes back to the table,
typing in a text box never runs a command, quitting with unsent text asks, and the footer
shows the keys of what has the focus. Driven with Pilot on real lists in tmp_path."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import DataTable, TabbedContent

from curator.tui.app import CuratorApp
from curator.tui.screens.confirm import ConfirmScreen
from curator.tui.screens.edit import EditScreen
from curator.tui.widgets.control_table import ControlTable

SMALL = (80, 24)
MEDIUM = (120, 40)
TAB_KEYS = {"d": "detail", "i": "discussion", "w": "weigh", "y": "history", "p": "public"}


def on_screen(app: CuratorApp, selector: str) -> bool:
    """Whether the widget is laid out inside the visible screen (not hidden, not cut off)."""
    widget = app.main.query_one(selector)
    region = widget.region
    width, height = app.size
    return (
        widget.display
        and widget.visible
        and region.width > 0
        and region.height > 0
        and region.right <= width
        and region.bottom <= height
    )


def footer_keys(app: CuratorApp) -> set[str]:
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


@pytest.mark.parametrize("size", [SMALL, MEDIUM], ids=["80x24", "120x40"])
@pytest.mark.parametrize("key", list(TAB_KEYS))
async def test_every_tab_is_reachable_by_its_key(lst, size, key):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await pilot.pause()
        tabs = app.main.query_one("#tabs", TabbedContent)
        assert tabs.active == TAB_KEYS[key]
        assert on_screen(app, f"#{TAB_KEYS[key]}")


async def test_on_a_short_terminal_the_tabs_take_the_tables_place_and_escape_brings_it_back(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        assert on_screen(app, "#controls")
        assert not on_screen(app, "#tabs")
        await pilot.press("w")
        await pilot.pause()
        assert on_screen(app, "#tabs")
        assert not on_screen(app, "#controls")
        await pilot.press("escape")
        await pilot.pause()
        assert on_screen(app, "#controls")
        assert app.screen.focused is app.main.query_one(ControlTable)


async def test_on_a_tall_terminal_the_table_and_the_tabs_show_together(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert on_screen(app, "#controls")
        assert on_screen(app, "#tabs")


@pytest.mark.parametrize("size", [SMALL, MEDIUM], ids=["80x24", "120x40"])
async def test_the_weigh_table_shows_outcome_and_reason_whole(lst, size):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=size) as pilot:
        await pilot.press("w")
        await pilot.pause()
        table = app.main.query_one("#captures", DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels[0] == "item" and labels[-2:] == ["outcome", "reason"]
        # every column fits the pane: nothing is cut off at the right
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        outcomes = [str(table.get_row_at(i)[-2]) for i in range(table.row_count)]
        assert any(o.startswith("overreach (mass market)") for o in outcomes)


async def test_the_what_if_box_is_wide_enough_to_read_an_expression(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert app.main.query_one("#whatif").content_region.width >= 40


async def test_a_thread_shows_several_comments_at_80x24(lst, curator):
    for n in range(3):
        curator("comment", "3A090", "-m", f"comment number {n}", "--as", "industry-1",
                "--list", str(lst.root))  # fmt: skip
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert app.main.query_one("#thread-scroll").region.height >= 12


async def test_post_is_reachable_at_80x24_by_key_and_on_screen(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c", *"captures gaming cards")
        await pilot.pause()
        assert on_screen(app, "#c-post")
        assert "ctrl+s" in footer_keys(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(list((lst.root / "discussion" / "3A090").glob("*-industry-1.toml"))) == 1


@pytest.mark.parametrize("size", [SMALL, MEDIUM], ids=["80x24", "120x40"])
async def test_a_public_comment_can_be_read_and_answered_on_screen(lst, curator, tmp_path, size):
    from tests.public_csv import Row, imported

    rows = [Row(f"abc-1234-wxy{n}", n, f"ECCN 3A090 captures gaming card {n}.") for n in range(8)]
    imported(lst.root, rows, tmp_path)
    app = CuratorApp(lst.root, "observer-1")
    async with app.run_test(size=size) as pilot:
        await pilot.press("p")
        await pilot.pause()
        app.main.query_one("#p-list").focus()
        await pilot.pause()
        for part in ("#p-list", "#p-read", "#p-action", "#p-answer", "#p-response"):
            assert on_screen(app, part), part
        assert app.main.query_one("#p-read").region.height >= 3  # the comment, readable
        app.main.query_one("#p-action").value = "noted"
        app.main.query_one("#p-response").text = "Noted."
        app.main.query_one("#p-answer").press()
        await pilot.pause()
        assert on_screen(app, "#p-problem")  # the refusal, where it can be read
        assert "observers read but do not write" in str(app.main.query_one("#p-problem").render())


async def test_a_draft_hidden_on_a_short_terminal_is_not_posted_by_its_key(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c", *"unsent draft", "escape", "i")
        await pilot.pause()
        assert not on_screen(app, "#c-body")  # the draft kept, its box hidden
        assert "ctrl+s" not in footer_keys(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not (lst.root / "discussion" / "3A090").exists()
        await pilot.press("c")
        await pilot.pause()
        assert app.main.query_one("#c-body").text == "unsent draft"
        assert "ctrl+s" in footer_keys(app)


async def test_the_header_names_who_you_act_as_before_what_a_narrow_terminal_cuts(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL):
        assert app.sub_title.startswith("industry-1 · v1.0")


async def test_the_help_fits_an_80_column_terminal(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        region = app.screen.query_one("#help").region
        assert region.x >= 0 and region.right <= SMALL[0]


async def test_escape_leaves_the_filter_for_the_table(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("slash", *"quantum", "escape")
        await pilot.pause()
        assert app.screen.focused is app.main.query_one(ControlTable)
        assert app.main.query_one("#filter").value == "quantum"


async def test_escape_leaves_the_comment_box_and_keeps_the_draft(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c", *"half a thought", "escape")
        await pilot.pause()
        assert app.screen.focused is app.main.query_one(ControlTable)
        assert app.session.drafts["3A090"].body == "half a thought"


async def test_letters_typed_in_a_text_box_never_run_commands(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("c", *"quit now; sync, edit, reload")
        await pilot.pause()
        assert app.is_running
        assert app.screen is app.main
        assert app.main.query_one("#c-body").text == "quit now; sync, edit, reload"


async def test_the_footer_shows_the_keys_of_what_has_the_focus(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.pause()
        assert {"n", "e", "c"} <= footer_keys(app)
        assert "ctrl+s" not in footer_keys(app)
        await pilot.press("c")
        await pilot.pause()
        assert "ctrl+s" in footer_keys(app)
        assert not {"n", "e", "c", "q"} & footer_keys(app)


async def test_quitting_with_an_unsent_comment_asks_first(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("c", *"not sent yet", "escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and app.screen is app.main
        await pilot.press("q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_quitting_with_nothing_unsent_does_not_ask(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_comment_typed_right_behind_c_keeps_its_first_letter(lst):
    # the keys arrive before the Discussion tab is made: none may be lost or wiped
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        for char in "ccaptures":
            app.post_message(events.Key(char, char))
        for _ in range(100):
            await pilot.pause(0.02)
            if app.main.query("#c-body") and app.main.query_one("#c-body").text == "captures":
                break
        assert app.main.query_one("#c-body").text == "captures"


async def test_letters_typed_right_behind_e_go_to_the_form_not_to_commands(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=MEDIUM) as pilot:
        theme = app.theme
        for char in "et":  # "t" on the table would switch the theme
            app.post_message(events.Key(char, char))
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, EditScreen):
                break
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert app.theme == theme
        assert app.screen.query_one("#f-title").value.endswith("t")
