"""The roster (docs/design.md §5): adding and removing members and changing their roles, under
the rule that a list has exactly one chair. Pure: a roster in, the new roster or the problems out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from curator.core.counts import counted
from curator.core.ids import is_slug
from curator.core.model import ROLES, ControlList, Member, chairs_of
from curator.core.problems import InputProblem, closest

# the WHATWG HTML definition of a valid email address (what a browser's email field accepts)
EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
MAX_EMAIL = 320
MAX_NAME = 200


@dataclass(frozen=True)
class RosterChange:
    """The roster after a change, or the unchanged roster and why the change was refused."""

    members: tuple[Member, ...]
    problems: tuple[InputProblem, ...] = ()
    former_chairs: tuple[Member, ...] = ()  # who handed the chair over, when it moved
    changed: bool = True

    def handover(self) -> str:
        """What became of the chair before, to follow a report of the change ("" if nothing)."""
        return "".join(
            f"; {m.id} handed the chair over and is now a member" for m in self.former_chairs
        )


@dataclass(frozen=True)
class Authored:
    """What in a list names a member as its author."""

    comments: int = 0
    controls: int = 0  # proposed by them

    def __bool__(self) -> bool:
        return bool(self.comments or self.controls)


def authored_by(loaded: ControlList, member_id: str) -> Authored:
    return Authored(
        comments=sum(1 for c in loaded.comments if c.author == member_id),
        controls=sum(1 for c in loaded.controls.values() if c.proposed_by == member_id),
    )


def unknown_member(
    members: Sequence[Member], member_id: str, field: str = "member"
) -> InputProblem:
    """`member_id` names nobody on the roster: the problem names who is on it."""
    ids = [m.id for m in members]
    return InputProblem(
        field,
        member_id,
        "unknown-member",
        f"'{member_id}' is not a member of this list; its members are {', '.join(ids) or 'none'}",
        closest(member_id, ids),
    )


def chair_problems(members: Sequence[Member]) -> tuple[InputProblem, ...]:
    """A list has exactly one chair."""
    chairs = [m.id for m in chairs_of(members)]
    if len(chairs) == 1:
        return ()
    if not chairs:
        return (InputProblem("role", "", "no-chair", "the list would have no chair"),)
    return (
        InputProblem(
            "role",
            ", ".join(chairs),
            "chairs",
            f"the list has {len(chairs)} chairs ({', '.join(chairs)}); a list has exactly one",
        ),
    )


def member_problems(members: Sequence[Member], candidate: Member) -> tuple[InputProblem, ...]:
    """What is wrong with adding `candidate` to `members`."""
    found: list[InputProblem] = []
    if not is_slug(candidate.id):
        found.append(
            InputProblem(
                "id",
                candidate.id,
                "bad-id",
                f"'{candidate.id}' is not a valid member id: lower-case letters, digits and "
                "hyphens, starting with a letter or digit, at most 64 characters",
            )
        )
    else:
        taken = next((m for m in members if m.id == candidate.id), None)
        if taken is not None:
            found.append(
                InputProblem(
                    "id",
                    candidate.id,
                    "duplicate-id",
                    f"'{candidate.id}' is already a member ({taken.name}, {taken.role})",
                )
            )
    name = candidate.name
    if not name.strip() or len(name) > MAX_NAME or not name.isprintable():
        found.append(
            InputProblem(
                "name",
                name,
                "bad-name",
                f"the name must be one line of 1 to {MAX_NAME} printable characters",
            )
        )
    email = candidate.email
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        found.append(
            InputProblem("email", email, "bad-email", f"'{email}' is not a valid email address")
        )
    else:
        holder = next((m for m in members if m.email.lower() == email.lower()), None)
        if holder is not None:
            found.append(
                InputProblem(
                    "email",
                    email,
                    "duplicate-email",
                    f"<{email}> is already the email of '{holder.id}'",
                )
            )
    found.extend(_role_problems(candidate.role))
    return tuple(found)


def _role_problems(role: str) -> tuple[InputProblem, ...]:
    if role in ROLES:
        return ()
    return (
        InputProblem(
            "role",
            role,
            "unknown-role",
            f"'{role}' is not a role; the roles are {', '.join(ROLES)}",
            closest(role, ROLES),
        ),
    )


def add_member(members: Sequence[Member], candidate: Member) -> RosterChange:
    """`members` with `candidate` added at the end; adding a chair hands the chair over."""
    problems = member_problems(members, candidate)
    if problems:
        return _refused(members, problems)
    new_chair = candidate.id if candidate.role == "chair" else None
    return _settled(members, (*members, candidate), new_chair)


def remove_member(members: Sequence[Member], member_id: str, authored: Authored) -> RosterChange:
    """`members` without `member_id`. The chair is not removed (hand the chair over first), nor
    anyone a comment or a control names as its author: their words would be left unattributed,
    and an observer keeps them attributed without letting them write."""
    member = next((m for m in members if m.id == member_id), None)
    if member is None:
        return _refused(members, (unknown_member(members, member_id, "id"),))
    if member.role == "chair":
        return _refused(
            members,
            (
                InputProblem(
                    "id",
                    member_id,
                    "removing-chair",
                    f"'{member_id}' is the chair, and a list has exactly one chair",
                ),
            ),
        )
    if authored:
        return _refused(
            members,
            (
                InputProblem(
                    "id",
                    member_id,
                    "has-authored",
                    f"'{member_id}' is the author of {_authored_text(authored)}, which would "
                    "be left unattributed",
                ),
            ),
        )
    return _settled(members, tuple(m for m in members if m.id != member_id), None)


def _authored_text(authored: Authored) -> str:
    parts = []
    if authored.comments:
        parts.append(counted(authored.comments, "comment"))
    if authored.controls:
        parts.append(counted(authored.controls, "proposed control"))
    return " and ".join(parts)


def set_role(members: Sequence[Member], member_id: str, role: str) -> RosterChange:
    """`members` with `member_id` given `role`. Making someone chair hands the chair over (the
    chair before becomes a member); the chair's own role changes only that way."""
    member = next((m for m in members if m.id == member_id), None)
    if member is None:
        return _refused(members, (unknown_member(members, member_id, "id"),))
    problems = _role_problems(role)
    if problems:
        return _refused(members, problems)
    # the chair made chair again changes nothing, unless it settles a list of several chairs
    if member.role == role and (role != "chair" or not chair_problems(members)):
        return RosterChange(tuple(members), changed=False)
    if member.role == "chair" and role != "chair":
        return _refused(
            members,
            (
                InputProblem(
                    "role",
                    role,
                    "demoting-chair",
                    f"'{member_id}' is the chair, and a list has exactly one chair",
                ),
            ),
        )
    changed = tuple(replace(m, role=role) if m.id == member_id else m for m in members)
    return _settled(members, changed, member_id if role == "chair" else None)


def _settled(
    before: Sequence[Member], after: tuple[Member, ...], new_chair: str | None
) -> RosterChange:
    """`after`, with the chair handed to `new_chair` if given, checked for exactly one chair."""
    former: tuple[Member, ...] = ()
    if new_chair is not None:
        former = tuple(m for m in after if m.role == "chair" and m.id != new_chair)
        after = tuple(
            replace(m, role="member") if m.role == "chair" and m.id != new_chair else m
            for m in after
        )
    problems = chair_problems(after)
    if problems:
        return _refused(before, problems)
    return RosterChange(after, former_chairs=former)


def _refused(members: Sequence[Member], problems: tuple[InputProblem, ...]) -> RosterChange:
    return RosterChange(tuple(members), problems, changed=False)
