"""Refusals: the core says what is wrong and where (a typed error with its field), the CLI says
it in the words of its options, as `curator: …` or `path: …`, and chooses the exit code from
the kind of error (docs/design.md §7)."""

from __future__ import annotations

import pytest
from conftest import CONTROL_3A090

from curator.cli.common import exit_code, rendered
from curator.core import roles
from curator.core.model import Control, Manifest, Paragraph
from curator.core.problems import (
    Broken,
    CuratorError,
    InvalidExpression,
    InvalidValue,
    NotAllowed,
    NotFound,
    Refused,
    Unavailable,
)
from curator.core.weigh import NothingToWeigh, expressions_for


def run(curator, lst, *args, env=None):
    return curator(*args, "--list", str(lst.root), env=env)


def nobody(home):
    """An environment in which git names nobody."""
    return {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}


def test_a_value_the_command_cannot_take_exits_2_in_the_options_words(lst, curator):
    before = lst.snapshot()
    done = run(curator, lst, "comment", "3A090", "-m", " ", "--as", "industry-1")
    assert (done.code, done.out) == (2, "")
    assert done.err == "curator: the comment is empty: write something with -m TEXT or --file F\n"
    assert lst.snapshot() == before


def test_an_unknown_id_exits_1_and_names_what_was_meant(lst, curator):
    done = run(curator, lst, "weigh", "3A09O")
    assert done.code == 1
    assert done.err == "curator: unknown control '3A09O' (did you mean 3A090?)\n"


def test_an_unrecognised_member_is_told_how_to_be_recognised(lst, curator, tmp_path):
    done = run(curator, lst, "comment", "3A090", "-m", "hi", env=nobody(tmp_path))
    assert done.code == 1
    assert done.err == (
        "curator: you are not a member of this list: pass --as MEMBER, set CURATOR_MEMBER, or "
        "set `git config user.email` to the email listed for you in list.toml\n"
    )


def test_what_a_role_forbids_exits_1(lst, curator):
    done = run(curator, lst, "comment", "3A090", "-m", "hi", "--as", "observer-1")
    assert done.code == 1
    assert done.err == "curator: observer-1 is an observer: observers read but do not write\n"


def test_a_refusal_of_several_problems_exits_1(lst, curator):
    done = run(curator, lst, "comment", "3A090", "-m", "hi", "--as", "industry-l")
    assert done.code == 1
    assert done.err.startswith("curator: 'industry-l' is not a member of this list; ")
    assert done.err.endswith("(did you mean 'industry-1'?)\n")


def test_an_expression_that_does_not_read_is_shown_with_a_caret_under_its_column(lst, curator):
    done = run(curator, lst, "comment", "3A090", "-m", "hi", "--as", "industry-1",
               "--amend-item", "a.1", "--amend-match", "tpp >= 1 and tp < 5")  # fmt: skip
    assert done.code == 1
    assert done.err == (
        "curator: --amend-match: column 14: unknown parameter 'tp' (did you mean 'tpp'?)\n"
        "  tpp >= 1 and tp < 5\n"
        "               ^\n"
    )


def test_what_is_missing_around_the_list_exits_2(lst, curator):
    done = run(curator, lst, "diff")
    assert done.code == 2
    assert done.err == f"curator: {lst.root}: not inside a git repository\n"


def test_a_refusal_about_a_file_of_the_list_begins_with_its_path(lst, curator):
    broken = 'match = "tpp >= 4800"\n\n[[items.exceptions]]\nname = "NAC"\nwhen = "tpp == x"\n'
    lst.write("controls/3A090.toml", CONTROL_3A090.replace('match = "tpp >= 4800"\n', broken, 1))
    done = run(curator, lst, "weigh", "3A090")
    assert done.code == 1
    assert done.err.startswith("controls/3A090.toml: items[0].exceptions[0].when: ")
    assert done.err.endswith("(column 8): run `curator check`\n")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidValue("x", field="status", value="bogus"), 2),
        (Unavailable("git is not installed"), 2),
        (NotFound("x", field="control", value="3A099"), 1),
        (NotAllowed("x", field="member"), 1),
        (InvalidExpression("x", field="match", value="a >", column=3, reason="r"), 1),
        (Refused(()), 1),
        (Broken("list.toml is broken"), 1),
        (CuratorError("list.toml is broken"), 1),
    ],
)
def test_the_exit_code_is_the_kind_of_error(error, code):
    assert exit_code(error) == code


def test_a_value_given_with_an_option_is_named_by_it():
    refused = InvalidValue("'ZZ' is not a country code", field="to", value="ZZ")
    assert rendered(refused) == "curator: --to: 'ZZ' is not a country code"


def test_a_located_error_carries_its_place_and_says_it_first():
    err = CuratorError("not a CSV header", file="export.csv", line=1, field="header")
    assert (err.file, err.line, err.field) == ("export.csv", 1, "header")
    assert err.message == "export.csv:1: not a CSV header"
    assert rendered(err) == "export.csv:1: not a CSV header"


def test_the_core_names_fields_and_never_an_option(lst):
    # the TUI shows these too: which option to use is the CLI's to say
    manifest = Manifest(id="t", title="t")
    with pytest.raises(NotFound) as unknown:
        roles.require_writer(manifest, None, None)
    assert unknown.value.field == "member"
    assert "--" not in unknown.value.message and "CURATOR_MEMBER" not in unknown.value.message
    bare = Control(id="3A091", title="t", area="a", status="draft", items=(Paragraph("a", ""),))
    with pytest.raises(NothingToWeigh) as nothing:
        expressions_for(bare, {})
    assert nothing.value.field == "match"
    assert nothing.value.message == "3A091 has no paragraph with a match expression"
