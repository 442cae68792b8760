"""`check` on what weighing reads: concern records, regimes and jurisdictions, license
exceptions, notes, sourced figures, and paragraphs whose text and criteria disagree. Each bad
file is `path:line: key: message`, exit 1, nothing written; the rest of the list still loads."""

from __future__ import annotations

import json

import pytest

from curator.cli import main


@pytest.fixture
def listed(lst):
    """The fixture list, which declares the Wassenaar Arrangement and its members."""
    return lst


def check(lst, capsys) -> tuple[int, list[dict]]:
    before = lst.snapshot()
    code = main(["check", "--list", str(lst.root), "--format", "json"])
    assert lst.snapshot() == before  # check never writes
    return code, json.loads(capsys.readouterr().out)["problems"]


def check_text(lst, capsys) -> tuple[int, str]:
    code = main(["check", "--list", str(lst.root)])
    return code, capsys.readouterr().out


def edit(lst, rel: str, old: str, new: str) -> None:
    text = lst.read(rel)
    assert old in text
    lst.write(rel, text.replace(old, new, 1))


def line_of(lst, rel: str, needle: str) -> int:
    return next(n for n, line in enumerate(lst.read(rel).splitlines(), 1) if needle in line)


def test_the_fixture_list_checks_clean(listed, capsys):
    assert check(listed, capsys) == (0, [])


# ---------------------------------------------------------------- concern records


def test_a_concern_record_without_a_basis_is_refused_with_its_line(listed, capsys):
    edit(listed, "catalogue/h20.toml", 'basis = "the capability of NVIDIA H20"\n', "")
    code, out = check_text(listed, capsys)
    assert code == 1
    line = line_of(listed, "catalogue/h20.toml", "[concern]")
    assert f"catalogue/h20.toml:{line}: concern: missing required key 'basis'" in out
    assert "catalogue/a100.toml" not in out  # the rest still loads


def test_a_concern_record_without_a_source_is_refused(listed, capsys):
    edit(
        listed,
        "catalogue/h20.toml",
        'sources = ["test fixture"]\nassessed_by',
        "sources = []\nassessed_by",
    )
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["message"]) for p in problems] == [
        ("concern.sources", "Sources of the judgement needs at least 1 entry")
    ]


def test_the_old_of_concern_key_says_what_replaces_it(listed, capsys):
    edit(listed, "catalogue/h20.toml", "mass_market", "of_concern = false\nmass_market")
    code, problems = check(listed, capsys)
    assert code == 1
    (problem,) = problems
    assert (problem["code"], problem["line"]) == ("replaced-key", 4)
    assert "replaced by the [concern] table" in problem["message"]


def test_a_concern_assessed_by_someone_who_is_not_a_member_is_reported(listed, capsys):
    edit(listed, "catalogue/h20.toml", 'assessed_by = "chair"', 'assessed_by = "nobody"')
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"]) for p in problems] == [("concern.assessed_by", "unknown-member")]


def test_a_dissent_by_someone_who_is_not_a_member_is_reported(listed, capsys):
    edit(
        listed,
        "catalogue/h20.toml",
        "\n[params]",
        '\n[[concern.dissents]]\nmember = "stranger"\nbasis = "x"\n\n[params]',
    )
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"]) for p in problems] == [
        ("concern.dissents[0].member", "unknown-member")
    ]
    assert problems[0]["line"] == line_of(listed, "catalogue/h20.toml", 'member = "stranger"')


def test_a_figure_without_a_reference_is_reported(listed, capsys):
    edit(listed, "catalogue/h20.toml", 'tpp = "test fixture, tpp"\n', "")
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"]) for p in problems] == [("params.tpp", "unsourced-figure")]
    assert problems[0]["line"] == line_of(listed, "catalogue/h20.toml", "tpp = 2368")


# ---------------------------------------------------------------- who applies a control


def test_an_unknown_regime_is_reported_with_a_suggestion(listed, capsys):
    edit(listed, "controls/3A090.toml", 'regime = "unilateral"', 'regime = "wasenaar"')
    code, problems = check(listed, capsys)
    assert code == 1
    (problem,) = problems
    assert (problem["key"], problem["code"], problem["line"]) == ("regime", "unknown-regime", 7)
    assert "did you mean 'wassenaar'" in problem["message"]


def test_an_unknown_jurisdiction_code_is_reported_with_a_suggestion(listed, capsys):
    edit(
        listed,
        "controls/3A090.toml",
        'regime = "unilateral"',
        'regime = "plurilateral"\napplied_by = ["FI", "UK", "US"]',
    )
    code, problems = check(listed, capsys)
    assert code == 1
    (problem,) = problems
    assert (problem["key"], problem["code"]) == ("applied_by[1]", "unknown-jurisdiction")
    assert "did you mean GB, United Kingdom" in problem["message"]


def test_a_regime_members_code_is_checked(listed, capsys):
    edit(
        listed,
        "list.toml",
        'members = ["FR", "JP", "NL", "US"]',
        'members = ["FR", "JP", "NL", "US", "XQ"]',
    )
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["file"], p["key"], p["code"]) for p in problems] == [
        ("list.toml", "regimes.wassenaar.members[4]", "unknown-jurisdiction")
    ]


def test_a_plurilateral_control_must_name_who_applies_it(listed, capsys):
    edit(listed, "controls/3A090.toml", 'regime = "unilateral"', 'regime = "plurilateral"')
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"]) for p in problems] == [("regime", "no-adopters")]


# ---------------------------------------------------------------- exceptions and notes


NAC = """
[[items.exceptions]]
name = "NAC/ACA"
when = "datacenter == flase"
condition = "not designed or marketed for use in datacenters"
"""


def test_an_exception_whose_condition_does_not_parse_gives_its_line_and_column(listed, capsys):
    edit(listed, "controls/3A090.toml", 'match = "tpp >= 4800"\n', 'match = "tpp >= 4800"\n' + NAC)
    code, problems = check(listed, capsys)
    assert code == 1
    (problem,) = problems
    assert problem["key"] == "items[0].exceptions[0].when"
    assert problem["line"] == line_of(listed, "controls/3A090.toml", "when = ")
    assert "column 15" in problem["message"]


def test_a_note_defining_an_undeclared_parameter_is_reported(listed, capsys):
    note = '\n[[notes]]\nlabel = "Technical Note 2 to 3A090"\nkind = "technical-note"\ntext = "TPP is …"\ndefines = ["tps"]\n'
    listed.write("controls/3A090.toml", listed.read("controls/3A090.toml") + note)
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"]) for p in problems] == [
        ("notes[0].defines[0]", "unknown-parameter")
    ]
    assert "did you mean 'tpp'" in problems[0]["message"]


# ---------------------------------------------------------------- text and criteria


def test_criteria_the_text_does_not_state_are_reported(listed, capsys):
    edit(listed, "controls/3A090.toml", 'match = "tpp >= 4800"', 'match = "tpp >= 6000"')
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["key"], p["code"], p["line"]) for p in problems] == [
        ("items[0].match", "text-disagrees", line_of(listed, "controls/3A090.toml", "6000"))
    ] * 2
    assert [p["message"] for p in problems] == [
        "paragraph a.1: the text states 4,800, which the criteria do not use",
        "paragraph a.1: the criteria use 6,000, which the text does not state",
    ]


def test_a_number_written_with_a_thousands_comma_is_the_same_number(listed, capsys):
    edit(listed, "controls/3A090.toml", "of 4800 or more", "of 4,800 or more")
    assert check(listed, capsys) == (0, [])


def test_a_paragraph_citing_another_entrys_limits_is_held_to_that_entrys_text(listed, capsys):
    listed.write(
        "controls/4A090.toml",
        'id = "4A090"\ntitle = "Computers"\narea = "advanced-computing"\nstatus = "draft"\n\n'
        '[[items]]\nlabel = "a"\ntext = "Computers containing integrated circuits meeting 3A090.a.1."\n'
        'match = "tpp >= 4800"\n',
    )
    assert check(listed, capsys) == (0, [])
    edit(listed, "controls/4A090.toml", 'match = "tpp >= 4800"', 'match = "tpp >= 5000"')
    code, problems = check(listed, capsys)
    assert code == 1
    assert [p["message"] for p in problems] == [
        "paragraph a: the criteria use 5,000, which the text does not state"
    ]


def test_powers_of_ten_and_conversions_to_celsius_are_read_as_written(listed, capsys):
    control = (
        'id = "4A906"\ntitle = "Quantum computers"\narea = "quantum"\nstatus = "draft"\n\n'
        '[[items]]\nlabel = "a.7"\n'
        'text = "1,100 or more, but fewer than 2,000 qubits at 0.1 K (−273.05 °C), C-NOT error '
        'of less than or equal to 6 × 10^-3;"\n'
        'match = "1100 <= tpp < 2000 and interconnect <= 6e-3"\n'
    )
    listed.write("controls/4A906.toml", control)
    code, problems = check(listed, capsys)
    assert code == 1
    assert [p["message"] for p in problems] == [
        "paragraph a.7: the text states 0.1, which the criteria do not use"
    ]


# ---------------------------------------------------------------- amendments


def propose(lst, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(
        ["comment", "3A090", "-m", "Raise a.1", "--amend-item", "a.1",
         "--amend-match", "tpp >= 6000", *extra, "--as", "industry-1", "--list", str(lst.root)]
    )  # fmt: skip
    out = capsys.readouterr()
    return code, out.out.strip(), out.err


def test_a_proposed_text_that_disagrees_with_its_criteria_is_refused_and_nothing_written(
    listed, capsys
):
    before = listed.snapshot()
    text = "A 'total processing performance' of 4800 or more."
    code, _, err = propose(listed, capsys, "--amend-text", text)
    assert code == 1
    assert err.startswith("curator: the proposed text and criteria disagree: ")
    assert "the text states 4,800, which the criteria do not use" in err
    assert "the criteria use 6,000, which the text does not state" in err
    assert listed.snapshot() == before


def test_a_proposed_text_that_agrees_is_recorded_with_the_criteria(listed, capsys):
    code, path, _ = propose(listed, capsys, "--amend-text", "A 'TPP' of 6,000 or more; or")
    assert code == 0
    assert "text = \"A 'TPP' of 6,000 or more; or\"" in listed.read(path)
    assert check(listed, capsys) == (0, [])


def test_check_reports_a_comment_whose_amendment_text_disagrees(listed, capsys):
    _, path, _ = propose(listed, capsys, "--amend-text", "A 'TPP' of 6,000 or more; or")
    edit(listed, path, "6,000 or more", "4,800 or more")
    code, problems = check(listed, capsys)
    assert code == 1
    assert [(p["file"], p["key"], p["line"]) for p in problems] == [
        (path, "amendment.text", line_of(listed, path, "text = ")),
        (path, "amendment.text", line_of(listed, path, "text = ")),
    ]


def apply(lst, capsys, path: str) -> tuple[int, str]:
    code = main(["apply-amendment", path, "--as", "chair", "--list", str(lst.root)])
    return code, capsys.readouterr().err


def test_applying_criteria_without_text_is_refused_while_the_text_says_otherwise(listed, capsys):
    code, path, _ = propose(listed, capsys)
    assert code == 0
    before = listed.snapshot()
    code, err = apply(listed, capsys, path)
    assert code == 1
    assert "3A090 paragraph a.1 would contradict itself" in err
    assert "the text states 4,800, which the criteria do not use" in err
    assert listed.snapshot() == before


def test_applying_an_amendment_with_its_text_rewrites_both(listed, capsys):
    _, path, _ = propose(listed, capsys, "--amend-text", "A 'TPP' of 6,000 or more; or")
    code, err = apply(listed, capsys, path)
    assert code == 0, err
    text = listed.read("controls/3A090.toml")
    assert 'match = "tpp >= 6000"' in text
    assert "text = \"A 'TPP' of 6,000 or more; or\"" in text
    assert check(listed, capsys) == (0, [])
