"""index.html in a real browser: every anchor is in the DOM, injected script never runs.

Headless Chromium (Debian's `chromium`; `.ci/run` installs it) loads the published page from a
file URL, prints the DOM after load, and takes a screenshot kept in artifacts/publish.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CONTROL_3A090, ListDir, run_curator

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)"
)

INJECTED = """\
id = "3A091"
title = "<script>document.title='pwned'</script>Injected"
area = "quantum"
status = "final"
visibility = "public"
summary = "[click](javascript:document.title='pwned') <img src=x onerror=\\"document.title='pwned'\\">"

[[items]]
label = "a"
text = "<script>document.title='pwned'</script> 100 or more"
match = "tpp >= 100"
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Committee chair",
    "GIT_AUTHOR_EMAIL": "chair@example.org",
    "GIT_COMMITTER_NAME": "Committee chair",
    "GIT_COMMITTER_EMAIL": "chair@example.org",
}


def chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def site(lst: ListDir, tmp_path: Path) -> Path:
    lst.write("controls/3A090.toml", CONTROL_3A090.replace('"proposed"', '"recommended"'))
    lst.write("controls/3A091.toml", INJECTED)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "list"]):
        subprocess.run(["git", *args], cwd=lst.root, env=GIT_ENV | _path(), check=True)
    out = tmp_path / "site"
    run = run_curator("publish", "--list", str(lst.root), "--out", str(out), "--as", "chair")
    assert run.code == 0, run.err
    return out


def _path() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}


def test_every_published_anchor_is_in_the_dom_and_injected_script_never_ran(site, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", (site / "index.html").as_uri())
    published = json.loads((site / "list.json").read_text())
    title = f"{published['list']['title']} — docket {published['docket']['id']}"
    assert re.search(r"<title>(.*?)</title>", dom).group(1) == title
    ids = set(re.findall(r'\sid="([^"]+)"', dom))
    for control in published["controls"]:
        assert control["id"] in ids
        for paragraph in control["paragraphs"]:
            assert f"{control['id']}.{paragraph['label']}" in ids
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert not re.search(r"<script|<img|href=\"javascript", dom, re.IGNORECASE)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;Injected" in dom


def test_screenshot_is_saved_as_an_artifact(site, tmp_path):
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "publish.png"
    chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,2000",
        "--hide-scrollbars",
        (site / "index.html").as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
