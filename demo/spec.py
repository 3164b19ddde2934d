"""The shapes of the demonstration data: plain, frozen descriptions the loader turns into rows."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from decisions.wording import CHIEF_EXECUTIVE_STATEMENT

from .clearance import POLICING_CLEARANCE_LINES

LONDON = ZoneInfo("Europe/London")


def paragraphs(*texts: str) -> str:
    """The text of a TextField: paragraphs separated by a blank line, without their numbers."""
    return "\n\n".join(texts)


def advice(kind: str, number: int) -> str:
    """The adviser's statement numbered `number` (from 0) of the line `kind`, as offered
    to them (demo.clearance: the policing office's form)."""
    return POLICING_CLEARANCE_LINES[kind][0][number]


# The policing office's offices as its migration (decisions 0013) installs them: code, title.
DMPC = "dmpc"
MAYOR = "mayor"
CHIEF_EXECUTIVE = "chief_executive"
OFFICE_TITLES = {
    DMPC: "Deputy Mayor for Policing and Crime",
    MAYOR: "Mayor of London",
    CHIEF_EXECUTIVE: "Chief Executive",
}


def chief_executive_statement(decision_maker: str) -> str:
    """The Chief Executive's statement for a record to the office `decision_maker` (a code)."""
    return CHIEF_EXECUTIVE_STATEMENT.replace("{decision_maker}", OFFICE_TITLES[decision_maker])


def london(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An aware moment on the wall clock in London (sign-offs carry their local date)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass(frozen=True)
class Money:
    """One ExpenditureLine."""

    kind: str
    financial_year: str
    amount: Decimal
    funding_source: str = ""
    is_confidential: bool = False


@dataclass(frozen=True)
class Declaration:
    """One DeclarationLine; cleared_at, for an adviser's line, adds their clearance sign-off."""

    kind: str
    statement: str
    ticked: bool = False
    cleared_at: datetime | None = None


@dataclass(frozen=True)
class Signature:
    """A statement's or decision maker's SignOff, signed by the demo user of `role` (a core
    Role), or by the demo user `username` when the office is not a core role (a body set up
    through data, such as Northbridge's Mayor)."""

    kind: str
    role: str
    statement: str
    outcome: str
    signed_at: datetime
    interests: str = ""
    username: str = ""

    def __post_init__(self) -> None:
        if bool(self.role) == bool(self.username):
            raise ValueError("A demo signature names either a role or a username")


@dataclass(frozen=True)
class RecordSpec:
    """One decision record with everything attached to it.

    `fields` holds the Decision's own text and deferral fields by name; `report` and
    `part_two` the fields of SupportingReport and PartTwo. `started_at`, when given,
    dates the record's creation, so that lists ordered by it look like a real register.
    """

    form_type: str  # the slug; the record is numbered from its form type's series
    title: str
    status: str
    number: int | None = None
    decision_maker: str = ""
    drafted_by: str = "officer"
    fields: dict[str, Any] = field(default_factory=dict)
    recommendations: tuple[str, ...] = ()
    expenditure: tuple[Money, ...] = ()
    report: dict[str, Any] | None = None
    part_two: dict[str, str] | None = None
    declaration: tuple[Declaration, ...] = ()
    signatures: tuple[Signature, ...] = ()
    started_at: datetime | None = None
    # When it was submitted; by default the day before the first sign-off.
    submitted_at: datetime | None = None
