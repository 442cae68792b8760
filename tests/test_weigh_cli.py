"""`curator weigh` run as a user runs it, on the small list of the `lst` fixture."""

from __future__ import annotations

import json
import shutil

OCT_2022 = "tpp >= 4800 and interconnect >= 600"
KEYS = {
    "control",
    "expression",
    "adopters",
    "definitions",
    "captured",
    "unknown",
    "items",
    "counts",
    "verdict",
    "verdict_if_dissents_hold",
}
ITEM_KEYS = {
    "item",
    "name",
    "outcome",
    "if_dissents_hold",
    "paragraph",
    "reason",
    "exceptions",
    "origin",
    "foreign_made",
    "undermined_by",
    "mass_market",
    "concern",
    "reach",
}


def weigh(curator, lst, *args: str):
    return curator("weigh", "3A090", "--list", str(lst.root), *args)


def weigh_json(curator, lst, *args: str) -> dict:
    run = weigh(curator, lst, *args, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def ids(found: dict, outcome: str) -> list[str]:
    return [i["item"] for i in found["items"] if i["outcome"] == outcome]


def row(text: str, item_id: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{item_id} "))


# ---------------------------------------------------------------- the weighing


def test_json_has_exactly_the_documented_keys(curator, lst):
    found = weigh_json(curator, lst)
    assert set(found) == KEYS
    assert all(set(i) == ITEM_KEYS for i in found["items"])


def test_json_says_who_applies_the_control(curator, lst):
    assert weigh_json(curator, lst)["adopters"] == {
        "by": "unilateral",
        "jurisdictions": ["US"],
        "as_of": "",
    }


def test_json_expression_joins_paragraphs_with_or(curator, lst):
    assert weigh_json(curator, lst)["expression"] == (
        "tpp >= 4800 or (datacenter == true and tpp >= 1600 and performance_density >= 5.92)"
    )


def test_json_names_the_capturing_paragraph(curator, lst):
    captured = {c["item"]: c["paragraph"] for c in weigh_json(curator, lst)["captured"]}
    assert captured == {
        "a100": "3A090.a.1",
        "a800": "3A090.a.1",
        "ascend-910b": "3A090.a.1",
        "l4": "3A090.a.2",
        "rtx-4090": "3A090.a.1",
    }


def test_json_reports_each_items_outcome_and_the_counts(curator, lst):
    found = weigh_json(curator, lst)
    assert ids(found, "leak") == []
    assert ids(found, "overreach") == ["rtx-4090"]
    assert ids(found, "foreign-made") == ["ascend-910b"]
    assert found["unknown"] == ["mystery"]
    assert found["counts"]["leaks"] == {"min": 0, "max": 0}
    assert found["counts"]["overreach"] == {"min": 1, "max": 1}
    assert found["verdict"] == "too-tight"


def test_json_gives_the_basis_of_each_judgement(curator, lst):
    rtx = next(i for i in weigh_json(curator, lst)["items"] if i["item"] == "rtx-4090")
    assert rtx["concern"] == {
        "of_concern": False,
        "basis": "the capability of GeForce RTX 4090",
        "by": "record",
        "assessed": "chair, 2026-01-15",
        "dissents": [],
    }


def test_text_table_shows_paragraph_outcome_and_reason(curator, lst):
    run = weigh(curator, lst)
    assert run.code == 0, run.err
    assert row(run.out, "rtx-4090").split("  ")[-1].strip() == "tpp 5,285 ≥ 4,800"
    assert "3A090.a.1" in row(run.out, "rtx-4090")
    assert "overreach (mass market)" in row(run.out, "rtx-4090")
    assert "captured, foreign-made" in row(run.out, "ascend-910b")
    assert "3A090.a.2" in row(run.out, "l4")


def test_text_shows_unknown_items_with_what_they_lack(curator, lst):
    line = row(weigh(curator, lst).out, "mystery")
    assert "—" in line
    assert "unknown" in line
    assert "no tpp" in line


def test_text_ends_with_the_verdict(curator, lst):
    out = weigh(curator, lst).out.rstrip().splitlines()
    assert out[-1].startswith("verdict: too-tight")


def test_items_outside_the_scope_are_counted_not_listed(curator, lst):
    lst.write(
        "catalogue/switch.toml",
        'id = "switch"\nname = "Switch"\norigin = "US"\nsources = ["x"]\n\n'
        "[params]\ninterconnect = 900\n",
    )
    out = weigh(curator, lst).out
    assert "outside its scope 1" in out
    assert not any(line.startswith("switch ") for line in out.splitlines())


def test_text_gives_the_basis_of_every_leak_and_overreach(curator, lst):
    out = weigh(curator, lst).out
    assert (
        "  rtx-4090 (overreach): not of concern — the capability of GeForce RTX 4090 "
        "[chair, 2026-01-15]" in out
    )


def test_a_disputed_item_is_reported_apart_and_the_counts_become_ranges(curator, lst):
    text = lst.read("catalogue/h20.toml").replace(
        "\n[params]",
        '\n[[concern.dissents]]\nmember = "academia-1"\nbasis = "trains large models"\n\n[params]',
    )
    lst.write("catalogue/h20.toml", text)
    out = weigh(curator, lst).out
    table, disputed = out.split("disputed — a member dissents")
    assert not any(line.startswith("h20 ") for line in table.splitlines())
    assert "not captured; leak if the dissent holds" in row(disputed, "h20")
    assert "h20: dissent (academia-1): trains large models" in disputed
    assert "leaks 0–1" in out
    assert "verdict: too-tight — " in out
    assert "both if the dissents hold" in out


def test_item_without_match_or_sweep_is_a_usage_error(curator, lst):
    run = weigh(curator, lst, "--item", "a.2")
    assert run.code == 2
    assert "--match replaces or --sweep varies" in run.err


# ---------------------------------------------------------------- what if


def test_oct_2022_match_makes_a800_a_leak_while_a100_stays_captured(curator, lst):
    found = weigh_json(curator, lst, "--match", OCT_2022)
    assert "a800" in ids(found, "leak")
    assert [c["item"] for c in found["captured"]] == ["a100"]
    assert found["captured"][0]["paragraph"] == "3A090"
    assert found["change"]["verdict_before"] == "too-tight"
    assert found["change"]["verdict_after"] == "too-loose"
    assert "a800" in found["change"]["released"]


def test_match_json_carries_the_current_weighing_as_before(curator, lst):
    found = weigh_json(curator, lst, "--match", OCT_2022)
    assert set(found["before"]) == KEYS
    assert set(found["change"]) == {"newly_captured", "released", "verdict_before", "verdict_after"}
    assert found["before"]["verdict"] == "too-tight"


def test_match_text_marks_released_items_and_the_verdict_change(curator, lst):
    out = weigh(curator, lst, "--match", OCT_2022).out
    assert "leak, released" in row(out, "a800")
    assert "verdict: too-tight → too-loose" in out


def test_match_with_item_replaces_only_that_paragraph(curator, lst):
    found = weigh_json(curator, lst, "--item", "a.1", "--match", "tpp >= 6000")
    captured = {c["item"]: c["paragraph"] for c in found["captured"]}
    assert captured == {"a100": "3A090.a.2", "a800": "3A090.a.2", "l4": "3A090.a.2"}
    assert found["change"]["verdict_after"] == "balanced"


# ---------------------------------------------------------------- sweep


def test_sweeping_one_paragraph_keeps_the_others_in_force(curator, lst):
    found = weigh_json(curator, lst, "--item", "a.1", "--sweep", "tpp")["sweep"]
    points = found["points"]
    assert found["paragraph"] == "a.1"
    assert [p["threshold"] for p in points] == [1936, 2368, 4800, 4992, 5120, 5285]
    # a.2 stays in force: the L4 (1,936, density 6.57), A100 and A800 (density 6.04) are
    # captured at every threshold, so nothing leaks; the Ascend 910B (no density) is unknown
    # above its own 5,120
    assert [p["leaks"]["max"] for p in points] == [0, 0, 0, 0, 0, 0]
    assert [p["overreach"]["max"] for p in points] == [2, 2, 1, 1, 1, 1]
    assert [p["captured"] for p in points] == [6, 6, 5, 5, 5, 4]
    assert found["balanced"] == []
    assert found["fewest_too_tight"] == [4800, 5285]


def test_the_sweeps_verdict_at_the_current_threshold_is_the_verdict(curator, lst):
    found = weigh_json(curator, lst, "--item", "a.1", "--sweep", "tpp")
    at = next(p for p in found["sweep"]["points"] if p["threshold"] == 4800)
    assert at["verdict"] == found["verdict"] == "too-tight"


def test_sweep_scales_the_other_paragraph_with_the_threshold(curator, lst):
    # a.2's 1600 moves to t/3, so L4 stays captured and no threshold leaks
    found = weigh_json(curator, lst, "--sweep", "tpp")["sweep"]
    assert [p["leaks"]["max"] for p in found["points"]] == [0, 0, 0, 0, 0, 0]
    assert found["fewest_too_tight"] == [4800, 5285]


def test_sweep_json_has_no_window_when_every_threshold_leaks(curator, lst):
    found = weigh_json(curator, lst, "--match", OCT_2022, "--sweep", "tpp")["sweep"]
    assert (found["balanced"], found["fewest_too_tight"]) == ([], None)


def test_sweep_text_draws_both_curves_with_the_markers(curator, lst):
    lst.write(
        "catalogue/rtx-4090.toml",
        lst.read("catalogue/rtx-4090.toml").replace("of_concern = false", "of_concern = true"),
    )
    out = weigh(curator, lst, "--sweep", "tpp").out
    assert "sweep of tpp in every paragraph" in out
    assert "●" in out and "○" in out
    assert "▲" in out and "━" in out
    assert "balanced on tpp: 4,800 – 5,285" in out


def test_sweep_text_says_when_there_is_no_balanced_threshold(curator, lst):
    out = weigh(curator, lst, "--match", OCT_2022, "--sweep", "tpp").out
    assert "no balanced threshold on tpp: every threshold leaks" in out


def test_sweep_on_a_parameter_the_expression_does_not_use_is_refused(curator, lst):
    run = weigh(curator, lst, "--sweep", "interconnect")
    assert run.code == 2
    assert "does not use it" in run.err
    assert "Traceback" not in run.err


# ---------------------------------------------------------------- bad input


def test_unknown_control_exits_1_with_a_suggestion(curator, lst):
    run = curator("weigh", "3A099", "--list", str(lst.root))
    assert run.code == 1
    assert "unknown control '3A099'" in run.err
    assert "did you mean 3A090" in run.err


def test_unparseable_match_exits_2_and_points_at_the_column(curator, lst):
    run = weigh(curator, lst, "--match", "tpp >= 4800 and tppp >= 1")
    assert run.code == 2
    assert "column 17" in run.err
    assert "did you mean 'tpp'" in run.err
    assert "Traceback" not in run.err


def test_a_flag_alone_in_match_is_answered_with_a_comparison_that_weighs(curator, lst):
    run = weigh(curator, lst, "--match", "datacenter and tpp >= 1600")
    assert run.code == 2
    assert "--match: column 1: 'datacenter' alone is not a condition: write datacenter == true" in (
        run.err
    )
    assert weigh(curator, lst, "--match", "datacenter == true and tpp >= 1600").code == 0


def test_a_flag_compared_with_a_number_is_answered_with_true_or_false(curator, lst):
    run = weigh(curator, lst, "--match", "datacenter >= 1")
    assert run.code == 2
    assert "'datacenter' is a yes/no flag: write datacenter == true" in run.err


def test_a_number_with_thousands_separators_is_refused_at_the_number(curator, lst):
    run = weigh(curator, lst, "--match", "tpp >= 6,000")
    assert run.code == 2
    assert "--match: column 8: numbers take no thousands separators: write 6000, not 6,000" in (
        run.err
    )
    assert "tuple" not in run.err


def test_a_control_without_criteria_says_how_to_propose_some(curator, lst):
    made = curator("new", "3A091", "--title", "Bare", "--area", "advanced-computing",
                   "--list", str(lst.root), "--as", "chair")  # fmt: skip
    assert made.code == 0, made.err
    run = curator("weigh", "3A091", "--list", str(lst.root))
    assert run.code == 1
    assert "3A091 has no paragraph with a match expression: give one with --match" in run.err


def test_unknown_paragraph_exits_1(curator, lst):
    run = weigh(curator, lst, "--item", "b", "--match", "tpp >= 1")
    assert run.code == 1
    assert "no paragraph 'b'" in run.err


def test_non_numeric_catalogue_parameter_is_reported_by_check(curator, lst):
    lst.write(
        "catalogue/a100.toml", lst.read("catalogue/a100.toml").replace("tpp = 4992", "tpp = true")
    )
    run = curator("check", "--list", str(lst.root))
    assert run.code == 1
    assert "catalogue/a100.toml:" in run.out
    assert "params.tpp: 'tpp' is measured in TPP: write a number" in run.out


def test_non_numeric_catalogue_parameter_is_weighed_as_unknown(curator, lst):
    lst.write(
        "catalogue/a100.toml", lst.read("catalogue/a100.toml").replace("tpp = 4992", "tpp = true")
    )
    assert "a100" in weigh_json(curator, lst)["unknown"]


def only_l4(lst) -> None:
    """Leave the L4 alone in the catalogue: it has no interconnect figure."""
    for path in (lst.root / "catalogue").glob("*.toml"):
        if path.stem != "l4":
            path.unlink()


def test_a_weighing_that_decides_no_item_says_so_and_names_the_missing_figure(curator, lst):
    only_l4(lst)
    run = weigh(curator, lst, "--match", "tpp >= 1000 and interconnect >= 600")
    assert run.code == 0, run.err
    assert (
        "verdict: balanced → undecided — no item in scope has the figures this control's "
        "criteria need; add the figures its unknown items lack (l4: no interconnect)"
    ) in run.out
    assert "no item of concern leaks" not in run.out


def test_json_of_a_weighing_that_decides_no_item_is_undecided(curator, lst):
    only_l4(lst)
    found = weigh_json(curator, lst, "--match", "tpp >= 1000 and interconnect >= 600")
    assert found["change"]["verdict_after"] == "undecided"
    assert found["unknown"] == ["l4"]


def test_empty_catalogue_says_there_is_nothing_to_weigh_against(curator, lst):
    shutil.rmtree(lst.root / "catalogue")
    run = weigh(curator, lst)
    assert run.code == 0, run.err
    assert "nothing to weigh against" in run.out


def test_empty_catalogue_json_has_no_verdict_to_give(curator, lst):
    shutil.rmtree(lst.root / "catalogue")
    found = weigh_json(curator, lst, "--sweep", "tpp")
    assert found["verdict"] == "nothing-to-weigh"
    assert found["captured"] == []
    assert found["sweep"]["balanced"] == []
