"""`curator member`: the chair keeps the roster in list.toml without editing TOML; a list has
exactly one chair; every refusal leaves list.toml as it was."""

from __future__ import annotations

import json

import pytest

from curator.core import roster
from curator.core.model import Member
from curator.store.index.load import load


def members(lst) -> dict[str, str]:
    manifest = load(lst.root).manifest
    assert manifest is not None
    return {m.id: m.role for m in manifest.members}


def add(cli, lst, member_id="industry-2", *, email=None, role="member", name="Industry member 2",
        acting="chair"):  # fmt: skip
    email = f"{member_id}@example.org" if email is None else email
    return cli("member", "add", member_id, "--name", name, "--email", email, "--role", role,
               "--as", acting, "--list", str(lst.root))  # fmt: skip


def member(cli, lst, *args, acting="chair"):
    return cli("member", *args, "--as", acting, "--list", str(lst.root))


def test_add_writes_a_member_who_can_then_act(lst, cli):
    run = add(cli, lst)
    assert run.code == 0, run.err
    assert "added industry-2" in run.out
    assert members(lst)["industry-2"] == "member"
    assert cli("check", "--list", str(lst.root)).code == 0
    assert cli("fmt", "--check", "--list", str(lst.root)).code == 0
    made = cli("new", "4A906", "--title", "Q", "--area", "quantum", "--as", "industry-2",
               "--list", str(lst.root))  # fmt: skip
    assert made.code == 0, made.err


def test_add_keeps_the_comments_in_list_toml(lst, cli):
    text = lst.read("list.toml").replace(
        '[[members]]\nid = "industry-1"', '# seat held for industry\n[[members]]\nid = "industry-1"'
    )
    lst.write("list.toml", "# the committee's list\n" + text.replace(
        'role = "observer"', 'role = "observer"  # until the vote'
    ))  # fmt: skip
    assert add(cli, lst).code == 0
    written = lst.read("list.toml")
    assert written.startswith("# the committee's list\n")
    assert '# seat held for industry\n[[members]]\nid = "industry-1"' in written
    assert 'role = "observer"  # until the vote' in written
    assert cli("fmt", "--check", "--list", str(lst.root)).code == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"member_id": "industry-1"}, "'industry-1' is already a member"),
        ({"email": "INDUSTRY-1@example.org"}, "is already the email of 'industry-1'"),
        ({"email": "not-an-email"}, "--email: 'not-an-email' is not a valid email address"),
        ({"email": "two@at@example.org"}, "is not a valid email address"),
        ({"email": "space d@example.org"}, "is not a valid email address"),
        ({"member_id": "Industry_2"}, "'Industry_2' is not a valid member id"),
        ({"name": " "}, "--name: the name must be one line"),
        (
            {"role": "chiar"},
            "'chiar' is not a role; the roles are chair, member, observer (did you mean 'chair'?)",
        ),
    ],
    ids=[
        "duplicate id",
        "duplicate email",
        "invalid email",
        "two @",
        "space",
        "bad id",
        "empty name",
        "unknown role",
    ],
)
def test_add_refuses_bad_input_and_leaves_list_toml_unchanged(lst, cli, kwargs, message):
    before = lst.snapshot()
    run = add(cli, lst, **kwargs)
    assert run.code == 1
    assert message in run.err
    assert run.err.startswith("curator: ")
    assert "Traceback" not in run.err
    assert lst.snapshot() == before


@pytest.mark.parametrize(
    ("acting", "message"),
    [
        ("industry-1", "only the chair may do this; industry-1 is a member"),
        ("observer-1", "observer-1 is an observer"),
        ("mallory", "'mallory' is not a member of this list"),
    ],
)
def test_only_the_chair_changes_the_roster(lst, cli, acting, message):
    before = lst.snapshot()
    for run in (
        add(cli, lst, acting=acting),
        member(cli, lst, "remove", "academia-1", acting=acting),
        member(cli, lst, "set-role", "academia-1", "observer", acting=acting),
    ):
        assert run.code == 1
        assert message in run.err
    assert lst.snapshot() == before


def test_the_chair_is_recognised_by_git_email(lst, cli, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\temail = Chair@Example.org\n\tname = C\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    run = cli("member", "add", "industry-2", "--name", "I2", "--email", "i2@example.org",
              "--list", str(lst.root))  # fmt: skip
    assert run.code == 0, run.err


def test_set_role_chair_hands_the_chair_over_in_one_write(lst, cli):
    run = member(cli, lst, "set-role", "academia-1", "chair")
    assert run.code == 0, run.err
    assert "academia-1 is now chair" in run.out
    assert "chair handed the chair over and is now a member" in run.out
    roles = members(lst)
    assert (roles["academia-1"], roles["chair"]) == ("chair", "member")
    assert cli("check", "--list", str(lst.root)).code == 0
    # the former chair is now refused what only the chair may do
    again = member(cli, lst, "set-role", "industry-1", "observer", acting="chair")
    assert again.code == 1
    assert "only the chair may do this; chair is a member" in again.err


def test_adding_a_chair_hands_the_chair_over(lst, cli):
    run = add(cli, lst, "chair-2", role="chair")
    assert run.code == 0, run.err
    assert "chair handed the chair over" in run.out
    assert [m for m, role in members(lst).items() if role == "chair"] == ["chair-2"]


def test_the_chair_cannot_step_down_without_a_successor(lst, cli):
    before = lst.snapshot()
    for run in (
        member(cli, lst, "set-role", "chair", "member"),
        member(cli, lst, "remove", "chair"),
    ):
        assert run.code == 1
        assert "'chair' is the chair, and a list has exactly one chair" in run.err
        assert "curator member set-role OTHER chair" in run.err
    assert lst.snapshot() == before


def test_set_role_to_the_same_role_writes_nothing(lst, cli):
    before = lst.snapshot()
    run = member(cli, lst, "set-role", "industry-1", "member")
    assert run.code == 0
    assert "already member: list.toml unchanged" in run.out
    assert lst.snapshot() == before


def test_remove_takes_the_member_and_their_comments_in_list_toml_only(lst, cli):
    text = lst.read("list.toml")
    text = text.replace(
        '[[members]]\nid = "industry-1"', '# leaving in June\n[[members]]\nid = "industry-1"'
    )
    text = text.replace(
        '[[members]]\nid = "academia-1"', '# from the university\n[[members]]\nid = "academia-1"'
    )
    lst.write("list.toml", text)  # fmt: skip
    run = member(cli, lst, "remove", "industry-1")
    assert run.code == 0, run.err
    assert "industry-1" not in members(lst)
    written = lst.read("list.toml")
    assert "leaving in June" not in written
    assert '# from the university\n[[members]]\nid = "academia-1"' in written
    assert cli("fmt", "--check", "--list", str(lst.root)).code == 0
    assert cli("check", "--list", str(lst.root)).code == 0


def test_remove_refuses_the_author_of_comments_and_suggests_observer(lst, cli):
    commented = cli("comment", "3A090", "-m", "Too tight.", "--as", "academia-1",
                    "--list", str(lst.root))  # fmt: skip
    assert commented.code == 0, commented.err
    before = lst.snapshot()
    run = member(cli, lst, "remove", "academia-1")
    assert run.code == 1
    assert "'academia-1' is the author of 1 comment" in run.err
    assert "curator member set-role academia-1 observer" in run.err
    assert lst.snapshot() == before
    assert member(cli, lst, "set-role", "academia-1", "observer").code == 0
    assert cli("check", "--list", str(lst.root)).code == 0  # the comment is still attributed


def test_remove_refuses_the_proposer_of_a_control(lst, cli):
    made = cli("new", "4A906", "--title", "Q", "--area", "quantum", "--as", "academia-1",
               "--list", str(lst.root))  # fmt: skip
    assert made.code == 0, made.err
    run = member(cli, lst, "remove", "academia-1")
    assert run.code == 1
    assert "the author of 1 proposed control" in run.err


def test_an_unknown_id_names_the_members_and_the_closest(lst, cli):
    before = lst.snapshot()
    run = member(cli, lst, "remove", "industry-7")
    assert run.code == 1
    assert "'industry-7' is not a member of this list; its members are chair, industry-1" in run.err
    assert "(did you mean 'industry-1'?)" in run.err
    assert lst.snapshot() == before


def test_a_broken_list_toml_is_never_rewritten(lst, cli):
    broken = lst.read("list.toml").replace('title = "Test list"', 'title = "Test list')
    lst.write("list.toml", broken)
    before = lst.snapshot()
    run = add(cli, lst)
    assert run.code == 1
    assert "list.toml is broken: run `curator check`" in run.err
    assert lst.snapshot() == before


def test_a_list_with_two_chairs_must_settle_on_one(lst, cli):
    lst.write("list.toml", lst.read("list.toml").replace(
        'id = "academia-1"\nname = "Academic member 1"\nrole = "member"',
        'id = "academia-1"\nname = "Academic member 1"\nrole = "chair"',
    ))  # fmt: skip
    before = lst.snapshot()
    run = add(cli, lst)
    assert run.code == 1
    assert "list.toml names 2 chairs (chair, academia-1)" in run.err
    assert lst.snapshot() == before
    # while two are named, neither acts as the chair: list.toml is settled by hand
    run = member(cli, lst, "set-role", "academia-1", "chair")
    assert run.code == 1
    assert "none of them acts until list.toml names one" in run.err
    assert lst.snapshot() == before


def test_member_list_shows_the_roster(lst, cli):
    run = cli("member", "list", "--list", str(lst.root))
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split() == ["chair", "chair", "Committee", "chair", "<chair@example.org>"]
    assert lines[-1].split()[:2] == ["observer-1", "observer"]


def test_member_list_as_json(lst, cli):
    run = cli("member", "list", "--format", "json", "--list", str(lst.root))
    assert run.code == 0
    assert json.loads(run.out)[1] == {
        "id": "industry-1",
        "name": "Industry member 1",
        "role": "member",
        "email": "industry-1@example.org",
    }


# -- the rules, as values ---------------------------------------------------------------------

CHAIR = Member("chair", "Chair", "chair", "chair@example.org")
ALICE = Member("alice", "Alice", "member", "alice@example.org")


def test_the_rules_return_problems_with_their_data():
    change = roster.add_member((CHAIR, ALICE), Member("alice", "A2", "member", "a2@example.org"))
    [problem] = change.problems
    assert (problem.field, problem.value, problem.code) == ("id", "alice", "duplicate-id")
    assert change.members == (CHAIR, ALICE)
    assert not change.changed


def test_one_chair_is_the_rule_for_any_roster():
    assert roster.chair_problems((CHAIR, ALICE)) == ()
    assert [p.code for p in roster.chair_problems((ALICE,))] == ["no-chair"]
    two = roster.chair_problems((CHAIR, Member("bob", "Bob", "chair")))
    assert [(p.code, p.value) for p in two] == [("chairs", "chair, bob")]
