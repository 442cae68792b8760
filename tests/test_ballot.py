"""Ballots: a member's position is their newest; no record for the rest; observers do not vote."""

from __future__ import annotations

import json

from curator.core.discussion import ballot, thread
from curator.core.model import Comment, Control, Member

MEMBERS = (
    Member("chair", "Chair", "chair", "chair@example.org"),
    Member("industry-1", "Alice", "member", "industry-1@example.org"),
    Member("academia-1", "Bob", "member", "academia-1@example.org"),
    Member("observer-1", "Olga", "observer", "observer-1@example.org"),
)
CONTROL = Control("3A090", "Chips", "advanced-computing", "under-review")


def position_taken(
    author: str, at: str, position: str = "", control: str = "3A090", seq: str = ""
) -> Comment:
    stamp = f"{at[:10]}T{at[11:13]}{at[14:16]}{at[17:19]}Z"
    file = f"discussion/{control}/{stamp}{seq}-{author}.toml"
    return Comment(control, file, author, at, body="…", position=position)


def test_the_newest_position_per_member_wins():
    comments = [
        position_taken("industry-1", "2026-11-28T10:00:00Z", "support"),
        position_taken("industry-1", "2026-11-29T10:00:00Z", "too-tight"),
    ]
    result = ballot(CONTROL, MEMBERS, comments)
    assert dict(result.positions)["industry-1"] == "too-tight"


def test_file_order_does_not_decide_time_does():
    comments = [
        position_taken("industry-1", "2026-11-29T10:00:00Z", "too-tight"),
        position_taken("industry-1", "2026-11-28T10:00:00Z", "support"),
    ]
    assert dict(ballot(CONTROL, MEMBERS, comments).positions)["industry-1"] == "too-tight"


def test_a_second_comment_in_the_same_second_is_the_newer():
    comments = [
        position_taken("industry-1", "2026-11-28T10:00:00Z", "oppose", seq=".2"),
        position_taken("industry-1", "2026-11-28T10:00:00Z", "support"),
    ]
    assert dict(ballot(CONTROL, MEMBERS, comments).positions)["industry-1"] == "oppose"


def test_a_comment_without_a_position_keeps_the_earlier_one():
    comments = [
        position_taken("industry-1", "2026-11-28T10:00:00Z", "too-loose"),
        position_taken("industry-1", "2026-11-29T10:00:00Z"),
    ]
    assert dict(ballot(CONTROL, MEMBERS, comments).positions)["industry-1"] == "too-loose"


def test_members_without_a_position_are_no_record_and_observers_are_left_out():
    comments = [
        position_taken("industry-1", "2026-11-28T10:00:00Z", "support"),
        position_taken("observer-1", "2026-11-28T11:00:00Z", "oppose"),
    ]
    result = ballot(CONTROL, MEMBERS, comments)
    assert dict(result.positions) == {"industry-1": "support"}
    assert result.no_record == ("chair", "academia-1")


def test_positions_on_other_controls_do_not_count():
    comments = [position_taken("industry-1", "2026-11-28T10:00:00Z", "oppose", control="4A906")]
    assert ballot(CONTROL, MEMBERS, comments).positions == ()


def test_tally_and_balance_count_the_latest_positions():
    comments = [
        position_taken("chair", "2026-11-28T09:00:00Z", "too-loose"),
        position_taken("industry-1", "2026-11-28T10:00:00Z", "too-loose"),
        position_taken("industry-1", "2026-11-28T11:00:00Z", "too-tight"),
        position_taken("academia-1", "2026-11-28T12:00:00Z", "too-tight"),
    ]
    result = ballot(CONTROL, MEMBERS, comments)
    assert result.tally == {"too-loose": 1, "too-tight": 2}
    assert result.balance == {"too-loose": 1, "too-tight": 2}
    assert result.leaning == "too-tight"


def test_the_thread_runs_oldest_first():
    late = position_taken("chair", "2026-11-29T10:00:00Z")
    early = position_taken("academia-1", "2026-11-28T10:00:00Z")
    assert thread([late, early], "3A090") == (early, late)


# ---------------------------------------------------------------- curator ballot


def comment(curator, lst, member, position):
    run = curator(
        "comment", "3A090", "-m", f"{member} says {position}", "--position", position,
        "--as", member, "--list", str(lst.root),
    )  # fmt: skip
    assert run.code == 0, run.err


def test_ballot_json_follows_the_latest_position_per_member(lst, curator):
    comment(curator, lst, "industry-1", "support")
    comment(curator, lst, "academia-1", "too-loose")
    comment(curator, lst, "industry-1", "too-tight")
    run = curator("ballot", "3A090", "--format", "json", "--list", str(lst.root))
    assert run.code == 0, run.err
    assert json.loads(run.out) == {
        "control": "3A090",
        "positions": {"industry-1": "too-tight", "academia-1": "too-loose"},
        "no_record": ["chair"],
        "tally": {"too-loose": 1, "too-tight": 1},
        "balance": {"too-loose": 1, "too-tight": 1},
    }


def test_ballot_text_lists_no_record(lst, curator):
    comment(curator, lst, "academia-1", "oppose")
    run = curator("ballot", "3A090", "--list", str(lst.root))
    assert run.code == 0
    assert "academia-1  oppose" in run.out
    assert "chair       no record" in run.out
    assert "tally: oppose 1, no record 2" in run.out


def test_ballot_without_an_id_gives_one_line_per_control(lst, curator):
    lst.write(
        "controls/4A906.toml",
        'id = "4A906"\ntitle = "Quantum computers"\narea = "quantum"\nstatus = "draft"\n',
    )
    comment(curator, lst, "industry-1", "too-tight")
    run = curator("ballot", "--list", str(lst.root))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("3A090") and "proposed" in lines[0]
    assert "too-tight 1" in lines[0] and "tight 1" in lines[0]
    assert lines[1].startswith("4A906") and "no record 3" in lines[1]


def test_ballot_of_an_unknown_control_is_refused(lst, curator):
    run = curator("ballot", "3A091", "--list", str(lst.root))
    assert run.code == 1
    assert "unknown control '3A091'" in run.err
