"""Changes of licensing are changes of scope: `curator diff` says tightened, loosened or mixed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from gitrepo import git
from test_destinations import edit

from curator.cli import main

BUNDLED = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"


@pytest.fixture
def root(tmp_path) -> Path:
    top = tmp_path / "repo"
    root = top / "lists" / "emerging-tech"
    shutil.copytree(BUNDLED, root, ignore=shutil.ignore_patterns(".*"))
    git(top, "init", "--quiet")
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "the list")
    return root


def drop_member(root: Path, group: str, code: str) -> None:
    path = root / "destinations" / "country-groups.toml"
    head, tail = path.read_text().split(f'id = "{group}"', 1)
    assert f'    "{code}",\n' in tail
    path.write_text(head + f'id = "{group}"' + tail.replace(f'    "{code}",\n', "", 1))


def licensing(root: Path, capsys) -> list[dict]:
    assert main(["diff", "--list", str(root), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["licensing"]


def test_no_change_of_licensing_reports_none(root, capsys):
    assert licensing(root, capsys) == []


def test_moving_a_country_out_of_d5_loosens_3a090(root, capsys):
    drop_member(root, "D:5", "NI")
    (change,) = licensing(root, capsys)
    assert change["control"] == "3A090" and change["effect"] == "loosened"
    assert change["looser"]["to"] == "NI"
    assert (change["looser"]["before"], change["looser"]["after"]) == ("denial", "approval")
    assert change["tighter"] is None


def test_a_stricter_review_policy_tightens_with_a_witness(root, capsys):
    edit(
        root, "licensing/3A090.toml", 'otherwise_policy = "approval"', 'otherwise_policy = "denial"'
    )
    (change,) = licensing(root, capsys)
    assert change["effect"] == "tightened"
    assert change["tighter"]["after"] == "denial" and change["tighter"]["before"] == "approval"


def test_narrowing_an_exception_and_a_group_at_once_is_mixed(root, capsys):
    drop_member(root, "D:5", "NI")
    edit(root, "licensing/3A090.toml", "datacenter == false and tpp >= 4800", "tpp >= 99999")
    (change,) = licensing(root, capsys)
    assert change["effect"] == "mixed"
    assert change["tighter"]["item"] == "nvidia-rtx-4090"
    assert change["tighter"]["before"] == "denial (NAC)"


def test_the_text_and_markdown_name_the_effect_and_a_witness(root, capsys):
    edit(
        root, "licensing/3A090.toml", 'otherwise_policy = "approval"', 'otherwise_policy = "denial"'
    )
    assert main(["diff", "--list", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Licensing changed (1):" in out and "3A090  tightened" in out
    assert "approval → denial" in out
    assert main(["diff", "--list", str(root), "--format", "markdown"]) == 0
    assert "| **3A090** | **tightened** |" in capsys.readouterr().out
