"""The lifecycle: which status may follow which, who may move it, and `curator status` — which,
stopped between its comment and the control, is reported by `check` and finished by a rerun."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from curator.core.lifecycle import allowed_transitions, check_transition, next_statuses
from curator.core.model import Control, Member
from curator.core.problems import CuratorError
from curator.store.formats.atomic import ChangedOnDisk
from curator.store.index.load import load
from curator.store.records.discussion import change_status

CHAIR = Member("chair", "Chair", "chair", "chair@example.org")
ALICE = Member("industry-1", "Alice", "member", "industry-1@example.org")
BOB = Member("academia-1", "Bob", "member", "academia-1@example.org")
OBSERVER = Member("observer-1", "Olga", "observer", "observer-1@example.org")


def control(status: str, proposed_by: str = "industry-1") -> Control:
    return Control("4A906", "Quantum computers", "quantum", status, proposed_by=proposed_by)


def test_the_forward_path_runs_draft_to_final():
    path = ["draft", "proposed", "under-review", "recommended", "published", "final"]
    for before, after in itertools.pairwise(path):
        assert after in next_statuses(before)


def test_any_open_status_may_be_withdrawn_or_rejected():
    for status in ("draft", "proposed", "under-review", "recommended", "published"):
        assert {"withdrawn", "rejected"} <= set(next_statuses(status))


def test_final_is_the_end():
    assert next_statuses("final") == ()


def test_withdrawn_and_rejected_reopen_to_draft():
    assert next_statuses("withdrawn") == ("draft",)
    assert next_statuses("rejected") == ("draft",)


def test_members_move_the_early_statuses_and_withdraw_their_own():
    assert allowed_transitions(control("draft"), ALICE) == ("proposed", "withdrawn")
    assert allowed_transitions(control("proposed"), ALICE) == ("under-review", "withdrawn")
    assert allowed_transitions(control("under-review"), ALICE) == ("withdrawn",)


def test_members_cannot_withdraw_someone_elses_proposal():
    assert allowed_transitions(control("proposed"), BOB) == ("under-review",)
    with pytest.raises(CuratorError, match="industry-1's proposal"):
        check_transition(control("proposed"), "withdrawn", BOB)


def test_only_the_chair_recommends_publishes_finalises_or_rejects():
    for before, after in [
        ("under-review", "recommended"),
        ("recommended", "published"),
        ("published", "final"),
        ("proposed", "rejected"),
    ]:
        with pytest.raises(CuratorError, match=f"only the chair may move a control to {after}"):
            check_transition(control(before), after, ALICE)
        check_transition(control(before), after, CHAIR)


def test_once_recommended_only_the_chair_may_withdraw():
    assert allowed_transitions(control("recommended"), ALICE) == ()
    with pytest.raises(CuratorError, match="only the chair may withdraw it now"):
        check_transition(control("recommended"), "withdrawn", ALICE)
    assert allowed_transitions(control("recommended"), CHAIR) == (
        "published",
        "withdrawn",
        "rejected",
    )


def test_a_proposer_may_reopen_a_withdrawal_but_not_a_rejection():
    assert allowed_transitions(control("withdrawn"), ALICE) == ("draft",)
    assert allowed_transitions(control("rejected"), ALICE) == ()
    assert allowed_transitions(control("rejected"), CHAIR) == ("draft",)


def test_observers_and_strangers_may_move_nothing():
    assert allowed_transitions(control("draft"), OBSERVER) == ()
    assert allowed_transitions(control("draft"), None) == ()
    with pytest.raises(CuratorError, match="observer"):
        check_transition(control("draft"), "proposed", OBSERVER)


def test_a_move_the_lifecycle_does_not_allow_says_what_is_possible():
    with pytest.raises(CuratorError, match="it can move to under-review, withdrawn, rejected"):
        check_transition(control("proposed"), "final", CHAIR)
    with pytest.raises(CuratorError, match="already proposed"):
        check_transition(control("proposed"), "proposed", CHAIR)


# ---------------------------------------------------------------- curator status


def status(curator, lst, *args):
    return curator("status", *args, "--list", str(lst.root))


def test_status_rewrites_the_control_and_records_the_reason(lst, curator):
    run = status(curator, lst, "3A090", "under-review", "-m", "Ready", "--as", "industry-1")
    assert run.code == 0, run.err
    assert 'status = "under-review"' in lst.read("controls/3A090.toml")
    [note] = (lst.root / "discussion" / "3A090").iterdir()
    text = note.read_text()
    assert 'author = "industry-1"' in text
    assert 'body = "Ready"' in text
    assert '[transition]\nfrom = "proposed"\nto = "under-review"' in text
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_status_keeps_a_persons_comments_in_the_control_file(lst, curator):
    text = lst.read("controls/3A090.toml").replace(
        'regime = "unilateral"', 'regime = "unilateral"  # agreed in October'
    )
    lst.write("controls/3A090.toml", text)
    assert status(curator, lst, "3A090", "under-review", "--as", "chair").code == 0
    assert 'regime = "unilateral"  # agreed in October' in lst.read("controls/3A090.toml")


IN_FORCE = '\n[in_force]\nsince = 2022-10-07\ncitation = "87 FR 62186"\n'


def test_status_rewrites_a_control_that_records_when_it_came_into_force(lst, curator):
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml") + IN_FORCE)
    assert curator("check", "--list", str(lst.root)).code == 0
    run = status(curator, lst, "3A090", "under-review", "-m", "Ready", "--as", "industry-1")
    assert run.code == 0, run.err
    text = lst.read("controls/3A090.toml")
    assert 'status = "under-review"' in text
    assert "since = 2022-10-07" in text  # a date still, not text


def test_a_member_moving_a_control_to_recommended_is_refused(lst, curator):
    lst.write(
        "controls/3A090.toml",
        lst.read("controls/3A090.toml").replace('"proposed"', '"under-review"'),
    )
    before = lst.snapshot()
    run = status(curator, lst, "3A090", "recommended", "-m", "x", "--as", "industry-1")
    assert run.code == 1
    assert "only the chair may move a control to recommended" in run.err
    assert lst.snapshot() == before


def test_the_chair_recommends(lst, curator):
    lst.write(
        "controls/3A090.toml",
        lst.read("controls/3A090.toml").replace('"proposed"', '"under-review"'),
    )
    run = status(curator, lst, "3A090", "recommended", "--as", "chair")
    assert run.code == 0, run.err
    assert "under-review → recommended" in run.out
    assert 'status = "recommended"' in lst.read("controls/3A090.toml")


def test_an_unknown_status_is_a_usage_error(lst, curator):
    before = lst.snapshot()
    run = status(curator, lst, "3A090", "approved", "--as", "chair")
    assert run.code == 2
    assert "invalid choice: 'approved'" in run.err
    assert lst.snapshot() == before


def test_status_without_a_new_status_lists_the_members_choices(lst, curator):
    run = status(curator, lst, "3A090", "--as", "industry-1")
    assert run.code == 0
    assert "3A090 is proposed" in run.out
    assert "industry-1 may move it to: under-review" in run.out


def test_observers_cannot_change_a_status(lst, curator):
    before = lst.snapshot()
    run = status(curator, lst, "3A090", "under-review", "--as", "observer-1")
    assert run.code == 1
    assert "observers read but do not write" in run.err
    assert lst.snapshot() == before


def test_a_control_changed_on_disk_since_it_was_loaded_is_not_overwritten(lst):
    loaded = load(lst.root)
    edited = lst.read("controls/3A090.toml").replace("October 2023", "October 2024")
    lst.write("controls/3A090.toml", edited)
    with pytest.raises(ChangedOnDisk):
        change_status(lst.root, loaded, CHAIR, "3A090", "under-review", "why")
    assert lst.read("controls/3A090.toml") == edited
    assert not (lst.root / "discussion").exists()


# ---------------------------------------------------------------- a status change stopped part way

KILLED_BEFORE_THE_CONTROL = """
import os, sys
from curator.store.records import discussion

def rewrite_control(*args, **kwargs):
    os._exit(137)  # killed: the comment is written, the control is not

discussion.rewrite_control = rewrite_control
from curator.cli import main
sys.exit(main(sys.argv[1:]))
"""

MOVE = ["status", "3A090", "under-review", "-m", "Ready for review.", "--as", "industry-1"]


def comments_on(root) -> list:
    return sorted((root / "discussion" / "3A090").glob("*.toml"))


def test_a_status_change_killed_after_its_comment_is_reported_then_finished(lst, curator):
    done = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_THE_CONTROL, "--list", str(lst.root), *MOVE],
        env={k: v for k, v in os.environ.items() if k != "CURATOR_MEMBER"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 137, done.stderr
    [comment] = comments_on(lst.root)
    assert 'status = "proposed"' in lst.read("controls/3A090.toml")

    run = curator("check", "--format", "json", "--list", str(lst.root))
    assert run.code == 1
    [problem] = json.loads(run.out)["problems"]
    assert problem["code"] == "transition-not-applied"
    assert problem["file"] == f"discussion/3A090/{comment.name}"
    assert problem["key"] == "transition"
    assert comment.read_text().splitlines()[problem["line"] - 1] == "[transition]"
    assert "proposed → under-review, but 3A090 is still proposed" in problem["message"]

    again = curator(*MOVE, "--list", str(lst.root))
    assert again.code == 0, again.err
    assert comments_on(lst.root) == [comment]  # the move finished: no second comment
    assert 'status = "under-review"' in lst.read("controls/3A090.toml")
    assert curator("check", "--list", str(lst.root)).code == 0


def _move(root, stamp: str, author: str, before: str, after: str) -> None:
    at = f"{stamp[:10]}T{stamp[11:13]}:{stamp[13:15]}:{stamp[15:17]}Z"
    path = root / "discussion" / "3A090" / f"{stamp}-{author}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'author = "{author}"\nat = {at}\nbody = "Moved."\n\n'
        f'[transition]\nfrom = "{before}"\nto = "{after}"\n'
    )


def _status(root, status: str) -> None:
    path = root / "controls" / "3A090.toml"
    path.write_text(path.read_text().replace('status = "proposed"', f'status = "{status}"'))


def test_only_the_last_status_change_recorded_must_match_its_control(lst, curator):
    # draft → proposed → withdrawn → draft: the control is a draft again, as the last says,
    # though the first change also left from draft
    _status(lst.root, "draft")
    _move(lst.root, "2026-11-01T090000Z", "industry-1", "draft", "proposed")
    _move(lst.root, "2026-11-02T090000Z", "industry-1", "proposed", "withdrawn")
    _move(lst.root, "2026-11-03T090000Z", "industry-1", "withdrawn", "draft")
    assert curator("check", "--list", str(lst.root)).code == 0
    _move(lst.root, "2026-11-04T090000Z", "chair", "draft", "proposed")  # not made
    run = curator("check", "--format", "json", "--list", str(lst.root))
    codes = [(p["file"], p["code"]) for p in json.loads(run.out)["problems"]]
    assert codes == [("discussion/3A090/2026-11-04T090000Z-chair.toml", "transition-not-applied")]


def test_someone_elses_unfinished_change_is_not_taken_as_ones_own(lst, curator):
    _move(lst.root, "2026-11-04T090000Z", "academia-1", "proposed", "under-review")
    assert curator(*MOVE, "--list", str(lst.root)).code == 0
    assert len(comments_on(lst.root)) == 2  # industry-1 records their own move
    assert curator("check", "--list", str(lst.root)).code == 0
