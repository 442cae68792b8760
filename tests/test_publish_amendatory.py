"""The notice says add, revise or remove from the diff against the last release, and publishes
the entries' Notes, Technical Notes and license exceptions as part of their text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import make_list
from test_publish import RECOMMENDED_3A090

from curator.publish import build
from curator.store.index.load import load

BUNDLED = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"
IN_FORCE = '\n[in_force]\nsince = 2022-10-07\ncitation = "87 FR 62186"\n'
NOTE = (
    '\n[[notes]]\nlabel = "Note 2 to 3A090"\nkind = "note"\n'
    'text = "NOTE-TEXT-MARKER: see license exceptions NAC and ACA."\n'
)
EXCEPTION = (
    '\n[[items.exceptions]]\nname = "NAC/ACA"\nwhen = "datacenter == false"\n'
    'condition = "EXCEPTION-CONDITION-MARKER not designed or marketed for datacenters"\n'
)


def listed(root: Path, control: str):
    lst = make_list(root)
    lst.write("controls/3A090.toml", control)
    return lst


def notice(loaded, old=None) -> str:
    return build(loaded, old).files["notice.md"].decode("utf-8")


def test_an_entry_not_in_force_is_added(tmp_path):
    text = notice(load(listed(tmp_path / "l", RECOMMENDED_3A090).root))
    assert "Category 3, add ECCN 3A090 to read as follows:" in text
    assert "This proposed rule would add 1 entry to the Commerce Control List" in text


def test_an_entry_in_force_with_no_release_to_compare_is_revised(tmp_path):
    lst = listed(tmp_path / "l", RECOMMENDED_3A090 + IN_FORCE)
    text = notice(load(lst.root))
    assert "Category 3, revise ECCN 3A090 to read as follows:" in text
    assert "add ECCN 3A090" not in text
    assert "In force since October 7, 2022 (87 FR 62186)." in text


def test_an_entry_in_force_unchanged_since_the_release_is_not_amended(tmp_path):
    old = load(listed(tmp_path / "old", RECOMMENDED_3A090 + IN_FORCE).root)
    new = load(listed(tmp_path / "new", RECOMMENDED_3A090 + IN_FORCE).root)
    text = notice(new, old)
    assert "this rule would not amend them" in text
    assert "3A090 (87 FR 62186)" in text
    assert "ECCN 3A090 to read as follows" not in text
    assert "amend no entry of the Commerce Control List" in text


def test_an_entry_in_force_changed_since_the_release_is_revised(tmp_path):
    old = load(listed(tmp_path / "old", RECOMMENDED_3A090 + IN_FORCE).root)
    changed = RECOMMENDED_3A090.replace("tpp >= 4800", "tpp >= 6000").replace("4800 or", "6000 or")
    new = load(listed(tmp_path / "new", changed + IN_FORCE).root)
    assert "Category 3, revise ECCN 3A090 to read as follows:" in notice(new, old)


def test_an_entry_in_force_no_longer_published_is_removed(tmp_path):
    old = load(listed(tmp_path / "old", RECOMMENDED_3A090 + IN_FORCE).root)
    other = RECOMMENDED_3A090.replace('id = "3A090"', 'id = "3A091"')
    new_list = listed(tmp_path / "new", RECOMMENDED_3A090)
    (new_list.root / "controls" / "3A090.toml").unlink()
    new_list.write("controls/3A091.toml", other)
    text = notice(load(new_list.root), old)
    assert "Category 3, remove ECCN 3A090." in text
    assert "Category 3, add ECCN 3A091 to read as follows:" in text


def test_notes_and_exceptions_are_published_with_the_entry(tmp_path):
    control = RECOMMENDED_3A090.replace(
        'match = "tpp >= 4800"\n', 'match = "tpp >= 4800"\n' + EXCEPTION
    )
    package = build(load(listed(tmp_path / "l", control + NOTE).root)).files
    text, html = package["notice.md"].decode(), package["index.html"].decode()
    listing = json.loads(package["list.json"])
    for published in (text, html):
        assert "NOTE-TEXT-MARKER" in published
        assert "EXCEPTION-CONDITION-MARKER" in published
    (view,) = listing["controls"]
    assert view["notes"][0]["label"] == "Note 2 to 3A090"
    assert view["paragraphs"][0]["exceptions"][0]["name"] == "NAC/ACA"


def test_the_bundled_notice_revises_the_entries_in_force_and_adds_none_of_them(tmp_path):
    root = tmp_path / "emerging-tech"
    shutil.copytree(BUNDLED, root)
    loaded = load(root)
    text = notice(loaded)
    for cid in ("4A906", "3A901", "3A904", "3D006", "2D352"):
        assert loaded.controls[cid].in_force is not None
        if cid in text:
            assert f"add ECCN {cid}" not in text
            assert f"add ECCNs {cid}" not in text
    assert "revise ECCNs 3A901, 3A904" in text or "revise ECCN" in text
    assert "Technical Note 6 to 4A906:" in text  # the definition of 'C-NOT error'
