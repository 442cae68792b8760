"""The terminal UI, driven with Textual's Pilot on real lists in tmp_path."""

from __future__ import annotations

import tomllib

import pytest
from textual import events

from curator.tui import keys
from curator.tui.app import CuratorApp
from curator.tui.screens.edit import ConflictScreen, EditScreen
from curator.tui.widgets.control_table import ControlTable

SIZE = (120, 40)


async def settle(pilot, condition, tries: int = 100) -> bool:
    """Let workers run until `condition()` holds (no wall-clock assertions)."""
    for _ in range(tries):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def table(app: CuratorApp) -> ControlTable:
    return app.main.query_one(ControlTable)


async def test_filter_narrows_the_rows_as_you_type(lst, curator):
    curator("new", "4A906", "--title", "Quantum computers", "--area", "quantum",
            "--list", str(lst.root), "--as", "chair")  # fmt: skip
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        assert table(app).keys == ["3A090", "4A906"]
        await pilot.press("slash", *"quantum")
        assert table(app).keys == ["4A906"]
        await pilot.press(*["backspace"] * 7, *"performance")
        assert table(app).keys == ["3A090"]


async def test_keys_typed_right_behind_slash_go_to_the_filter(lst):
    # a fast typist (or a paste): the keys are queued before "/" is handled; "q" must not quit
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        for key, char in [("slash", "/"), *((c, c) for c in "quantum")]:
            app.post_message(events.Key(key, char))
        await settle(pilot, lambda: not app.is_running or app.main.query_one("#filter").value)
        assert app.is_running
        assert app.main.query_one("#filter").value == "quantum"


async def test_keys_typed_right_behind_enter_in_the_filter_go_to_the_table(lst, curator):
    # the mirror case: Enter hands the focus to the table, and "q" queued behind it must quit,
    # not end up in the filter
    curator("new", "4A906", "--title", "Quantum computers", "--area", "quantum",
            "--list", str(lst.root), "--as", "chair")  # fmt: skip
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"quantum")
        assert table(app).keys == ["4A906"]
        for key, char in [("enter", None), ("q", "q")]:
            app.post_message(events.Key(key, char))
        await settle(pilot, lambda: not app.is_running)
        assert not app.is_running
        assert app.main.query_one("#filter").value == "quantum"


# "/" is left out: the table hands the focus to the filter the moment "/" reaches it, before
# the "q" queued ahead of it has bubbled up to its binding, so the app does not quit then
@pytest.mark.parametrize("key", [a.key for a in keys.ACTIONS if a.key != "slash"])
async def test_a_key_typed_right_behind_q_leaves_cleanly(lst, key):
    # both keys are queued before `q` is handled: the second must start nothing on an app
    # that is being taken down (it mounted a pane there: a MountError on exit)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name in ("q", key):
            app.post_message(events.Key(name, keys.display_key(name)))
        assert await settle(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_status_filter(lst, curator):
    curator(
        "new",
        "4A906",
        "--title",
        "Q",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "chair",
    )
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#status-filter").value = "draft"
        await pilot.pause()
        assert table(app).keys == ["4A906"]


async def test_open_a_control_and_read_its_paragraphs(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        markdown = app.main.query_one("#detail-md").source
        assert "# 3A090 — Integrated circuits for advanced computing" in markdown
        assert "### 3A090.a.2" in markdown
        assert "datacenter == true and tpp >= 1600" in markdown
        assert "total processing performance ≥ 4,800" in markdown


async def test_post_a_comment_with_a_position_shows_in_thread_and_ballot_mark(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"captures gaming cards")
        pane = app.main.query_one("#discussion-pane")
        pane.query_one("#c-position").value = "too-tight"
        await pilot.pause()
        await pilot.click("#c-post")
        await pilot.pause()
        assert len(list((lst.root / "discussion" / "3A090").glob("*-industry-1.toml"))) == 1
        assert "captures gaming cards" in pane.query_one("#thread").source
        assert "industry-1: too-tight" in str(pane.query_one("#ballot").render())
        assert table(app)._row("3A090").cells[4].endswith("0/1")


async def test_an_unsent_draft_survives_switching_controls_and_reloads(lst, curator):
    curator(
        "new",
        "4A906",
        "--title",
        "Q",
        "--area",
        "quantum",
        "--list",
        str(lst.root),
        "--as",
        "chair",
    )
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"half a thought")
        app.main.query_one(ControlTable).focus()
        await pilot.press("down")
        await pilot.pause()
        app.action_reload()
        await pilot.press("up")
        await pilot.pause()
        assert app.main.query_one("#c-body").text == "half a thought"


async def test_non_member_writes_are_refused_visibly(lst):
    app = CuratorApp(lst.root, "observer-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
        assert any("observers read but do not write" in n.message for n in app._notifications)


async def test_a_stranger_is_told_how_to_be_known_as_a_member(lst, monkeypatch):
    monkeypatch.delenv("CURATOR_MEMBER", raising=False)
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "stranger@example.com")
    app = CuratorApp(lst.root, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
        [said] = [n.message for n in app._notifications if n.title == "Read-only"]
        assert "is not a member of this list: start curator with --as MEMBER" in said


async def test_what_if_changes_the_captured_set_live(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        pane = app.main.query_one("#weigh-pane")
        assert "too-tight" in str(pane.query_one("#verdict").render())
        pane.query_one("#whatif").value = "tpp >= 4800 and interconnect >= 600"
        await pilot.pause()
        result = str(pane.query_one("#whatif-result").render())
        assert "released: a800, l4" in result  # items with no interconnect figure are unknown
        assert "too-tight → too-loose" in result
        pane.query_one("#whatif").value = "tpp >= 4800 and"
        await pilot.pause()
        assert "column 16" in str(pane.query_one("#whatif-result").render())


async def test_sweep_chart_says_where_the_verdict_would_be_balanced(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        pane = app.main.query_one("#weigh-pane")
        pane.query_one("#sweep-param").value = "tpp"
        assert await settle(
            pilot, lambda: "balanced" in str(pane.query_one("#sweep-chart").render())
        )
        chart = str(pane.query_one("#sweep-chart").render())
        assert "without leaks, the fewest captures too tight (1) are at 4,800 – 5,285" in chart
        assert "▲ current tpp 4,800" in chart


async def test_edit_and_save_leaves_a_valid_canonical_file(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, EditScreen)
        screen.query_one("#f-title").value = "Advanced computing integrated circuits"
        screen.query_one("#p-match-0").value = "tpp >= 5000"
        # the text states the threshold too: a text and criteria that disagree are refused
        screen.query_one("#p-text-0").load_text("A 'total processing performance' of 5000 or more.")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
    data = tomllib.loads(lst.read("controls/3A090.toml"))
    assert data["title"] == "Advanced computing integrated circuits"
    assert data["items"][0]["match"] == "tpp >= 5000"
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


async def test_edit_validates_as_you_type_and_blocks_saving(lst):
    before = lst.read("controls/3A090.toml")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#p-match-0").value = "tps >= 5000"
        await pilot.pause()
        assert "unknown parameter 'tps'" in str(screen.query_one("#problems").render())
        assert screen.query_one("#save").disabled
        await pilot.press("ctrl+s")
    assert lst.read("controls/3A090.toml") == before


async def test_a_member_cannot_make_a_control_public_in_the_editor(lst):
    text = lst.read("controls/3A090.toml").replace('"public"', '"committee"')
    lst.write("controls/3A090.toml", text)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#f-visibility").value = "public"
        await pilot.pause()
        shown = str(screen.query_one("#problems").render())
        assert "only the chair may do this: making 3A090 public" in shown
        assert screen.query_one("#save").disabled
        await pilot.press("ctrl+s")
    assert lst.read("controls/3A090.toml") == text


async def test_save_asks_when_the_file_changed_on_disk(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#f-title").value = "Mine"
        # someone else saves the file meanwhile
        theirs = lst.read("controls/3A090.toml").replace("Integrated circuits for", "Theirs:")
        lst.write("controls/3A090.toml", theirs)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        assert lst.read("controls/3A090.toml") == theirs  # nothing overwritten silently
        await pilot.click("#overwrite")
        await pilot.pause()
    assert 'title = "Mine"' in lst.read("controls/3A090.toml")


async def test_broken_file_is_a_broken_row_not_a_crash(lst):
    lst.write("controls/3A091.toml", 'id = "3A091"\ntitle = \n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        assert table(app).keys == ["3A090", "!controls/3A091.toml"]
        row = table(app)._row("!controls/3A091.toml")
        assert row.broken and row.cells[1].startswith("broken: not valid TOML")
        await pilot.press("down")
        await pilot.pause()
        assert "Broken file: controls/3A091.toml" in app.main.query_one("#detail-md").source


async def test_a_broken_files_row_has_no_public_comments_and_takes_no_comment(
    lst, curator, tmp_path
):
    from tests.public_csv import Row, imported

    imported(lst.root, [Row("abc-1234-wxyz", 2, "ECCN 3A090 is broad.")], tmp_path)
    lst.write("controls/3A091.toml", 'id = "3A091"\ntitle = \n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "p")
        await pilot.pause()
        assert app.main.query_one("#p-list").row_count == 0  # not the whole docket's
        await pilot.press("c", *"a thought", "ctrl+s")
        await pilot.pause()
        assert any("Select a control" in n.message for n in app._notifications)
    assert not (lst.root / "discussion").exists()


async def test_new_control_form_uses_the_same_rules_as_the_cli(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        screen.query_one("#n-id").value = "3A090"
        screen.query_one("#n-title").value = "Again"
        screen.query_one("#n-area").value = "advanced-computing"
        await pilot.click("#create")
        assert "already exists" in str(screen.query_one("#n-problem").render())
        screen.query_one("#n-id").value = "4A906"
        await pilot.pause()
        screen.query_one("#create").press()
        await pilot.pause()
    assert 'proposed_by = "industry-1"' in lst.read("controls/4A906.toml")


async def test_files_changed_on_disk_appear_without_restarting(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        curator(
            "new",
            "4A906",
            "--title",
            "Q",
            "--area",
            "quantum",
            "--list",
            str(lst.root),
            "--as",
            "chair",
        )
        app.watch_disk()
        assert await settle(pilot, lambda: "4A906" in table(app).keys)


async def test_help_lists_every_key_and_palette_has_every_action(lst):
    from curator.tui.keys import ACTIONS, display_key

    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        source = app.screen.query_one("Markdown").source
        for action in ACTIONS:
            assert f"`{display_key(action.key)}`" in source
        await pilot.press("escape")
        from curator.tui.commands import CuratorCommands

        provider = CuratorCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert len(titles) == len(ACTIONS)


async def test_theme_toggles_between_light_and_dark(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        before = app.theme
        await pilot.press("t")
        assert app.theme != before


async def test_history_shows_versions_and_the_semantic_diff(lst):
    import subprocess

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=Chair", "-c", "user.email=chair@example.org", *args],
            cwd=lst.root, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    lst.write(
        "controls/3A090.toml", lst.read("controls/3A090.toml").replace("tpp >= 4800", "tpp >= 6000")
    )
    git("commit", "-qam", "raise a.1")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        pane = app.main.query_one("#history-pane")
        assert await settle(pilot, lambda: pane.query_one("#versions").row_count == 2)
        pane.query_one("#versions").focus()
        await pilot.press("down")
        await pilot.pause()
        text = str(pane.query_one("#version-diff").render())
        assert "effect: loosened" in text
        assert "released: ascend-910b, rtx-4090" in text
        assert await settle(pilot, lambda: "0 uncommitted" in app.sub_title)


async def test_status_change_in_the_editor_records_the_transition(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = app.screen
        options = [str(v) for _, v in screen.query_one("#f-status")._options]
        assert "recommended" not in options  # chair only: not offered to a member
        screen.query_one("#f-status").value = "under-review"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said.count("Saved controls/3A090.toml") == 1  # once, not once per listener
        assert said.count("3A090 is now under-review") == 1
    assert 'status = "under-review"' in lst.read("controls/3A090.toml")
    [comment] = (lst.root / "discussion" / "3A090").glob("*-industry-1.toml")
    assert (
        'from = "proposed"' in comment.read_text() and 'to = "under-review"' in comment.read_text()
    )


async def test_public_comments_per_control_and_docket_can_be_read_and_answered(
    lst, curator, tmp_path
):
    from tests.public_csv import Row, imported

    rows = [
        Row("abc-1234-wxyz", 2, "ECCN 3A090 captures gaming cards.", organization="Gamers United"),
        Row("abc-1234-wxy2", 3, "Please publish faster.", first="Ada", last="Lovelace"),
    ]
    imported(lst.root, rows, tmp_path)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        pane = app.main.query_one("#public-pane")
        table = pane.query_one("#p-list")
        assert table.row_count == 1  # only the comment on 3A090
        pane.query_one("#p-docket").value = True
        await pilot.pause()
        assert table.row_count == 2
        pane.query_one("#p-docket").value = False
        await pilot.pause()
        table.focus()
        await pilot.pause()
        assert "captures gaming cards" in pane.query_one("#p-body").source
        pane.query_one("#p-action").value = "noted"
        pane.query_one("#p-response").text = "Thank you; the committee weighs consumer GPUs."
        await pilot.pause()
        pane.query_one("#p-answer").press()
        await pilot.pause()
    text = (lst.root / "public-comments" / "BIS-2026-0001" / "abc-1234-wxyz.toml").read_text()
    assert 'action = "noted"' in text and 'by = "industry-1"' in text


async def test_an_answer_to_an_earlier_text_is_marked_in_the_public_tab(lst, curator, tmp_path):
    from tests.public_csv import Row, imported

    def said(text: str) -> None:
        imported(lst.root, [Row("abc-1234-wxyz", 2, text, organization="Gamers United")], tmp_path)

    said("ECCN 3A090 captures gaming cards.")
    answered = curator("comments", "answer", "abc-1234-wxyz", "--action", "noted", "-m",
                       "Considered.", "--list", str(lst.root), "--as", "chair")  # fmt: skip
    assert answered.code == 0, answered.err
    said("ECCN 3A090 captures gaming cards and laptops.")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        pane = app.main.query_one("#public-pane")
        table = pane.query_one("#p-list")
        assert str(table.get_row_at(0)[-1]) == "noted, earlier text"
        table.focus()
        await pilot.pause()
        body = pane.query_one("#p-body").source
        assert "and laptops" in body
        assert "This answer was given to an earlier text of the comment: review it" in body


async def test_only_the_tab_in_view_follows_the_selection_and_the_others_catch_up(lst, curator):
    curator("new", "4A906", "--title", "Quantum computers", "--area", "quantum",
            "--list", str(lst.root), "--as", "chair")  # fmt: skip
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        weigh = app.main.query_one("#weigh-pane")
        assert await settle(pilot, lambda: weigh.control_id == "3A090")
        await pilot.press("d", "down")
        await pilot.pause()
        assert app.main.selected == "4A906"
        assert weigh.control_id == "3A090"  # hidden: not weighed on every cursor move
        await app.action_tab("weigh")
        await settle(pilot, lambda: weigh.control_id == "4A906")
        assert weigh.control_id == "4A906"


async def test_a_tab_never_shown_has_no_pane_made(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main.query(".control-pane")  # the first screen lays out the table only
        await pilot.press("y")
        await pilot.pause()
        assert [p.id for p in app.main.query(".control-pane")] == ["history-pane"]


async def test_tabs_switched_in_a_hurry_make_each_pane_once(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "w", "p", "w", "c")  # "c": the discussion's composer
        await pilot.pause()
        made = sorted(p.id for p in app.main.query(".control-pane"))
        assert made == ["discussion-pane", "public-pane", "weigh-pane"]
        assert app.focused is not None and app.focused.id == "c-body"


async def test_a_long_docket_shows_its_first_comments_and_says_how_many_more(
    lst, curator, tmp_path, monkeypatch
):
    from curator.tui.widgets.public_pane import PublicPane
    from tests.public_csv import Row, imported

    rows = [Row(f"abc-1234-wxy{n}", n + 2, f"Comment {n} on 3A090.") for n in range(3)]
    imported(lst.root, rows, tmp_path)
    monkeypatch.setattr(PublicPane, "SHOWN_AT_MOST", 2)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        pane = app.main.query_one("#public-pane")
        assert pane.query_one("#p-list").row_count == 2
        assert "the first 2 of 3 comments" in str(pane.query_one("#p-count").render())
