"""Your settings: a keymap and a theme in settings.toml in your user config directory, checked
against schemas/settings.schema.json; a file that cannot be used is reported in the TUI and the
defaults stay."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from textual.widgets import TabbedContent

from curator.store.setup.settings import load_settings, settings_path
from curator.tui import keys
from curator.tui.app import CuratorApp
from curator.tui.screens.help import help_markdown

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 40)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where your settings file is, in a config directory of the test's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = settings_path()
    path.parent.mkdir(parents=True)
    return path


def errors(app: CuratorApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def test_the_schema_is_draft_2020_12_and_names_every_action():
    document = json.loads((ROOT / "schemas" / "settings.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(document)
    names = document["properties"]["keymap"]["propertyNames"]["enum"]
    assert sorted(names) == sorted(a.name for a in keys.ACTIONS)
    for prop in document["properties"].values():
        assert prop["title"] and prop["description"]
    assert (ROOT / "curator" / "schemas" / "settings.schema.json").is_file()  # the packaged copy


def test_settings_live_in_the_user_config_directory(settings):
    assert settings.parent.name == "curator"
    assert settings.parent.parent.name == "config"


async def test_a_remapped_key_runs_its_action_and_the_old_one_no_longer_does(lst, settings):
    settings.write_text('[keymap]\ntab_weigh = "f"\n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        tabs = app.main.query_one("#tabs", TabbedContent)
        await pilot.press("w")
        await pilot.pause()
        assert tabs.active == "detail"
        await pilot.press("f")
        await pilot.pause()
        assert tabs.active == "weigh"
        assert errors(app) == []
        assert "| `f` | Weigh the control" in help_markdown(app.keymap)


async def test_the_theme_is_applied(lst, settings):
    settings.write_text('theme = "nord"\n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE):
        assert app.theme == "nord"


async def test_an_invalid_settings_file_is_reported_with_its_line_and_ignored(lst, settings):
    settings.write_text('theme = "nord"\n\n[keymap]\ntab_wiegh = "f"\n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE) as pilot:
        [message] = errors(app)
        assert message.startswith(f"{settings}:3: keymap: ")  # the table's line
        assert "tab_wiegh" in message
        assert "Using the default keys and theme." in message
        assert app.theme != "nord"  # nothing of a broken file is applied
        await pilot.press("w")
        await pilot.pause()
        assert app.main.query_one("#tabs", TabbedContent).active == "weigh"


async def test_a_settings_file_that_is_not_toml_is_reported_not_raised(lst, settings):
    settings.write_text("[keymap\n")
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE):
        [message] = errors(app)
        assert message.startswith(f"{settings}:1: not valid TOML")


async def test_an_unknown_theme_is_reported_with_the_themes_there_are(lst, settings):
    settings.write_text('theme = "nrod"\n[keymap]\nsync = "S"\n')
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=SIZE):
        [message] = errors(app)
        assert "unknown theme 'nrod'" in message and "nord" in message
        assert app.keymap == {"sync": "S"}  # the rest of a valid file still applies


def test_no_settings_file_means_the_defaults(settings):
    assert load_settings() == load_settings(settings.parent / "absent.toml")
    assert load_settings().keymap == {} and load_settings().problems == ()
