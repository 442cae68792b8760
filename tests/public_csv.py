"""Realistic regulations.gov bulk-download CSVs for the public-comment tests.

All 60 columns in the real order (two headers contain commas and are quoted), UTF-8 with a BOM,
CRLF line ends, comment text with quoted commas and newlines, a withdrawn row blanked except its
title (as real exports do), attachment URLs joined by commas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = (
    "Document ID",
    "Agency ID",
    "Docket ID",
    "Tracking Number",
    "Document Type",
    "Posted Date",
    "Is Withdrawn?",
    "Federal Register Number",
    "FR Citation",
    "Title",
    "Comment Start Date",
    "Comment Due Date",
    "Allow Late Comments",
    "Comment on Document ID",
    "Effective Date",
    "Implementation Date",
    "Postmark Date",
    "Received Date",
    "Author Date",
    "Related RIN(s)",
    "Authors",
    "CFR",
    "Abstract",
    "Legacy ID",
    "Media",
    "Document Subtype",
    "Exhibit Location",
    "Exhibit Type",
    "Additional Field 1",
    "Additional Field 2",
    "Topics",
    "Duplicate Comments",
    "OMB/PRA Approval Number",
    "Page Count",
    "Page Length",
    "Paper Width",
    "Special Instructions",
    "Source Citation",
    "Start End Page",
    "Subject",
    "First Name",
    "Last Name",
    "City",
    "State/Province",
    "Zip/Postal Code",
    "Country",
    "Organization Name",
    "Submitter Representative",
    "Representative's Address",
    "Representative's City, State & Zip",
    "Government Agency",
    "Government Agency Type",
    "Comment",
    "Category",
    "Restrict Reason Type",
    "Restrict Reason",
    "Reason Withdrawn",
    "Content Files",
    "Attachment Files",
    "Display Properties (Name, Label, Tooltip)",
)
assert len(COLUMNS) == 60

DOCKET = "BIS-2026-0001"


@dataclass(frozen=True)
class Row:
    tracking: str
    number: int  # the document number within the docket
    comment: str = ""
    first: str = ""
    last: str = ""
    organization: str = ""
    posted: str = "2026-12-02T05:00Z"
    withdrawn: bool = False
    attachments: tuple[str, ...] = ()
    docket: str = DOCKET
    document_type: str = "Public Submission"
    extra: dict[str, str] = field(default_factory=dict)

    def fields(self) -> list[str]:
        who = self.organization or f"{self.last}, {self.first}".strip(", ")
        values = {
            "Document ID": f"{self.docket}-{self.number:04d}",
            "Agency ID": "BIS",
            "Docket ID": self.docket,
            "Tracking Number": self.tracking,
            "Document Type": self.document_type,
            "Posted Date": self.posted,
            "Is Withdrawn?": "true" if self.withdrawn else "false",
            "Title": f"Comment from {who}" if who else "Anonymous public comment",
            "Comment on Document ID": f"{self.docket}-0001",
            "Received Date": "2026-12-01T05:00Z",
            "Document Subtype": "Comment(s)",
            "Duplicate Comments": "1",
            "First Name": self.first,
            "Last Name": self.last,
            "Country": "United States",
            "Organization Name": self.organization,
            "Comment": self.comment,
            "Attachment Files": ",".join(self.attachments),
            "Display Properties (Name, Label, Tooltip)": "pageCount, Page Count, Number of pages",
            **self.extra,
        }
        if self.withdrawn:  # real exports blank a withdrawn comment except its title
            keep = ("Document ID", "Docket ID", "Tracking Number", "Title", "Is Withdrawn?")
            values = {k: v for k, v in values.items() if k in keep}
            values["Reason Withdrawn"] = "Withdrawn at the submitter's request"
        return [values.get(c, "") for c in COLUMNS]


def attachment(number: int, n: int) -> str:
    return f"https://downloads.regulations.gov/{DOCKET}-{number:04d}/attachment_{n}.pdf"


ROWS = (
    Row(
        "lte-g8w2-asfu",
        2,
        'We oppose the threshold in ECCN 3A090 as drafted.\n\nA "total processing performance" '
        "of 4800, as written, captures gaming GPUs, which are mass-market.",
        "Ava",
        "Nowicki",
    ),
    Row(
        "kq1-9zt4-77ab",
        3,
        "Paragraph 3A090.a.2 should use a performance density of 6.0, not 5.92; see the "
        "attached analysis, pages 1, 4 and 7.",
        organization="Semiconductor Industry Association",
        attachments=(attachment(3, 1), attachment(3, 2)),
    ),
    Row(
        "m0p-3x8c-d2fe",
        4,
        "The agency should extend the comment period by 60 days.\r\nThank you.",
        "Lee",
        "Park",
    ),
    Row("w7h-k2j9-1qzz", 5, "My comment, now withdrawn.", "Sam", "Roe", withdrawn=True),
    Row(
        "b5n-6v4r-t0yu",
        6,
        "3A090 is fine; but please clarify 4A906 for quantum computers (see ECCN4A906).",
        organization="University of Example",
    ),
)


def write_csv(path: Path, rows: Sequence[Row] = ROWS, columns: Sequence[str] = COLUMNS) -> Path:
    """The export as regulations.gov serves it: BOM, CRLF, every field quoted."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        for row in rows:
            fields = row.fields()
            writer.writerow([fields[COLUMNS.index(c)] for c in columns])
    return path


def generated(count: int, words: int = 40) -> Iterator[Row]:
    """Many distinct comments, some naming controls, for streaming and benchmark files."""
    text = " ".join(["the proposed threshold captures commercial products, in our view"] * words)
    for i in range(count):
        mention = ("3A090", "ECCN 3A090.a.2", "4A906", "no control")[i % 4]
        yield Row(
            tracking=f"gen-{i // 10**4:04d}-{i % 10**4:04d}",
            number=i + 10,
            comment=f"Comment {i} on {mention}: {text}",
            first="Pat",
            last=f"Commenter{i}",
        )


def write_generated(path: Path, count: int, words: int = 40) -> Path:
    """A large export written row by row (never held in memory whole)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(COLUMNS)
        for row in generated(count, words):
            writer.writerow(row.fields())
    return path


def as_bytes(rows: Sequence[Row] = ROWS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.fields())
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def imported(root: Path, rows: Sequence[Row], folder: Path) -> None:
    """`rows` imported into the list at `root` by its chair (`curator comments import`), their
    CSV written in `folder`."""
    from conftest import run_curator

    csv = write_csv(folder / "bulk.csv", rows)
    run = run_curator("comments", "import", str(csv), "--list", str(root), "--as", "chair")
    assert run.code == 0, run.err
