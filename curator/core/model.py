"""The list as immutable values. Built by the store from files; read by everything else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from curator.core.problems import Problem

STATUSES = (
    "draft",
    "proposed",
    "under-review",
    "recommended",
    "published",
    "final",
    "withdrawn",
    "rejected",
)
POSITIONS = ("support", "too-loose", "too-tight", "oppose", "abstain")
ROLES = ("chair", "member", "observer")
REGIMES = ("wassenaar", "mtcr", "nsg", "australia-group", "unilateral")
VISIBILITIES = ("public", "committee")
DEFAULT_PUBLISHABLE = ("recommended", "published", "final")


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str
    email: str = ""


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    title: str
    unit: str
    type: str = "number"  # number | flag
    description: str = ""

    @property
    def is_flag(self) -> bool:
        return self.type == "flag"


@dataclass(frozen=True)
class Docket:
    id: str
    comment_deadline: str = ""
    agency: str = ""
    contact: str = ""
    rin: str = ""


@dataclass(frozen=True)
class Manifest:
    id: str
    title: str
    version: str = ""
    description: str = ""
    partners: tuple[str, ...] = ()
    docket: Docket | None = None
    members: tuple[Member, ...] = ()
    areas: Mapping[str, Area] = field(default_factory=dict)
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    publish_statuses: tuple[str, ...] = DEFAULT_PUBLISHABLE
    publish_fields: tuple[str, ...] = ()  # internal fields the list opts in to publish

    def member(self, member_id: str) -> Member | None:
        return self._members_by_id.get(member_id)

    @cached_property
    def _members_by_id(self) -> dict[str, Member]:
        """The first member of each id (asked once for each of 10^5 comments)."""
        found: dict[str, Member] = {}
        for m in self.members:
            found.setdefault(m.id, m)
        return found

    @property
    def chair(self) -> Member | None:
        return next((m for m in self.members if m.role == "chair"), None)


@dataclass(frozen=True)
class Paragraph:
    label: str
    text: str = ""
    match: str = ""
    amended_by: str = ""  # the discussion file an applied amendment came from


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    area: str
    status: str
    file: str = ""
    visibility: str = "committee"
    reasons: tuple[str, ...] = ()
    regime: str = ""
    related: tuple[str, ...] = ()
    summary: str = ""
    rationale: str = ""
    impact: str = ""
    sources: tuple[str, ...] = ()
    proposed_by: str = ""
    items: tuple[Paragraph, ...] = ()

    def paragraph(self, label: str) -> Paragraph | None:
        return next((p for p in self.items if p.label == label), None)

    @property
    def criteria(self) -> tuple[Paragraph, ...]:
        """The paragraphs that carry a criteria expression."""
        return tuple(p for p in self.items if p.match)

    def outline(self) -> Outline:
        return Outline(self.id, self.status, tuple(p.label for p in self.items))


@dataclass(frozen=True)
class Outline:
    """What the checks of what was said (10^5 files) see of a control: a check shared between
    processes sends these, not the controls whole, to the others."""

    id: str
    status: str
    labels: tuple[str, ...]  # its paragraphs'


@dataclass(frozen=True)
class CatalogueItem:
    id: str
    name: str
    file: str = ""
    maker: str = ""
    origin: str = ""
    kind: str = ""
    of_concern: bool = False
    mass_market: bool = False
    notes: str = ""
    sources: tuple[str, ...] = ()
    params: Mapping[str, float | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Amendment:
    item: str
    match: str


@dataclass(frozen=True)
class Transition:
    before: str
    after: str


@dataclass(frozen=True, slots=True)  # 10^5 of them: no dict each
class Comment:
    control: str
    file: str
    author: str
    at: str  # ISO 8601, UTC
    body: str = ""
    position: str = ""
    amendment: Amendment | None = None
    transition: Transition | None = None


@dataclass(frozen=True)
class Disposition:
    action: str
    response: str
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class PublicComment:
    docket: str
    tracking_number: str
    file: str = ""
    document_id: str = ""
    title: str = ""
    posted: str = ""
    received: str = ""
    submitter: str = ""
    organization: str = ""
    body: str = ""
    attachments: tuple[str, ...] = ()
    withdrawn: bool = False
    controls: tuple[str, ...] = ()  # found in the text at import
    mapping: tuple[str, ...] | None = None  # the committee's correction; wins over `controls`
    disposition: Disposition | None = None

    @property
    def mapped_controls(self) -> tuple[str, ...]:
        return self.controls if self.mapping is None else self.mapping


@dataclass(frozen=True)
class ControlList:
    """A whole list as loaded, with the problems found on the way. Broken files are absent."""

    manifest: Manifest | None
    controls: Mapping[str, Control] = field(default_factory=dict)
    catalogue: Mapping[str, CatalogueItem] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()
    public_comments: tuple[PublicComment, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: int = 0
    broken: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)
    notices: tuple[Problem, ...] = ()  # files that are not list files (Problem.notice)

    @property
    def parameters(self) -> Mapping[str, Parameter]:
        return self.manifest.parameters if self.manifest else {}

    @property
    def partners(self) -> tuple[str, ...]:
        return self.manifest.partners if self.manifest else ()
