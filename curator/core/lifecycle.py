"""A control's lifecycle (docs/design.md §5): which status may follow which, and who may move it.

draft → proposed → under-review → recommended → published → final; any open status may end in
withdrawn or rejected, and a withdrawn or rejected control may be reopened as a draft. Members
move the early statuses and withdraw their own proposals; the chair decides everything else.
`reserved_changes` says the same of a whole change to a control file, for `verify`.
"""

from __future__ import annotations

from dataclasses import replace

from curator.core.model import STATUSES, Control, Member
from curator.core.problems import InvalidValue, NotAllowed

FORWARD = ("draft", "proposed", "under-review", "recommended", "published", "final")
OPEN = ("draft", "proposed", "under-review", "recommended", "published")
CLOSED = ("withdrawn", "rejected")

# statuses only the chair may set: verify checks git history against the same tuple
CHAIR_ONLY = ("recommended", "published", "final", "rejected")
# the statuses a member may move a control between; past them the control is the committee's
MEMBER_STAGES = ("draft", "proposed", "under-review")
# the committee's published text: only the chair changes a control in these statuses
SETTLED = ("published", "final")


def next_statuses(status: str) -> tuple[str, ...]:
    """Every status the lifecycle allows after `status`, whoever acts."""
    found: list[str] = []
    if status in FORWARD[:-1]:
        found.append(FORWARD[FORWARD.index(status) + 1])
    if status in OPEN:
        found.extend(CLOSED)
    if status in CLOSED:
        found.append("draft")
    return tuple(s for s in STATUSES if s in found)


def permitted(control: Control, new: str, member: Member) -> bool:
    """Whether `member` may make this (lifecycle-allowed) move."""
    if member.role == "chair":
        return True
    if member.role != "member" or new in CHAIR_ONLY:
        return False
    own = bool(control.proposed_by) and control.proposed_by == member.id
    if new == "withdrawn":
        return own and control.status in MEMBER_STAGES
    if new == "draft" and control.status in CLOSED:
        # a proposer may take back their own withdrawal; a rejection is the chair's to undo
        return own and control.status == "withdrawn"
    return control.status in MEMBER_STAGES


def allowed_transitions(control: Control, member: Member | None) -> tuple[str, ...]:
    """The statuses `member` may move `control` to now (none for observers or strangers)."""
    if member is None:
        return ()
    return tuple(s for s in next_statuses(control.status) if permitted(control, s, member))


def check_transition(control: Control, new: str, member: Member) -> None:
    """Refuse, saying why and what is possible, unless `member` may make this move: a status
    that is none is InvalidValue, a move the status or the member's role forbids NotAllowed
    (its field "status" or "member")."""
    if new not in STATUSES:
        raise InvalidValue(
            f"'{new}' is not a status (statuses: {', '.join(STATUSES)})",
            field="status",
            value=new,
            suggestions=STATUSES,
        )
    if new == control.status:
        raise NotAllowed(f"{control.id} is already {new}", field="status")
    possible = next_statuses(control.status)
    if new not in possible:
        listed = ", ".join(possible) or "nothing: it is final"
        raise NotAllowed(
            f"{control.id} is {control.status}: it can move to {listed}, not {new}",
            field="status",
            suggestions=possible,
        )
    if permitted(control, new, member):
        return
    if member.role == "observer":
        raise NotAllowed(
            f"{member.id} is an observer: observers read but do not write", field="member"
        )
    if new in CHAIR_ONLY:
        raise NotAllowed(
            f"only the chair may move a control to {new}; {member.id} is a member", field="member"
        )
    if new == "withdrawn" and control.status not in MEMBER_STAGES:
        raise NotAllowed(
            f"{control.id} is {control.status}: only the chair may withdraw it now", field="member"
        )
    if new in ("withdrawn", "draft") and control.proposed_by != member.id:
        whose = f"{control.proposed_by}'s" if control.proposed_by else "no member's"
        action = "withdraw" if new == "withdrawn" else "reopen"
        raise NotAllowed(
            f"{control.id} is {whose} proposal: a member may {action} only their own; "
            "ask the chair",
            field="member",
        )
    raise NotAllowed(
        f"only the chair may move {control.id} from {control.status} to {new}", field="member"
    )


def reserved_changes(before: Control | None, after: Control | None, by: str) -> tuple[str, ...]:
    """What in this change of a control file (None: the file absent) only the chair may do,
    were the member with id `by` to make it; empty when a member may. The same rules as
    `check_transition`, for a change made by hand: `verify` judges every commit with them."""
    member = Member(by, "", "member")
    if after is None:  # removing a control withdraws it
        if before is None or permitted(before, "withdrawn", member):
            return ()
        return (f"removing {before.id}, a {before.status} control",)
    found: list[str] = []
    if before is None:  # a draft of the member's own, moved to the status it has
        draft = replace(after, status="draft", proposed_by=by)
        if after.status != "draft" and not permitted(draft, after.status, member):
            found.append(f"creating {after.id} as {after.status}")
        if after.proposed_by and after.proposed_by != by:
            found.append(f"creating {after.id} as proposed by {after.proposed_by}")
    else:
        if after.status != before.status and not (
            after.status in next_statuses(before.status) and permitted(before, after.status, member)
        ):
            found.append(f"status {before.status} → {after.status}")
        if before.status in SETTLED and _content(before) != _content(after):
            found.append(f"changing {before.id}, a {before.status} control")
        if after.proposed_by != before.proposed_by:
            found.append(
                f"proposed_by {before.proposed_by or '(none)'} → {after.proposed_by or '(none)'}"
            )
    if after.visibility == "public" and (before is None or before.visibility != "public"):
        found.append(f"making {after.id} public")
    for paragraph in after.items:
        earlier = before.paragraph(paragraph.label) if before else None
        if paragraph.amended_by and paragraph.amended_by != (earlier.amended_by if earlier else ""):
            found.append(
                f"recording {after.id}.{paragraph.label} as amended by {paragraph.amended_by} "
                "(the chair applies amendments)"
            )
    return tuple(found)


def _content(control: Control) -> Control:
    """A control without its status (judged as a move) and where it was read from."""
    return replace(control, status="", file="")
