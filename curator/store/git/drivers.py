"""The commands git runs for list files: curator's merge driver and diff textconv.

git keeps them in the repository's config as shell commands. Each runs the interpreter that ran
`curator git-setup`, by its absolute path, with `-m curator`: neither `curator` on PATH nor an
activated environment is needed. When that interpreter is gone (the environment was moved or
recreated), the command says how to repair the set-up, and `curator check` warns.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core.problems import CuratorError
from curator.store.formats.schemas import shape
from curator.store.formats.tomltext import canonical
from curator.store.git import plumbing

MERGE_NAME = "merge.curator.name"
MERGE_DRIVER = "merge.curator.driver"
TEXTCONV = "diff.curator.textconv"
# a merge driver gets the base, ours, theirs and the path (%O %A %B %P); a textconv the file
MERGE_VERB = "merge-file %O %A %B %P"
TEXTCONV_VERB = "textconv"
BARE = "curator"  # what earlier versions registered: found only when on PATH
GONE = (  # what git shows when the interpreter is gone ($p: its path)
    "curator: git runs curator for list files with $p, which no longer exists: "
    "run 'curator git-setup' in this repository with the curator you use now"
)


@dataclass(frozen=True)
class Registration:
    interpreter: str  # what git runs `-m curator` with now
    previous: str | None  # what it ran curator with before, when that was something else
    previous_usable: bool  # whether that still exists


def command(interpreter: str, verb: str) -> str:
    """The shell command for `curator verb` run by `interpreter`. -P keeps git's working folder
    (the repository, which may hold a folder named curator) off the module path; a missing
    interpreter gets GONE where the shell would say only "not found"."""
    return (
        f"p={shlex.quote(interpreter)}; "
        f'[ -x "$p" ] || {{ echo "{GONE}" >&2; exit 127; }}; '
        f'exec "$p" -P -m curator {verb}'
    )


def register(top: Path, interpreter: str) -> Registration:
    """Have git in repository `top` run curator's merge driver and textconv with `interpreter`,
    replacing whatever it ran them with before."""
    if not interpreter:
        raise CuratorError("cannot tell which Python runs curator: run `python -m curator`")
    interpreter = os.path.abspath(interpreter)
    before = [program for program in map(_program, _registered(top).items()) if program]
    previous = next((program for program in before if program != interpreter), None)
    config = (
        (MERGE_NAME, "curator: merge list files field by field"),
        # git expands %-sequences in a merge driver: a % of the path is written %%
        (MERGE_DRIVER, command(interpreter.replace("%", "%%"), MERGE_VERB)),
        (TEXTCONV, command(interpreter, TEXTCONV_VERB)),
    )
    for name, value in config:
        plumbing.run(top, "config", name, value)
    return Registration(interpreter, previous, previous is not None and runnable(previous))


def trouble(root: Path) -> str | None:
    """Why git cannot run curator for the list files of `root`'s repository, if it cannot."""
    for program in map(_program, _registered(root).items()):
        if program and not runnable(program):
            what = (
                "the bare `curator`, which is not on PATH"
                if program == BARE
                else f"{program}, which no longer exists"
            )
            return (
                f"git runs curator for list files with {what}: merges and diffs of list "
                "files fail until you run `curator git-setup` in this repository"
            )
    return None


def runnable(program: str) -> bool:
    return shutil.which(program) is not None if program == BARE else os.access(program, os.X_OK)


def _registered(cwd: Path) -> dict[str, str]:
    """The merge driver and textconv git has for curator in `cwd`, by config name."""
    names = "|".join(re.escape(name) for name in (MERGE_DRIVER, TEXTCONV))
    try:
        found = plumbing.run(cwd, "config", "--get-regexp", f"^({names})$", check=False)
    except CuratorError:  # no git: nothing registered
        return {}
    pairs = (line.split(" ", 1) for line in found.stdout.decode("utf-8", "replace").splitlines())
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def _program(setting: tuple[str, str]) -> str | None:
    """What a registered command runs curator with: the interpreter of `command`, or BARE;
    None for a command of someone else's."""
    name, registered = setting
    if name == MERGE_DRIVER:
        registered = registered.replace("%%", "%")
    words = shlex.shlex(registered, posix=True, punctuation_chars=True)
    words.whitespace_split = True
    try:
        first = next(iter(words), "")
    except ValueError:  # unbalanced quotes: not a command of ours
        return None
    if first.startswith("p="):
        return first.removeprefix("p=")
    return first if first == BARE else None


# ---------------------------------------------------------------- textconv


def readable(raw: bytes) -> str:
    """A list file for `git diff`: canonical TOML with comments dropped, or the text as it is
    when it cannot be read (a conflict, a syntax error)."""
    text = raw.decode("utf-8", "replace")
    try:
        data = tomli.loads(text)
        return canonical(data, shape(_kind_of_data(data)))
    except (tomli.TOMLDecodeError, TypeError, RecursionError):
        return text


def _kind_of_data(data: dict[str, Any]) -> str:
    """Which kind of list file this data is, from its keys (textconv gets no file name)."""
    if "tracking_number" in data:
        return "public-comment"
    if "author" in data and "at" in data:
        return "comment"
    if "members" in data or "parameters" in data or "areas" in data:
        return "list"
    if "status" in data or "items" in data:
        return "control"
    return "item"
