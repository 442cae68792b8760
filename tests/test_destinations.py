"""Destinations, licensing and entity files: checked, formatted, and refused when wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from curator.cli import main

LIST = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"


@pytest.fixture
def copy(tmp_path) -> Path:
    root = tmp_path / "list"
    shutil.copytree(LIST, root, ignore=shutil.ignore_patterns(".*"))
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def check(root: Path, capsys) -> tuple[int, str]:
    code = main(["check", "--list", str(root)])
    return code, capsys.readouterr().out


def test_the_bundled_destinations_check_clean(copy, capsys):
    assert check(copy, capsys) == (0, "")


def test_an_unknown_country_code_is_refused_with_the_code_meant(copy, capsys):
    edit(copy, "destinations/country-groups.toml", '"GB",', '"UK",')
    code, out = check(copy, capsys)
    assert code == 1
    assert "destinations/country-groups.toml:" in out
    assert "'UK' is not an ISO 3166 alpha-2 code (did you mean 'GB'?)" in out


def test_a_group_defined_twice_is_refused(copy, capsys):
    path = copy / "destinations" / "country-groups.toml"
    path.write_text(path.read_text() + '\n[[groups]]\nid = "E:1"\ntitle = "again"\nmembers = []\n')
    code, out = check(copy, capsys)
    assert code == 1 and "group 'E:1' is defined twice" in out


def test_overlapping_licence_decisions_are_refused(copy, capsys):
    edit(copy, "entities/huawei.toml", "from = 2019-08-19", "from = 2019-08-01")
    code, out = check(copy, capsys)
    assert code == 1
    assert "entities/huawei.toml:" in out and "overlaps decisions[0]" in out


def test_a_review_policy_outside_the_allowed_set_is_refused(copy, capsys):
    edit(copy, "licensing/3A090.toml", 'review_policy = "denial"', 'review_policy = "maybe"')
    code, out = check(copy, capsys)
    assert code == 1 and "licensing/3A090.toml:" in out and "review_policy" in out


def test_an_unknown_group_in_a_requirement_is_refused_with_the_group_meant(copy, capsys):
    edit(copy, "licensing/3A090.toml", 'groups = ["D:1", "D:4", "D:5"]', 'groups = ["D:1", "D:6"]')
    code, out = check(copy, capsys)
    assert code == 1 and "no country group 'D:6'" in out


def test_a_licensing_file_for_an_unknown_paragraph_is_refused(copy, capsys):
    edit(copy, "licensing/3A090.toml", 'paragraphs = ["c"]', 'paragraphs = ["d"]')
    code, out = check(copy, capsys)
    assert code == 1 and "3A090 has no paragraph 'd'" in out


def test_a_broken_destinations_file_leaves_the_others_loading(copy, capsys):
    (copy / "entities" / "huawei.toml").write_text("id = [broken\n")
    code, out = check(copy, capsys)
    assert code == 1 and "entities/huawei.toml:1: not valid TOML" in out
    assert main(["weigh", "3A090", "--list", str(copy), "--to", "CN"]) == 0
    assert "licence required" in capsys.readouterr().out


def test_fmt_lays_a_licensing_file_out_canonically_and_leaves_a_broken_one(copy, capsys):
    path = copy / "licensing" / "3A090.toml"
    canonical = path.read_text()
    first, second, rest = canonical.split("\n", 2)
    path.write_text(f"{second}\n{first}\n{rest}")  # not_available before control
    broken = copy / "entities" / "huawei.toml"
    broken.write_text("id = [broken\n")
    assert main(["fmt", "--check", "--list", str(copy)]) == 1
    assert "licensing/3A090.toml: not in canonical form" in capsys.readouterr().out
    assert main(["fmt", "--list", str(copy)]) == 1  # the broken file was not formatted
    assert path.read_text() == canonical
    assert broken.read_text() == "id = [broken\n"


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("UK", "did you mean 'GB'?"),
        ("D:9", "no country group 'D:9'"),
        ("huawai", "did you mean 'huawei'?"),
    ],
)
def test_weigh_to_nothing_known_is_a_usage_error_and_writes_nothing(copy, capsys, to, message):
    before = sorted((p, p.read_bytes()) for p in copy.rglob("*.toml"))
    assert main(["weigh", "3A090", "--list", str(copy), "--to", to]) == 2
    assert message in capsys.readouterr().err
    assert sorted((p, p.read_bytes()) for p in copy.rglob("*.toml")) == before


def test_weigh_to_a_list_without_destinations_says_so(copy, capsys):
    shutil.rmtree(copy / "destinations")
    assert main(["weigh", "3A090", "--list", str(copy), "--to", "CN"]) == 1
    assert "no destinations/country-groups.toml" in capsys.readouterr().err


def test_a_licence_for_an_item_not_of_concern_is_too_tight(copy, capsys):
    # without NAC, the consumer RTX 4090 needs an individual licence to China
    edit(copy, "licensing/3A090.toml", "datacenter == false and tpp >= 4800", "tpp >= 10000000")
    assert main(["weigh", "3A090", "--list", str(copy), "--to", "CN", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["verdict"] == "too-tight"
    assert found["too_tight"] == [{"item": "nvidia-rtx-4090", "to": "CN"}]


def test_the_matrix_shows_each_group(copy, capsys):
    assert main(["weigh", "3A090", "--list", str(copy), "--destinations", "--format", "json"]) == 0
    rows = {r["item"]: r["cells"] for r in json.loads(capsys.readouterr().out)["items"]}
    assert rows["nvidia-h100-sxm"]["A:5"] == "—"
    assert rows["nvidia-h100-sxm"]["D:5"] == "denial"
    assert rows["nvidia-rtx-4090"]["D:5"] == "denial (NAC)"
    assert rows["nvidia-h100-sxm"]["D:1"] == "mixed"


async def test_the_detail_tab_shows_the_licence_requirements_as_a_ccl_entry(lst):
    from curator.tui.app import CuratorApp

    for rel in ("destinations/country-groups.toml", "licensing/3A090.toml"):
        (lst.root / rel).parent.mkdir(exist_ok=True)
        shutil.copy(LIST / rel, lst.root / rel)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        markdown = app.main.query_one("#detail-md").source
    assert "## License Requirements" in markdown
    assert (
        "| RS applies to 3A090.a and 3A090.b | To or within D:1 or D:4 or D:5 or MO, excluding "
        "A:5, A:6; to entities headquartered in D:5 or MO. Review: presumption of denial for "
        "D:5 or MO; presumption of approval otherwise. |"
    ) in markdown
    assert "| LVS | N/A |" in markdown
    assert "| NAC | Yes, for 3A090.a if datacenter == false and tpp >= 4800" in markdown


def test_publish_prints_the_licence_tables_of_a_ccl_entry(copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["publish", "--list", str(copy), "--out", str(out), "--as", "chair"]) == 0
    page = (out / "index.html").read_text()
    assert "<caption>License Requirements for 4A906</caption>" in page
    assert (
        "<tr><td>NS applies to entire entry</td><td>Worldwide. Review: case-by-case review "
        "(unconfirmed).</td></tr>"
    ) in page
    assert "<caption>List Based License Exceptions for 4A906</caption>" in page
    published = json.loads((out / "list.json").read_text())
    entry = next(c for c in published["controls"] if c["id"] == "4A906")
    assert entry["licence_exceptions"][0] == {"exception": "STA", "text": "N/A"}
    assert entry["licence_exceptions"][1]["exception"] == "IEC"


async def test_the_weigh_tab_weighs_for_a_chosen_entity_and_shows_each_decision(lst):
    from curator.tui.app import CuratorApp

    for rel in (
        "destinations/country-groups.toml",
        "destinations/country-chart.toml",
        "licensing/3A090.toml",
        "entities/huawei.toml",
    ):
        (lst.root / rel).parent.mkdir(exist_ok=True)
        shutil.copy(LIST / rel, lst.root / rel)
    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        pane = app.main.query_one("#weigh-pane")
        pane.query_one("#destination").value = "huawei"
        await pilot.pause()
        shown = str(pane.query_one("#destination-result").render())
        assert "to Huawei Technologies Co., Ltd. (CN, Entity List)" in shown
        assert "licence required (RS, Entity List; presumption of denial)" in shown
        # the temporary general licence let items of concern go; the later authorisation too
        assert "2019-05-20 until 2019-08-19: temporary-general-licence granted" in shown
        assert "(84 FR 23468 (May 22, 2019)) — too-loose" in shown
        pane.query_one("#destination").value = "A:5"
        await pilot.pause()
        assert str(pane.query_one("#destination-result").render()).startswith("balanced to A:5")


async def test_the_weigh_tab_has_no_destination_choice_in_a_list_without_destinations(lst):
    from curator.tui.app import CuratorApp

    app = CuratorApp(lst.root, "industry-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        assert not app.main.query_one("#weigh-pane").query("#destination")


def test_an_entity_listed_for_ccl_items_needs_a_licence_for_captured_items(copy, capsys):
    edit(copy, "entities/huawei.toml", '"all-items-subject-to-the-EAR"', '"items-on-the-CCL"')
    assert main(["weigh", "3A090", "--list", str(copy), "--to", "huawei", "--format", "json"]) == 0
    for item in json.loads(capsys.readouterr().out)["items"]:
        assert "Entity List" in item["destinations"]["CN"]["reasons"]
