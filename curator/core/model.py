"""The list as immutable values. Built by the store from files; read by everything else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
# a control is applied by the members of a regime declared in list.toml, by a plurilateral set
# it names (`applied_by`), or by the list's own jurisdiction alone (unilateral)
PLURILATERAL, UNILATERAL = "plurilateral", "unilateral"
VISIBILITIES = ("public", "committee")
DEFAULT_PUBLISHABLE = ("recommended", "published", "final")


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str
    email: str = ""


@dataclass(frozen=True)
class AreaConcern:
    """An area's capability of concern, stated once as an expression over parameters (not
    necessarily those any control uses): it decides concern for an item with no record."""

    match: str
    basis: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str = ""
    concern: AreaConcern | None = None


@dataclass(frozen=True)
class Regime:
    """A multilateral export-control regime and its members, as of a date, from a source."""

    id: str
    title: str
    members: tuple[str, ...]  # ISO 3166 alpha-2 (and EU where the regime counts it)
    as_of: str = ""
    sources: tuple[str, ...] = ()


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


def chairs_of(members: Iterable[Member]) -> tuple[Member, ...]:
    """The members with role chair. A list has exactly one: `check` reports any other count,
    the roster verbs refuse to make one, and while there are several none of them acts as the
    chair (`Manifest.chair`)."""
    return tuple(m for m in members if m.role == "chair")


@dataclass(frozen=True)
class Manifest:
    id: str
    title: str
    version: str = ""
    description: str = ""
    jurisdiction: str = ""  # who applies the list's unilateral controls (ISO 3166 alpha-2)
    partners: tuple[str, ...] = ()  # who applies a control that names no regime
    regimes: Mapping[str, Regime] = field(default_factory=dict)
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
    def chairs(self) -> tuple[Member, ...]:
        """Every member with role chair: one, in a list `check` passes."""
        return chairs_of(self.members)

    @property
    def chair(self) -> Member | None:
        """The chair: the one member with role chair. None when no member has it, and when
        several do: then none of them acts as the chair (check, the CLI and verify alike)."""
        chairs = self.chairs
        return chairs[0] if len(chairs) == 1 else None


@dataclass(frozen=True)
class LicenseException:
    """A license exception a paragraph makes available (NAC/ACA under Note 2 to 3A090) to the
    items it captures for which `when` holds."""

    name: str
    when: str  # a criteria expression
    condition: str = ""  # the condition in the regulation's words


@dataclass(frozen=True)
class Paragraph:
    label: str
    text: str = ""
    match: str = ""
    amended_by: str = ""  # the discussion file an applied amendment came from
    exceptions: tuple[LicenseException, ...] = ()

    def within(self, label: str) -> bool:
        """Whether this paragraph is `label` or one of its sub-paragraphs (a.1 is within a)."""
        return self.label == label or self.label.startswith(f"{label}.")


NOTE_KINDS = ("note", "technical-note")


@dataclass(frozen=True)
class Note:
    """A Note or Technical Note: operative text of the control, published with it; it may
    define parameters its criteria use ('physical qubit', 'C-NOT error', TPP)."""

    label: str  # as cited: "Note 2 to 3A090", "Technical Note 2 to 3A090.a and 3A090.b"
    kind: str  # note | technical-note
    text: str
    defines: tuple[str, ...] = ()  # parameter names


@dataclass(frozen=True)
class InForce:
    """When and where an entry took effect: changing it is a revision, not an addition."""

    since: str  # ISO date
    citation: str  # Federal Register citation, e.g. 89 FR 72926


def of_kinds(kinds: tuple[str, ...], item: CatalogueItem) -> bool:
    """Whether `item` is of one of `kinds` (none named: of any), as a control's `kinds` choose
    the catalogue items it is weighed against."""
    return not kinds or item.kind in kinds


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
    applied_by: tuple[str, ...] = ()  # a plurilateral control's jurisdictions
    in_force: InForce | None = None
    comparable_within: float | None = None  # foreign availability: see weigh.judge
    kinds: tuple[str, ...] = ()  # the catalogue item kinds it is weighed against (all: empty)
    items: tuple[Paragraph, ...] = ()
    notes: tuple[Note, ...] = ()

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
    """What the checks of comments and public comments (10^5 files) see of a control: a check shared between
    processes sends these, not the controls whole, to the others."""

    id: str
    status: str
    labels: tuple[str, ...]  # its paragraphs'


@dataclass(frozen=True)
class Dissent:
    member: str
    basis: str


@dataclass(frozen=True)
class Concern:
    """The committee's judgement whether an item should be controlled, recorded apart from any
    control's text: yes or no, the capability it rests on, sources, who assessed it and when,
    and the members who hold the opposite view."""

    of_concern: bool
    basis: str
    sources: tuple[str, ...] = ()
    assessed_by: str = ""
    assessed_on: str = ""  # ISO date
    dissents: tuple[Dissent, ...] = ()

    @property
    def disputed(self) -> bool:
        return bool(self.dissents)


AVAILABILITY = ("shipping", "sampling", "announced", "discontinued")


@dataclass(frozen=True)
class Availability:
    """Whether an item can be had, and how much of it (foreign availability, 15 CFR 768)."""

    status: str  # shipping | sampling | announced | discontinued
    in_quantity: bool
    as_of: str = ""
    volume: str = ""  # in words, with figures where published
    sources: tuple[str, ...] = ()

    @property
    def available_in_quantity(self) -> bool:
        return self.status == "shipping" and self.in_quantity


REACH = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Reach:
    """Whether the list's jurisdiction's rules reach an item made outside it (for the United
    States: whether it is subject to the EAR, e.g. under a foreign direct product rule)."""

    applies: str  # yes | no | unknown
    basis: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueItem:
    id: str
    name: str
    file: str = ""
    maker: str = ""
    origin: str = ""
    kind: str = ""
    mass_market: bool = False
    notes: str = ""
    sources: tuple[str, ...] = ()
    params: Mapping[str, float | bool] = field(default_factory=dict)
    param_sources: Mapping[str, str] = field(default_factory=dict)
    concern: Concern | None = None
    availability: Availability | None = None
    reach: Reach | None = None


@dataclass(frozen=True)
class Amendment:
    item: str
    match: str
    text: str = ""  # the paragraph's proposed text, when the amendment gives it


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
    # a re-import brought a new text of the comment after this answer: it answers an earlier one
    comment_changed_since: bool = False


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

    def adopters(self, control: Control) -> Adopters:
        return adopters_of(control, self.manifest)


@dataclass(frozen=True)
class Adopters:
    """Who applies a control: `by` is the regime's id, plurilateral, unilateral or partners
    (the list's default, for a control that names no regime)."""

    by: str
    jurisdictions: tuple[str, ...]
    as_of: str = ""

    def words(self) -> str:
        codes = ", ".join(self.jurisdictions) or "no jurisdiction"
        if self.by == UNILATERAL:
            return f"unilateral ({codes})"
        if self.by == PLURILATERAL:
            return f"plurilateral: {codes}"
        if self.by == "partners":
            return f"the list's partners: {codes}"
        since = f", members as of {self.as_of}" if self.as_of else ""
        return f"{self.by} ({len(self.jurisdictions)} members{since})"


def adopters_of(control: Control, manifest: Manifest | None) -> Adopters:
    """The jurisdictions that apply `control`: its regime's members, its plurilateral set, the
    list's jurisdiction for a unilateral control, else the list's partners. A regime the list
    does not declare (check reports it) is applied by no one known."""
    if manifest is None:
        return Adopters(control.regime or "partners", ())
    if control.regime == PLURILATERAL:
        return Adopters(PLURILATERAL, control.applied_by)
    if control.regime == UNILATERAL:
        return Adopters(UNILATERAL, (manifest.jurisdiction,) if manifest.jurisdiction else ())
    if not control.regime:
        return Adopters("partners", manifest.partners)
    regime = manifest.regimes.get(control.regime)
    if regime is None:
        return Adopters(control.regime, ())
    return Adopters(regime.id, regime.members, regime.as_of)
