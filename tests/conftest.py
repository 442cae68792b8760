"""Shared fixtures: small real lists written into tmp_path, and ways to run the CLI: in this
process (the default, quick) or as the real command (`end_to_end=True`)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

LIST_TOML = """\
id = "test-list"
title = "Test list"
version = "1.0"
jurisdiction = "US"
partners = ["JP", "NL", "US"]

[regimes.wassenaar]
title = "Wassenaar Arrangement"
members = ["FR", "JP", "NL", "US"]
as_of = "2026-07-23"
sources = ["https://www.wassenaar.org/participating-states/"]

[docket]
id = "BIS-2026-0001"
agency = "Bureau of Industry and Security, Commerce"
comment_deadline = 2027-01-31
contact = "Regulatory Policy Division"

[[members]]
id = "chair"
name = "Committee chair"
role = "chair"
email = "chair@example.org"

[[members]]
id = "industry-1"
name = "Industry member 1"
role = "member"
email = "industry-1@example.org"

[[members]]
id = "academia-1"
name = "Academic member 1"
role = "member"
email = "academia-1@example.org"

[[members]]
id = "observer-1"
name = "Observer 1"
role = "observer"
email = "observer-1@example.org"

[areas.advanced-computing]
title = "Advanced computing"

[areas.quantum]
title = "Quantum information and sensing"

[parameters.datacenter]
title = "Designed or marketed for datacenters"
unit = "yes/no"
type = "flag"

[parameters.interconnect]
title = "Aggregate bidirectional transfer rate"
unit = "GB/s"

[parameters.performance_density]
title = "Performance density"
unit = "TPP/mm²"

[parameters.tpp]
title = "Total processing performance"
unit = "TPP"
"""

CONTROL_3A090 = """\
id = "3A090"
title = "Integrated circuits for advanced computing"
area = "advanced-computing"
status = "proposed"
visibility = "public"
reasons = ["AT1", "RS"]
regime = "unilateral"
summary = "Advanced computing chips above the October 2023 thresholds."

[[items]]
label = "a.1"
text = "A 'total processing performance' of 4800 or more."
match = "tpp >= 4800"

[[items]]
label = "a.2"
text = "A 'total processing performance' of 1600 or more and a 'performance density' of 5.92 or more."
match = "datacenter == true and tpp >= 1600 and performance_density >= 5.92"
"""

# name, origin, of_concern, mass_market, params
CHIPS = {
    "a100": (
        "NVIDIA A100",
        "US",
        True,
        False,
        {"tpp": 4992, "performance_density": 6.04, "interconnect": 600, "datacenter": True},
    ),
    "a800": (
        "NVIDIA A800",
        "US",
        True,
        False,
        {"tpp": 4992, "performance_density": 6.04, "interconnect": 400, "datacenter": True},
    ),
    "l4": (
        "NVIDIA L4",
        "US",
        True,
        False,
        {"tpp": 1936, "performance_density": 6.57, "datacenter": True},
    ),
    "h20": (
        "NVIDIA H20",
        "US",
        False,
        False,
        {"tpp": 2368, "performance_density": 2.91, "datacenter": True},
    ),
    "rtx-4090": (
        "GeForce RTX 4090",
        "US",
        False,
        True,
        {"tpp": 5285, "performance_density": 8.68, "datacenter": False},
    ),
    "ascend-910b": ("Huawei Ascend 910B", "CN", True, False, {"tpp": 5120, "datacenter": True}),
    "mystery": ("Unmeasured chip", "US", True, False, {"performance_density": 7.0}),
}


def item_toml(item_id: str, name: str, origin: str, concern: bool, mass: bool, params: dict) -> str:
    lines = [
        f'id = "{item_id}"',
        f'name = "{name}"',
        f'origin = "{origin}"',
        f"mass_market = {'true' if mass else 'false'}",
        'sources = ["test fixture"]',
        "",
        "[concern]",
        f"of_concern = {'true' if concern else 'false'}",
        f'basis = "the capability of {name}"',
        'sources = ["test fixture"]',
        'assessed_by = "chair"',
        "assessed_on = 2026-01-15",
        "",
        "[params]",
    ]
    for key in sorted(params):
        value = params[key]
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    lines += ["", "[param_sources]"]
    lines += [f'{key} = "test fixture, {key}"' for key in sorted(params)]
    return "\n".join(lines) + "\n"


@dataclass
class ListDir:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def snapshot(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and ".git" not in p.parts
        }


def ssh_key(path: Path, comment: str) -> Path:
    """A new SSH signing key at `path`, its public half beside it (`.pub`); the test is skipped
    where ssh-keygen is not installed."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: no SSH signing key can be made")
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def make_list(root: Path) -> ListDir:
    lst = ListDir(root)
    lst.write("list.toml", LIST_TOML)
    lst.write("controls/3A090.toml", CONTROL_3A090)
    for item_id, (name, origin, concern, mass, params) in CHIPS.items():
        lst.write(
            f"catalogue/{item_id}.toml", item_toml(item_id, name, origin, concern, mass, params)
        )
    return lst


@pytest.fixture
def lst(tmp_path: Path) -> ListDir:
    return make_list(tmp_path / "test-list")


@dataclass
class Run:
    code: int
    out: str
    err: str


def _environment(env: dict | None) -> dict[str, str]:
    """The caller's environment without its list or member, colour off, then `env`."""
    base = {k: v for k, v in os.environ.items() if k not in ("CURATOR_LIST", "CURATOR_MEMBER")}
    return {**base, "NO_COLOR": "1", **(env or {})}


def _text(stream: io.TextIOWrapper) -> str:
    """What was written to `stream`, read back as `subprocess.run(text=True)` would."""
    stream.flush()
    return io.TextIOWrapper(io.BytesIO(stream.buffer.getvalue()), encoding="utf-8").read()


def run_curator(
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    stdin: str | None = None,
    end_to_end: bool = False,
) -> Run:
    """`curator ARGS` run in `cwd` with `env` added to the environment and `stdin` as its
    input. The CLI's `main` runs in this process (streams, folder and environment swapped in
    for the call); `end_to_end=True` runs the real command, `python -m curator`, instead."""
    if end_to_end:
        done = subprocess.run(
            [sys.executable, "-m", "curator", *args],
            cwd=cwd,
            env=_environment(env),
            capture_output=True,
            text=True,
            input=stdin,
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)
    return in_process(args, _environment(env), cwd, stdin)


def in_process(
    args: Sequence[str],
    environment: dict[str, str],
    cwd: Path | None = None,
    stdin: str | None = None,
) -> Run:
    """`curator.cli.main(args)` with exactly `environment` as os.environ, in `cwd`."""
    from curator.cli import main

    # byte streams underneath, as a process has: some commands write sys.stdout.buffer
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    given = io.TextIOWrapper(io.BytesIO((stdin or "").encode()), encoding="utf-8")
    saved_environ = dict(os.environ)
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_cwd = os.getcwd()
    try:
        os.environ.clear()
        os.environ.update(environment)
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = given, out, err
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse: usage (2), --help and --version (0)
            if isinstance(exit.code, str):
                print(exit.code, file=sys.stderr)
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
    return Run(code, _text(out), _text(err))


@pytest.fixture
def curator():
    return run_curator


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (XDG_CACHE_HOME), not the user's."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("CURATOR_CACHE", raising=False)
    return home


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust the stamps (and folder listings) of files written a moment ago, so that the stamp
    path is what a test exercises (by default a file changed in the last two seconds is checked
    by content)."""
    from curator.store.index import source

    monkeypatch.setattr(source, "RACY_NS", 0)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, cache_home: Path):
    """The CLI in process with a cache folder of the test's own: `cli("check", "--list", dir)`
    is a Run with what it printed. No $CURATOR_MEMBER or $CURATOR_LIST from the caller's
    environment (a test may set them)."""
    monkeypatch.delenv("CURATOR_MEMBER", raising=False)
    monkeypatch.delenv("CURATOR_LIST", raising=False)
    return lambda *args: in_process(args, dict(os.environ))
