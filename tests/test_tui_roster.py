"""The roster and catalogue screens: the chair edits members, members add and change catalogue
items with sources — through the same functions as `curator member` and `curator item`, their
refusals shown at the fields they are about. Driven with Pilot on real lists in tmp_path."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, Select

from curator.tui.app import CuratorApp
from curator.tui.screens.roster import ItemsScreen, MembersScreen

SIZE = (80, 24)


async def press(app: CuratorApp, pilot, button: str) -> None:
    app.screen.query_one(button).focus()
    await pilot.press("enter")
    await pilot.pause()


def said(app: CuratorApp, line: str) -> str:
    return str(app.screen.query_one(line).render())


def members(lst) -> dict[str, str]:
    return {m["id"]: m["role"] for m in tomllib.loads(lst.read("list.toml"))["members"]}


async def open_screen(app: CuratorApp, pilot, key: str, kind: type) -> None:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, kind)


async def test_the_chair_adds_a_member_sets_a_role_and_removes_one(lst, curator):
    app = CuratorApp(lst.root, "chair")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "M", MembersScreen)
        screen = app.screen
        screen.query_one("#m-id", Input).value = "industry-2"
        screen.query_one("#m-name", Input).value = "Industry member 2"
        screen.query_one("#m-email", Input).value = "industry-2@example.org"
        screen.query_one("#m-role", Select).value = "member"
        await press(app, pilot, "#m-add")
        assert members(lst)["industry-2"] == "member"
        screen.query_one("#m-id", Input).value = "academia-1"
        screen.query_one("#m-role", Select).value = "observer"
        await press(app, pilot, "#m-set-role")
        assert members(lst)["academia-1"] == "observer"
        screen.query_one("#m-id", Input).value = "industry-2"
        await press(app, pilot, "#m-remove")
        assert "industry-2" not in members(lst)
        assert said(app, "#m-form-msg") == ""
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
    assert curator("check", "--list", str(lst.root)).code == 0


async def test_a_member_is_refused_the_roster_and_told_why(lst):
    before = lst.read("list.toml")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "M", MembersScreen)
        app.screen.query_one("#m-id", Input).value = "academia-1"
        app.screen.query_one("#m-role", Select).value = "observer"
        await press(app, pilot, "#m-set-role")
        assert "chair" in said(app, "#m-form-msg")
    assert lst.read("list.toml") == before


async def test_a_refusal_is_shown_at_the_field_it_is_about(lst):
    app = CuratorApp(lst.root, "chair")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "M", MembersScreen)
        app.screen.query_one("#m-id", Input).value = "industry-1"  # taken
        app.screen.query_one("#m-name", Input).value = "Someone"
        app.screen.query_one("#m-email", Input).value = "someone@example.org"
        await press(app, pilot, "#m-add")
        assert said(app, "#m-id-msg") != ""
        assert said(app, "#m-name-msg") == ""


async def test_a_member_adds_a_catalogue_item_with_a_source_and_changes_it(lst, curator):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "I", ItemsScreen)
        screen = app.screen
        for name, value in {
            "id": "mi300x",
            "name": "AMD Instinct MI300X",
            "origin": "US",
            "param": "tpp=10000, datacenter=true",
            "source": "https://example.org/mi300x-datasheet",
        }.items():
            screen.query_one(f"#i-{name}", Input).value = value
        await press(app, pilot, "#i-new")
        item = tomllib.loads(lst.read("catalogue/mi300x.toml"))
        assert item["name"] == "AMD Instinct MI300X"
        assert item["sources"] == ["https://example.org/mi300x-datasheet"]
        assert item["param_sources"]["tpp"] == "https://example.org/mi300x-datasheet"
        assert "mi300x" in app.session.loaded.catalogue
        screen.query_one("#i-param", Input).value = "tpp=10400"
        screen.query_one("#i-source", Input).value = "https://example.org/mi300x-erratum"
        await press(app, pilot, "#i-set")
        item = tomllib.loads(lst.read("catalogue/mi300x.toml"))
        assert item["params"]["tpp"] == 10400
        assert len(item["sources"]) == 2
    assert curator("check", "--list", str(lst.root)).code == 0


async def test_a_filled_box_still_says_which_field_it_is(lst):
    app = CuratorApp(lst.root, "chair")
    async with app.run_test(size=SIZE) as pilot:
        for key, kind in (("I", ItemsScreen), ("M", MembersScreen)):
            await open_screen(app, pilot, key, kind)
            for box in app.screen.query(Input):
                box.value = "filled"
                field = box.id.split("-", 1)[1]
                assert box.border_title == field, box.id  # shown in the box's border
            await pilot.press("escape")
            await pilot.pause()


async def test_an_undeclared_parameter_is_refused_at_its_field(lst):
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "I", ItemsScreen)
        screen = app.screen
        screen.query_one("#i-id", Input).value = "newchip"
        screen.query_one("#i-name", Input).value = "New chip"
        screen.query_one("#i-param", Input).value = "tps=5000"
        screen.query_one("#i-source", Input).value = "https://example.org/newchip"
        await press(app, pilot, "#i-new")
        assert "did you mean 'tpp'" in said(app, "#i-param-msg")
    assert not (lst.root / "catalogue" / "newchip.toml").exists()


async def test_an_observer_cannot_add_items(lst):
    app = CuratorApp(lst.root, "observer-1")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, "I", ItemsScreen)
        app.screen.query_one("#i-id", Input).value = "newchip"
        app.screen.query_one("#i-name", Input).value = "New chip"
        app.screen.query_one("#i-source", Input).value = "https://example.org/newchip"
        await press(app, pilot, "#i-new")
        assert "observers read but do not write" in said(app, "#i-form-msg")
    assert not (lst.root / "catalogue" / "newchip.toml").exists()


async def test_the_palette_offers_the_roster_and_the_catalogue(lst):
    from curator.tui.commands import CuratorCommands

    app = CuratorApp(lst.root, "chair")
    async with app.run_test(size=SIZE):
        provider = CuratorCommands(app.screen)
        titles = [str(hit.text) async for hit in provider.discover()]
        assert "Members (M)" in titles and "Items (I)" in titles
