"""`curator verify` holds history to the rules the verbs follow (curator.core.lifecycle and
curator.core.roles): every change only the chair may make, in both directions — undoing the
chair's decisions as well as taking them — is a finding when anyone else commits it, and none
when the chair does; what members may do by hand stays fine; files of the list changed by
someone who is not a member are findings; a list that names two chairs has none."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ListDir, make_list, run_curator
from gitrepo import committing_as

CONTROL = "controls/3A090.toml"
APPLIED = "discussion/3A090/2026-11-28T012200Z-industry-1.toml"


def commit_all(root: Path, who: str, message: str = "change") -> str:
    env = {**os.environ, **committing_as(who)}
    for args in (["add", "--all"], ["commit", "--quiet", "--allow-empty", "-m", message]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, ListDir]:
    root = tmp_path / "repo"
    lst = make_list(root / "lists" / "test-list")
    subprocess.run(["git", "init", "--quiet", "-b", "main"], cwd=root, check=True)
    commit_all(root, "chair", "the list")
    return root, lst


def verify(lst: ListDir) -> tuple[int, list[dict]]:
    run = run_curator("verify", "--format", "json", "--list", str(lst.root))
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    return run.code, json.loads(run.out)["problems"]


def replace_in(lst: ListDir, rel: str, old: str, new: str) -> None:
    text = lst.read(rel)
    assert old in text, f"{old!r} not in {rel}"
    lst.write(rel, text.replace(old, new, 1))


def status(value: str, proposer: str = "") -> Callable[[ListDir], None]:
    def change(lst: ListDir) -> None:
        text = lst.read(CONTROL)
        start = text.index('status = "')
        end = text.index("\n", start)
        owner = f'\nproposed_by = "{proposer}"' if proposer else ""
        lst.write(CONTROL, text[:start] + f'status = "{value}"{owner}' + text[end:])

    return change


def edit(old: str, new: str, rel: str = CONTROL) -> Callable[[ListDir], None]:
    return lambda lst: replace_in(lst, rel, old, new)


def remove(rel: str) -> Callable[[ListDir], None]:
    return lambda lst: (lst.root / rel).unlink()


def add_control(status_: str) -> Callable[[ListDir], None]:
    text = f'id = "3A091"\ntitle = "Another"\narea = "quantum"\nstatus = "{status_}"\n'
    return lambda lst: lst.write("controls/3A091.toml", text)


def nothing(lst: ListDir) -> None:
    pass


@dataclass(frozen=True)
class Case:
    """The chair sets the scene; then `change` is what only the chair may commit."""

    setup: Callable[[ListDir], None]
    change: Callable[[ListDir], None]
    says: str  # in the finding's message


RESERVED = {
    "withdrawing a published control, even one's own": Case(
        status("published", "industry-1"), status("withdrawn"), "status published → withdrawn"
    ),
    "final back to draft": Case(status("final"), status("draft"), "status final → draft"),
    "rejected back to draft, even one's own": Case(
        status("rejected", "industry-1"), status("draft"), "status rejected → draft"
    ),
    "deleting a final control": Case(
        status("final"), remove(CONTROL), "removing 3A090, a final control"
    ),
    "deleting a recommended control": Case(
        status("recommended"), remove(CONTROL), "removing 3A090, a recommended control"
    ),
    "deleting another member's draft": Case(
        status("draft", "academia-1"), remove(CONTROL), "removing 3A090, a draft control"
    ),
    "changing a published control's criteria": Case(
        status("published"),
        edit('match = "tpp >= 4800"', 'match = "tpp >= 6000"'),
        "changing 3A090, a published control",
    ),
    "changing a final control's text": Case(
        status("final"),
        edit("of 4800 or more", "of 6000 or more"),
        "changing 3A090, a final control",
    ),
    "making a control public": Case(
        edit('visibility = "public"', 'visibility = "committee"'),
        edit('visibility = "committee"', 'visibility = "public"'),
        "making 3A090 public",
    ),
    "recording an amendment as applied": Case(
        nothing,
        edit('match = "tpp >= 4800"', f'match = "tpp >= 4800"\namended_by = "{APPLIED}"'),
        f"recording 3A090.a.1 as amended by {APPLIED}",
    ),
    "claiming a proposal": Case(
        nothing, status("proposed", "industry-1"), "proposed_by (none) → industry-1"
    ),
    "creating a control as recommended": Case(
        nothing, add_control("recommended"), "creating 3A091 as recommended"
    ),
    "skipping a stage": Case(
        status("draft"), status("under-review"), "status draft → under-review"
    ),
    "retitling the list": Case(
        nothing, edit('"Test list"', '"Another list"', "list.toml"), "list.toml changed (title)"
    ),
    "moving the docket's deadline": Case(
        nothing,
        edit("2027-01-31", "2027-06-30", "list.toml"),
        "list.toml changed (docket)",
    ),
}


@pytest.mark.parametrize("case", RESERVED.values(), ids=RESERVED.keys())
def test_a_member_making_a_change_reserved_to_the_chair_is_caught(repo, case):
    root, lst = repo
    case.setup(lst)
    commit_all(root, "chair", "the chair's decision")
    case.change(lst)
    commit = commit_all(root, "industry-1", "by hand")
    code, problems = verify(lst)
    assert code == 1
    [problem] = problems
    assert (problem["commit"], problem["code"]) == (commit, "chair-only")
    assert case.says in problem["message"]
    assert "industry-1 <industry-1@example.org>" in problem["message"]


@pytest.mark.parametrize("case", RESERVED.values(), ids=RESERVED.keys())
def test_the_chair_making_it_is_fine(repo, case):
    root, lst = repo
    case.setup(lst)
    commit_all(root, "chair", "the chair's decision")
    case.change(lst)
    commit_all(root, "chair", "by hand")
    assert verify(lst) == (0, [])


ALLOWED = {
    "withdrawing one's own proposal under review": Case(
        status("under-review", "industry-1"), status("withdrawn"), ""
    ),
    "reopening one's own withdrawal": Case(status("withdrawn", "industry-1"), status("draft"), ""),
    "moving a proposal on to review": Case(nothing, status("under-review"), ""),
    "deleting one's own draft": Case(status("draft", "industry-1"), remove(CONTROL), ""),
    "creating a draft of one's own": Case(nothing, add_control("draft"), ""),
    "creating a proposal already withdrawn": Case(nothing, add_control("withdrawn"), ""),
    "correcting a catalogue item": Case(
        nothing, edit('name = "NVIDIA L4"', 'name = "NVIDIA L4 (PCIe)"', "catalogue/l4.toml"), ""
    ),
    "rewording a recommended control": Case(
        status("recommended"), edit("of 4800 or more", "of at least 4800"), ""
    ),
}


@pytest.mark.parametrize("case", ALLOWED.values(), ids=ALLOWED.keys())
def test_what_a_member_may_do_by_hand_is_fine(repo, case):
    root, lst = repo
    case.setup(lst)
    commit_all(root, "chair", "the chair's decision")
    case.change(lst)
    commit_all(root, "industry-1", "by hand")
    assert verify(lst) == (0, [])


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("mallory", "who is not a member of the list"),
        ("observer-1", "observer-1, an observer (observers read but do not write)"),
    ],
)
@pytest.mark.parametrize(
    "rel", ["catalogue/l4.toml", CONTROL], ids=["a catalogue item", "a control's wording"]
)
def test_a_change_by_someone_who_may_not_write_is_caught(repo, who, says, rel):
    root, lst = repo
    old = 'name = "NVIDIA L4"' if rel.startswith("catalogue") else "October 2023"
    replace_in(lst, rel, old, old.replace("L4", "L4 (PCIe)").replace("October ", ""))
    commit = commit_all(root, who, "a small fix")
    code, problems = verify(lst)
    assert code == 1
    [problem] = problems
    assert (problem["commit"], problem["file"], problem["code"]) == (commit, rel, "not-a-member")
    assert says in problem["message"]


# ---------------------------------------------------------------- one chair


def second_chair(lst: ListDir) -> None:
    replace_in(
        lst,
        "list.toml",
        'name = "Industry member 1"\nrole = "member"',
        'name = "Industry member 1"\nrole = "chair"',
    )


def test_while_the_list_names_two_chairs_neither_acts_as_chair(repo):
    root, lst = repo
    second_chair(lst)
    commit_all(root, "chair", "a second chair, by mistake")
    status("recommended")(lst)
    by_chair = commit_all(root, "chair", "recommend")
    code, problems = verify(lst)
    assert code == 1
    [problem] = problems
    assert (problem["commit"], problem["code"]) == (by_chair, "chair-only")
    assert "none acts: list.toml names 2 chairs, chair, industry-1" in problem["message"]


def test_while_the_list_names_two_chairs_each_may_still_act_as_a_member(repo):
    root, lst = repo
    second_chair(lst)
    commit_all(root, "chair", "a second chair, by mistake")
    status("under-review")(lst)
    commit_all(root, "industry-1", "to review")
    assert verify(lst) == (0, [])


@pytest.mark.parametrize("who", ["chair", "industry-1"])
def test_one_of_two_chairs_may_settle_on_one_by_hand(repo, who):
    root, lst = repo
    second_chair(lst)
    commit_all(root, "chair", "a second chair, by mistake")
    other = {"chair": "Committee chair", "industry-1": "Industry member 1"}[
        "industry-1" if who == "chair" else "chair"
    ]
    replace_in(
        lst, "list.toml", f'name = "{other}"\nrole = "chair"', f'name = "{other}"\nrole = "member"'
    )
    commit_all(root, who, "one chair again")
    status("recommended")(lst)
    commit_all(root, who, "recommend, as the one chair")
    assert verify(lst) == (0, [])


def test_a_member_cannot_settle_two_chairs_on_themselves(repo):
    root, lst = repo
    second_chair(lst)
    commit_all(root, "chair", "a second chair, by mistake")
    replace_in(
        lst,
        "list.toml",
        'name = "Committee chair"\nrole = "chair"',
        'name = "Committee chair"\nrole = "member"',
    )
    replace_in(
        lst,
        "list.toml",
        'name = "Industry member 1"\nrole = "chair"',
        'name = "Industry member 1"\nrole = "member"',
    )
    replace_in(
        lst,
        "list.toml",
        'name = "Academic member 1"\nrole = "member"',
        'name = "Academic member 1"\nrole = "chair"',
    )
    coup = commit_all(root, "academia-1", "I will chair")
    code, problems = verify(lst)
    assert code == 1
    assert [(p["commit"], p["file"], p["code"]) for p in problems] == [
        (coup, "list.toml", "chair-only")
    ]


def test_a_second_chair_fails_check_where_it_is_named(lst):
    second_chair(lst)
    run = run_curator("check", "--format", "json", "--list", str(lst.root))
    assert run.code == 1
    [problem] = json.loads(run.out)["problems"]
    lines = lst.read("list.toml").splitlines()
    line = [i for i, text in enumerate(lines, 1) if text == 'role = "chair"'][1]
    assert (problem["file"], problem["line"], problem["key"], problem["code"]) == (
        "list.toml",
        line,
        "members[1].role",
        "two-chairs",
    )
    assert "'industry-1' is a second chair ('chair' is one)" in problem["message"]


@pytest.mark.parametrize("who", ["chair", "industry-1"])
@pytest.mark.parametrize(
    "verb",
    [
        ("status", "3A090", "recommended"),
        ("publish", "--out", "{out}"),
        ("comment", "3A090", "-m", "Still here."),
    ],
    ids=["status", "publish", "comment"],
)
def test_neither_of_two_chairs_may_act(lst, tmp_path, who, verb):
    second_chair(lst)
    before = lst.snapshot()
    args = [part.format(out=tmp_path / "out") for part in verb]
    run = run_curator(*args, "--as", who, "--list", str(lst.root))
    assert run.code == 1
    assert "list.toml names 2 chairs (chair, industry-1)" in run.err
    assert lst.snapshot() == before
    assert not (tmp_path / "out").exists()
