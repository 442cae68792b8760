"""The layering in DESIGN.md §1 holds because a test enforces it (import-linter contracts)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_contracts_hold():
    done = subprocess.run(["lint-imports"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_core_never_touches_files_or_processes():
    for path in (ROOT / "curator" / "core").glob("*.py"):
        text = path.read_text()
        for banned in ("open(", "import subprocess", "from pathlib", "import os\n", "textual"):
            assert banned not in text, f"{path.name} uses {banned!r}"
