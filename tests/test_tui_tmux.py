"""End to end: the real `curator` in tmux, typed into with send-keys, read with capture-pane."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


class Tmux:
    def __init__(self, tmp_path) -> None:
        self.socket = f"curator-{uuid.uuid4().hex[:8]}"
        self.session = "e2e"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        line = f"env {exports} {' '.join(command)}"
        self.tmux("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", line)
        self.tmux("resize-window", "-t", self.session, "-x", "120", "-y", "40")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, tries: int = 150) -> str:
        for _ in range(tries):
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def stop(self) -> None:
        self.tmux("kill-server")


def test_filter_and_read_in_a_real_terminal(lst, curator, tmp_path):
    curator("new", "4A906", "--title", "Quantum computers", "--area", "quantum",
            "--list", str(lst.root), "--as", "chair")  # fmt: skip
    term = Tmux(tmp_path)
    env = {
        "TERM": "xterm-256color",
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": os.environ["PATH"],
    }
    try:
        term.start(
            [sys.executable, "-m", "curator", "--list", str(lst.root), "tui", "--as", "industry-1"],
            env,
        )
        shown = term.wait_for("2 of 2 controls")
        assert "4A906" in shown and "industry-1" in shown
        term.keys("/")
        term.keys("-l", "quantum")
        term.wait_for("1 of 2 controls")
        term.keys("Enter")  # the filter hands the focus to the table
        term.keys("Enter")  # which opens the selected control's tabs
        shown = term.wait_for("4A906 — Quantum computers")
        assert "3A090" not in shown
        term.keys("Escape")  # back to the table, where q quits
        term.wait_for("1 of 2 controls")
        term.keys("q")
        for _ in range(300):  # a loaded machine may take a while to tear down
            if "e2e" not in term.tmux("list-sessions"):
                break
            time.sleep(0.1)
        assert "e2e" not in term.tmux("list-sessions")
    finally:
        term.stop()
