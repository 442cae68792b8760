"""The layering in docs/design.md §1 holds because a test enforces it (import-linter contracts)."""

from __future__ import annotations

from pathlib import Path

import importlinter.api  # sets import-linter up (its configuration readers and contract types)
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = str(ROOT / "pyproject.toml")


def test_import_contracts_hold(capsys):
    contracts = importlinter.api.read_configuration(PYPROJECT)["contracts_options"]
    kept = lint_imports(PYPROJECT, cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, report
    assert len(contracts) >= 2
    words = " ".join(report.split())  # the report wraps long lines
    for contract in contracts:
        assert f"{contract['name']} KEPT" in words


def test_core_never_touches_files_or_processes():
    for path in (ROOT / "curator" / "core").glob("*.py"):
        text = path.read_text()
        for banned in ("open(", "import subprocess", "from pathlib", "import os\n", "textual"):
            assert banned not in text, f"{path.name} uses {banned!r}"
