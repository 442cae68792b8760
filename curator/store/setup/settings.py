"""Your settings: the TUI's keymap and theme, from settings.toml in your user config directory,
validated against schemas/settings.schema.json. A broken file is reported and left alone; the
defaults stand in for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

from curator.core.problems import Problem
from curator.store.formats.read import read


@dataclass(frozen=True)
class Settings:
    keymap: dict[str, str] = field(default_factory=dict)  # binding id → key(s)
    theme: str = ""  # "": the default theme
    problems: tuple[Problem, ...] = ()  # why the file's settings are not in force


def settings_path() -> Path:
    return Path(user_config_dir("curator")) / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The settings in `path` (yours by default); none when the file does not exist, and the
    defaults with the problems when it cannot be used."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as err:
        return Settings(problems=(Problem(str(path), None, "", "unreadable", err.strerror or ""),))
    got = read("settings", str(path), raw)
    if got.data is None:
        return Settings(problems=got.problems)
    return Settings(keymap=dict(got.data.get("keymap", {})), theme=got.data.get("theme", ""))
