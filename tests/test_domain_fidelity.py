"""The bundled list weighs real products the way the real rules do, from its own data alone
(lists/emerging-tech): who is captured, on what basis, by whose rules, and on which figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.core import criteria
from curator.core.weigh import (
    NOT_CAPTURED,
    NOTHING_TO_WEIGH,
    UNDECIDED,
    UNKNOWN,
    amended,
    criteria_of,
    deciding_atoms,
    setting_of,
    weigh,
    what_if,
)
from curator.store.index.load import load

LIST = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"
OCT_2022 = "tpp >= 4800 and interconnect >= 600"
UNSUPPORTED = ("[unconfirmed", "[M", "not recorded")


@pytest.fixture(scope="module")
def bundled():
    return load(LIST)


def weighing(bundled, control_id: str, item: str | None = None, match: str | None = None):
    control = bundled.controls[control_id]
    found = (
        criteria_of(control, bundled.parameters)
        if match is None
        else amended(control, bundled.parameters, item, match)
    )
    setting = setting_of(control, bundled.manifest)
    return weigh(found, bundled.catalogue, setting, control_id)


def test_the_bundled_list_loads_without_problems(bundled):
    assert [p.render() for p in bundled.problems] == []


def test_at_least_eight_controls_are_weighable_against_the_catalogue(bundled):
    # weighable: some item within scope is decided, so the verdict says something
    weighable = [
        cid
        for cid, control in sorted(bundled.controls.items())
        if control.criteria and weighing(bundled, cid).verdict not in (UNDECIDED, NOTHING_TO_WEIGH)
    ]
    assert len(weighable) >= 8, weighable
    assert {"3A904", "2B910"} <= set(weighable)


# ---------------------------------------------------------------- 3A090


@pytest.mark.parametrize(
    "chip",
    [
        "nvidia-a100",
        "nvidia-a800",
        "nvidia-h100-sxm",
        "nvidia-h100-pcie",
        "nvidia-h800",
        "nvidia-h200",
        "nvidia-l40s",
        "amd-mi250x",
        "amd-mi300x",
        "intel-gaudi-2",
    ],
)
def test_3a090_a1_captures_the_frontier_accelerators(bundled, chip):
    assert dict(weighing(bundled, "3A090").captured)[chip] == "3A090.a.1"


def test_l4_is_captured_only_by_3a090_a2(bundled):
    control = bundled.controls["3A090"]
    params = bundled.catalogue["nvidia-l4"].params
    true = [
        label
        for label, expr in criteria_of(control, bundled.parameters)
        if criteria.evaluate(expr, params) is True
    ]
    assert true == ["a.2"]


@pytest.mark.parametrize(
    "chip", ["nvidia-h20", "nvidia-l20", "nvidia-l2", "nvidia-rtx-4090d", "nvidia-rtx-4080"]
)
def test_3a090_does_not_capture_the_chips_designed_below_it(bundled, chip):
    assert weighing(bundled, "3A090").outcome(chip).truth is False


@pytest.mark.parametrize("chip", ["nvidia-a800", "nvidia-h800"])
def test_the_china_variants_leak_under_the_2022_text_and_are_captured_under_2023(bundled, chip):
    before = weighing(bundled, "3A090", match=OCT_2022)
    now = weighing(bundled, "3A090")
    assert before.outcome(chip).outcome == "leak"
    assert now.outcome(chip).outcome == "captured"
    assert chip in what_if(before, now).newly_captured


def test_the_2022_text_keeps_the_a100_and_h100_captured(bundled):
    captured = set(weighing(bundled, "3A090", match=OCT_2022).captured_ids)
    assert {"nvidia-a100", "nvidia-h100-sxm", "nvidia-h100-pcie"} <= captured


def test_the_h20_is_not_captured_and_its_concern_is_disputed_on_sourced_grounds(bundled):
    outcome = weighing(bundled, "3A090").outcome("nvidia-h20")
    assert outcome.truth is False
    assert outcome.disputed
    assert (outcome.outcome, outcome.if_dissents_hold) == ("not-captured", "leak")
    item = bundled.catalogue["nvidia-h20"]
    said = " ".join([item.concern.basis, *item.concern.sources, *item.sources])
    said += " ".join(d.basis for d in item.concern.dissents)
    assert "April 9, 2025" in said and "8-K" in said  # the licence requirement
    assert "July 2025" in said or "July 14, 2025" in said  # and its reversal
    assert any("kesq.com" in s or "btimesonline" in s for s in item.concern.sources)


@pytest.mark.parametrize("chip", ["huawei-ascend-910", "huawei-ascend-910b", "huawei-ascend-910c"])
def test_the_ascend_chips_are_captured_as_foreign_made_targets(bundled, chip):
    outcome = weighing(bundled, "3A090").outcome(chip)
    assert outcome.captured
    assert outcome.outcome == "foreign-made"
    assert outcome.reach is not None and outcome.reach.applies == "yes"


def test_the_ascend_chips_do_not_make_3a090_too_tight(bundled):
    result = weighing(bundled, "3A090")
    assert result.verdict != "too-tight"
    assert result.undermined == ()
    without = {k: v for k, v in bundled.catalogue.items() if not k.startswith("huawei-ascend")}
    control = bundled.controls["3A090"]
    rest = weigh(
        criteria_of(control, bundled.parameters),
        without,
        setting_of(control, bundled.manifest),
        "3A090",
    )
    assert rest.verdict == result.verdict


def test_the_rtx_4090_is_captured_with_license_exceptions_nac_aca(bundled):
    outcome = weighing(bundled, "3A090").outcome("nvidia-rtx-4090")
    assert outcome.paragraph == "3A090.a.1"
    assert outcome.outcome == "exception"
    assert outcome.exceptions == ("NAC/ACA",)


def test_4a090_weighs_servers_not_bare_chips(bundled):
    result = weighing(bundled, "4A090")
    assert set(result.captured_ids) == {"nvidia-dgx-h100", "nvidia-hgx-h100-8gpu"}
    assert "nvidia-h100-sxm" in result.outside
    assert result.outcome("nvidia-hgx-h20").outcome == "not-captured"


# ---------------------------------------------------------------- 4A906

BANDS = [  # (fewest qubits, fewer than, C-NOT error at most): 4A906.a.1 to a.8
    (34, 100, 1e-4),
    (100, 200, 1e-3),
    (200, 350, 2e-3),
    (350, 500, 3e-3),
    (500, 700, 4e-3),
    (700, 1100, 5e-3),
    (1100, 2000, 6e-3),
    (2000, float("inf"), float("inf")),
]


def test_4a906_captures_exactly_what_its_bands_say(bundled):
    result = weighing(bundled, "4A906")
    checked = 0
    for item in bundled.catalogue.values():
        p = item.params
        if not {"qubits", "cnot_error", "gate_based"} <= set(p):
            continue
        expected = p["gate_based"] is True and any(
            lo <= p["qubits"] < hi and p["cnot_error"] <= most for lo, hi, most in BANDS
        )
        assert result.outcome(item.id).captured == expected, item.id
        checked += 1
    assert checked >= 20


def test_annealers_and_analog_simulators_are_released_by_note_1(bundled):
    result = weighing(bundled, "4A906")
    for machine in ("dwave-advantage", "quera-aquila", "pasqal-1024"):
        assert result.outcome(machine).truth is False


def test_atom_computings_loaded_atoms_are_not_counted_as_qubits(bundled):
    item = bundled.catalogue["atom-computing"]
    assert "qubits" not in item.params
    assert "1,225-site" in item.notes
    assert weighing(bundled, "4A906").outcome("atom-computing").outcome == "unknown"


def test_4a906_is_applied_by_its_plurilateral_partners_including_finland(bundled):
    adopters = bundled.adopters(bundled.controls["4A906"])
    assert adopters.by == "plurilateral"
    assert {"US", "GB", "FR", "NL", "CA", "ES", "DE", "JP", "FI"} <= set(adopters.jurisdictions)


def test_regime_entries_are_applied_by_their_regimes_members(bundled):
    assert bundled.adopters(bundled.controls["3D006"]).by == "wassenaar"
    australia = bundled.adopters(bundled.controls["2D352"])
    assert australia.by == "australia-group" and "EU" in australia.jurisdictions


# ---------------------------------------------------------------- 3A904 and 2B910

COOLERS_BELOW_3A904 = {
    # item: the comparison that keeps it out, and a word of the committee's basis
    "cryomech-pt405": ("cooling_power_4k2 0.5 < 1.5", "0.5 W"),
    "sumitomo-srdk-415d": ("two_stage_pulse_tube false ≠ true", "Gifford-McMahon"),
    "manchester-tiltable-dilution-refrigerator": ("cooling_power_100mk 2 < 600", "microwatt"),
}


@pytest.mark.parametrize("item", sorted(COOLERS_BELOW_3A904))
def test_3a904_releases_the_coolers_below_it_on_their_sourced_figures(bundled, item):
    outcome = weighing(bundled, "3A904").outcome(item)
    comparison, basis = COOLERS_BELOW_3A904[item]
    assert outcome.outcome == NOT_CAPTURED
    assert comparison in outcome.reason
    assert outcome.concern.of_concern is False and outcome.concern.by == "record"
    assert basis in outcome.concern.basis


def test_a_cryocooler_has_no_cooling_power_at_a_tenth_of_a_kelvin(bundled):
    # 3A904.a is decided for 4 K coolers from their reach, not left unknown
    for item in ("cryomech-pt405", "sumitomo-srdk-415d"):
        assert "cooling_power_100mk 0 < 600" in weighing(bundled, "3A904").outcome(item).reason


@pytest.mark.parametrize(
    "item", ["ezq-fridge-dilution-refrigerator", "origin-quantum-dilution-refrigerator"]
)
def test_3a904_cannot_yet_decide_the_chinese_dilution_refrigerators(bundled, item):
    outcome = weighing(bundled, "3A904").outcome(item)
    assert outcome.outcome == UNKNOWN
    assert outcome.reason == "no cooling_power_100mk, no cooling_duration"
    assert outcome.concern.of_concern is True
    assert outcome.foreign_made and outcome.origin == "CN"


def test_3a904_captures_nothing_leaks_nothing_and_says_what_it_cannot_weigh(bundled):
    result = weighing(bundled, "3A904")
    assert (len(result.weighed), result.captured, result.leaks, result.overreach) == (5, (), (), ())
    assert result.verdict == "balanced"
    assert result.verdict_text().endswith("2 unknown item(s) not weighed: add their figures")


def test_2b910_releases_a_printer_without_a_laser_beam_or_arc_source(bundled):
    outcome = weighing(bundled, "2B910").outcome("markforged-metal-x")
    assert outcome.outcome == NOT_CAPTURED
    assert outcome.reason == "consolidation_laser_eb_arc false ≠ true"
    assert outcome.concern.of_concern is False and "sintering" in outcome.concern.basis


def test_2b910_leaves_the_eos_machine_unknown_for_want_of_its_sensor_position_alone(bundled):
    outcome = weighing(bundled, "2B910").outcome("eos-m290-smart-fusion")
    item = bundled.catalogue["eos-m290-smart-fusion"]
    assert outcome.outcome == UNKNOWN and outcome.concern.of_concern is True
    assert outcome.reason == "no coaxial_paraxial_monitoring"
    assert {p: item.params[p] for p in ("metal_am", "controlled_atmosphere")} == {
        "metal_am": True,
        "controlled_atmosphere": True,
    }
    assert "[unconfirmed]" in item.notes


def test_2b910_is_balanced_with_one_item_it_cannot_weigh(bundled):
    result = weighing(bundled, "2B910")
    assert (result.verdict, len(result.weighed), result.unknown) == (
        "balanced",
        2,
        ("eos-m290-smart-fusion",),
    )


def test_a_2b910_proposal_on_closed_loop_and_co_axial_monitoring_alone_is_undecided(bundled):
    # the bound-powder printer records neither feature, so only the EOS machine is in scope
    proposal = "closed_loop_control == true and coaxial_paraxial_monitoring == true"
    result = weighing(bundled, "2B910", "heading", proposal)
    assert result.unknown == ("eos-m290-smart-fusion",)
    assert result.verdict == UNDECIDED
    assert "eos-m290-smart-fusion: no coaxial_paraxial_monitoring" in result.verdict_text()


# ---------------------------------------------------------------- the figures


def test_no_capture_rests_on_an_unsupported_figure(bundled):
    for cid, control in sorted(bundled.controls.items()):
        if not control.criteria:
            continue
        found = criteria_of(control, bundled.parameters)
        for outcome in weighing(bundled, cid).outcomes:
            if not outcome.captured:
                continue
            item = bundled.catalogue[outcome.item]
            label = outcome.paragraph.removeprefix(f"{cid}.") if outcome.paragraph else ""
            expr = dict(found).get(label) or dict(found)[cid]
            for atom in deciding_atoms(expr, item.params):
                source = item.param_sources.get(atom.param, "")
                assert source, (cid, item.id, atom.param)
                assert not any(mark in source for mark in UNSUPPORTED), (cid, item.id, source)


@pytest.mark.parametrize(
    ("item", "param", "value"),
    [
        ("iqm-emerald", "qubits", 54),
        ("iqm-emerald", "gate_based", True),
        ("ibm-condor", "gate_based", True),
        ("fujitsu-riken-64", "gate_based", True),
        ("fujitsu-riken-256", "gate_based", True),
        ("iqm-radiance", "gate_based", True),
        ("iqm-garnet", "gate_based", True),
        ("nvidia-h800", "interconnect", 400),
        ("huawei-ascend-910b", "performance_density", 7.69),
    ],
)
def test_the_corrected_figures(bundled, item, param, value):
    assert bundled.catalogue[item].params[param] == value


def test_no_catalogue_source_is_a_bare_site_name_without_a_locator(bundled):
    for item in bundled.catalogue.values():
        for source in (*item.sources, *item.param_sources.values()):
            assert (
                "http" in source
                or " FR " in source
                or "arXiv" in source
                or "CFR" in source
                or (
                    "[" in source  # marked: not followable, said so
                )
            ), (item.id, source)


def test_4a090_no_longer_relies_on_the_rescinded_ai_diffusion_provisions(bundled):
    impact = bundled.controls["4A090"].impact
    assert "rescinded on May 13, 2025" in impact
    assert "RS applies to 4A090.a\nworldwide" not in impact


def test_2d352_is_not_called_the_first_control_to_complete_the_cycle(bundled):
    summary = bundled.controls["2D352"].summary
    assert "The first" not in summary
    assert "earlier Section 1758 items" in summary


@pytest.mark.parametrize(
    ("control", "citation"),
    [("3A090", "87 FR 62186"), ("4A906", "89 FR 72926"), ("2D352", "86 FR 54814")],
)
def test_entries_in_force_say_when_and_where(bundled, control, citation):
    assert bundled.controls[control].in_force.citation == citation


def test_weigh_cli_on_the_bundled_list(curator):
    run = curator("weigh", "3A090", "--list", str(LIST), "--format", "json")
    assert run.code == 0, run.err
    items = {i["item"]: i for i in json.loads(run.out)["items"]}
    assert items["huawei-ascend-910b"]["outcome"] == "foreign-made"
    assert items["nvidia-rtx-4090"]["exceptions"] == ["NAC/ACA"]


def test_a_weighing_names_the_notes_that_define_its_terms(bundled):
    definitions = dict(weighing(bundled, "4A906").definitions)
    assert definitions["cnot_error"] == "Technical Note 6 to 4A906"
    assert definitions["qubits"] == "Technical Notes 1 to 5 to 4A906"
    assert dict(weighing(bundled, "3A090").definitions)["tpp"] == (
        "Technical Note 2 to 3A090.a and 3A090.b"
    )
