"""The demo data: PCD 1069 against its published text, the other records and the users.

The published text (tests/data/pcd-1069.txt) is cut into sections at its headings, and
each section's paragraphs must be exactly the paragraphs stored in one place of the
record. Every other line of the text must be a heading or sentence the templates print,
or be derived from a structured field (a date, a yes/no, a name). Nothing is left over.

The demo is loaded once for the whole module (fixture `demo`), as these tests only read
it; load_demo itself, which needs an empty database, is tested in test_load_demo.py.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from approvals.models import SignOff
from approvals.selectors import awaiting_action
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.canonical import decision_content_hash
from decisions.models import Decision, DecisionStatus, DeclarationLine, ReferenceSeries
from decisions.services import drafting_officer_statement
from decisions.wording import CHIEF_EXECUTIVE_STATEMENT
from demo.loader import demo_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "tests" / "data" / "pcd-1069.txt"
SHARED_REFERENCE = REPO.parent / "shared" / "reference" / "pcd-1069.txt"
LONDON = ZoneInfo("Europe/London")

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# "- ", "1.1. ", "1. ", "- 1. ": the numbering and bullets the published version adds.
NUMBERING = re.compile(r"^(?:-\s+)?(?:(?:\d+\.)+\s+)?")


def clean(line: str) -> str:
    """A reference line without markdown residue and with its whitespace normalised."""
    line = MARKDOWN_LINK.sub(r"\1", line).replace("**", "")
    return " ".join(line.split())


def as_paragraph(line: str) -> str:
    return NUMBERING.sub("", clean(line), count=1)


def reference_documents() -> tuple[list[str], list[str]]:
    """The non-blank lines of the decision form, and of the supporting report."""
    lines = [clean(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    split = lines.index("MAYOR OF LONDON")
    return lines[:split], lines[split:]


# --- Where each section of the reference is stored --------------------------------------

DM_DECLARATION = (
    "I confirm I have considered whether or not I have any personal or prejudicial interest in "
    "this matter and take the proposed decision in compliance with the Code of Conduct. Any such "
    "interests are recorded below."
)


@dataclass(frozen=True)
class Prefix:
    """A boundary that is a line starting with this text (its rest is a stored value)."""

    text: str


Boundary = str | Prefix

# (heading that opens the section, line that closes it, where its paragraphs are stored).
# Rows are in the order of the document; a closing line may open the next row.
FORM_SECTIONS: list[tuple[Boundary, Boundary, list[str]]] = [
    ("Executive Summary:", "Recommendation:", ["decision.executive_summary"]),
    ("Recommendation:", "Deputy Mayor for Policing and Crime", ["recommendations"]),
    (DM_DECLARATION, "Signature", ["signoff.decision"]),
    ("1. Introduction and background", "2. Issues for consideration", ["decision.introduction"]),
    ("2. Issues for consideration", "3. Financial Comments", ["decision.issues_for_consideration"]),
    ("3. Financial Comments", "4. Legal Comments", ["decision.financial_comments"]),
    ("4. Legal Comments", "5. Commercial Issues", ["decision.legal_comments"]),
    ("5. Commercial Issues", "6. GDPR and Data Privacy", ["decision.commercial_issues"]),
    ("6. GDPR and Data Privacy", "7. Equality Comments", ["decision.gdpr_privacy"]),
    ("7. Equality Comments", "8. Background/supporting papers", ["decision.equality_comments"]),
    (
        "8. Background/supporting papers",
        "Public access to information",
        ["decision.supporting_papers"],
    ),
    ("Financial Advice:", "✓", ["declaration.financial"]),
    ("Legal Advice:", "✓", ["declaration.legal"]),
    ("Equalities Advice:", "✓", ["declaration.equalities"]),
    ("Commercial Issues", "✓", ["declaration.commercial"]),
    ("GDPR/Data Privacy", "✓", ["declaration.privacy"]),
    ("Drafting Officer", "✓", ["declaration.drafting_officer"]),
    ("Director/Head of Service:", "✓", ["declaration.director"]),
    ("Chief Executive Officer", "Signature", ["signoff.chief_executive"]),
]

REPORT_SECTIONS: list[tuple[Boundary, Boundary, list[str]]] = [
    ("EXECUTIVE SUMMARY", "Recommendations", ["report.executive_summary"]),
    (
        "Recommendations",
        "Time sensitivity",
        ["report.recommendations_intro", "report.recommendations"],
    ),
    (
        "Time sensitivity",
        "Non-confidential facts and advice to the Deputy Mayor for Policing and Crime",
        ["report.time_sensitivity"],
    ),
    ("Introduction and background", "Issues for consideration", ["report.introduction"]),
    (
        "Issues for consideration",
        "Contributes to the MOPAC Police & Crime Plan 2017-2021¹",
        ["report.issues_for_consideration"],
    ),
    (
        "Contributes to the MOPAC Police & Crime Plan 2017-2021¹",
        "Financial, Commercial and Procurement Comments",
        ["report.police_crime_plan"],
    ),
    (
        "Financial, Commercial and Procurement Comments",
        "Legal Comments",
        ["report.financial_comments"],
    ),
    ("Legal Comments", "Equality Comments", ["report.legal_comments"]),
    ("Equality Comments", "Privacy Comments", ["report.equality_comments"]),
    ("Privacy Comments", "Real Estate Implications", ["report.privacy_comments"]),
    ("Real Estate Implications", "Environmental Implications", ["report.real_estate"]),
    ("Environmental Implications", "Background/supporting papers", ["report.environmental"]),
    ("Background/supporting papers", Prefix("Report author:"), ["report.background_papers"]),
]

# Printed by the templates whatever the record says: headings, instructions, the FOIA text.
FORM_TEMPLATE_TEXT = {
    "Executive Summary:",
    "Recommendation:",
    DM_DECLARATION,
    "Signature",
    "1. Introduction and background",
    "2. Issues for consideration",
    "3. Financial Comments",
    "4. Legal Comments",
    "5. Commercial Issues",
    "6. GDPR and Data Privacy",
    "7. Equality Comments",
    "8. Background/supporting papers",
    "Public access to information",
    "Information in this form (Part 1) is subject to the Freedom of Information Act 2000 (FOIA) "
    "and will be made available on the MOPAC website following approval.",
    "If immediate publication risks compromising the implementation of the decision it can be "
    "deferred until a specific date. Deferral periods should be kept to the shortest length "
    "strictly necessary.",
    "Part 1 Deferral:",
    "Part 2 Confidentiality: Only the facts or advice considered as likely to be exempt from "
    "disclosure under the FOIA should be in the separate Part 2 form, together with the legal "
    "rationale for non-publication.",
    "ORIGINATING OFFICER DECLARATION",
    "Tick to confirm statement (✓)",
    "Chief Executive Officer",
}
REPORT_TEMPLATE_TEXT = {
    "EXECUTIVE SUMMARY",
    "Recommendations",
    "Time sensitivity",
    "Introduction and background",
    "Issues for consideration",
    "Contributes to the MOPAC Police & Crime Plan 2017-2021¹",
    "Financial, Commercial and Procurement Comments",
    "Legal Comments",
    "Equality Comments",
    "Privacy Comments",
    "Real Estate Implications",
    "Environmental Implications",
    "Background/supporting papers",
}


def stored_paragraphs(decision: Decision, path: str) -> list[str]:
    """The paragraphs stored at `path` ("decision.introduction", "declaration.legal", …)."""
    source, _, name = path.partition(".")
    if source == "decision":
        return split_paragraphs(getattr(decision, name))
    if source == "report":
        return split_paragraphs(getattr(decision.report, name))
    if source == "recommendations":
        return [rec.text for rec in decision.recommendations.all()]
    if source == "declaration":
        # One statement a line (the GDPR line has two).
        return decision.declaration_lines.get(kind=name).statement.split("\n")
    if source == "signoff":
        return [decision.signoffs.get(kind=name).statement]
    raise AssertionError(f"unknown place {path}")


def split_paragraphs(text: str) -> list[str]:
    return text.split("\n\n") if text else []


def find(lines: list[str], boundary: Boundary, start: int) -> int:
    for index in range(start, len(lines)):
        line = lines[index]
        if line == boundary or (isinstance(boundary, Prefix) and line.startswith(boundary.text)):
            return index
    raise AssertionError(f"heading {boundary!r} not found in the reference after line {start}")


def cut(lines: list[str], sections: list[tuple[Boundary, Boundary, list[str]]]):
    """Each section's reference paragraphs, and the indexes of the lines they came from."""
    cursor = 0
    for opening, closing, paths in sections:
        first = find(lines, opening, cursor)
        last = find(lines, closing, first + 1)
        yield (
            paths,
            [as_paragraph(line) for line in lines[first + 1 : last]],
            range(first + 1, last),
        )
        cursor = last


def yes_no(value: bool) -> str:
    return "YES" if value else "NO"


def date_lines(moment: datetime) -> set[str]:
    # The published form writes its two dates differently: 5/11/2021 and 22/10/21.
    day = timezone.localtime(moment, LONDON).date()
    return {f"Date {day.day}/{day.month}/{day.year}", f"Date {day:%d/%m/%y}"}


def ordinal(day: date) -> str:
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.day}{suffix} {day:%B %Y}"


def form_derived_lines(decision: Decision) -> list[tuple[str, set[str]]]:
    """(what, acceptable lines) printed on the decision form from structured fields."""
    ce = decision.signoffs.get(kind=SignOff.Kind.CHIEF_EXECUTIVE)
    dm = decision.signoffs.get(kind=SignOff.Kind.DECISION)
    derived = [
        ("form type and reference", {f"{decision.form_type.name} – {decision.reference}"}),
        ("title", {f"Title: {decision.title}"}),
        ("decision maker", {decision.decision_maker_title}),
        ("decision date", date_lines(dm.signed_at)),
        (
            "Part I heading",
            {f"PART I - NON-CONFIDENTIAL FACTS AND ADVICE TO THE {decision.decision_maker_short}"},
        ),
        (
            "deferred",
            {
                f"Is the publication of Part 1 of this approval to be deferred? "
                f"{yes_no(decision.part1_deferred)}"
            },
        ),
        ("deferral reason", {f"If yes, for what reason: {decision.deferral_reason or 'N/A'}"}),
        ("deferral date", {f"Until what date: {decision.deferred_until or 'N/A'}"}),
        ("Part 2", {f"Is there a Part 2 form – {yes_no(decision.has_part_two)}"}),
        ("Chief Executive's date", date_lines(ce.signed_at)),
    ]
    for line in decision.declaration_lines.all():
        label = line.get_kind_display()
        derived.append((f"{line.kind} heading", {label, f"{label}:"}))
        if line.ticked:
            derived.append((f"{line.kind} tick", {"✓"}))
    return derived


def report_derived_lines(decision: Decision) -> list[tuple[str, set[str]]]:
    report = decision.report
    return [
        ("organisation", {report.organisation.upper()}),
        ("report title", {report.title}),
        ("meeting", {f"{report.meeting} - {ordinal(report.meeting_date)}"}),
        ("report by", {f"Report by {report.report_by} on behalf of {report.on_behalf_of}"}),
        (
            "protective marking",
            {
                "Part 1 – This section of the report will be published by MOPAC. It is classified "
                f"as {report.protective_marking}"
            },
        ),
        (
            "facts and advice heading",
            {f"Non-confidential facts and advice to the {decision.decision_maker_title}"},
        ),
        ("report author", {f"Report author: {report.report_author}"}),
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, loaded once for the module and rolled back after its last test.

    It is loaded in a transaction held open until then: each test's own transaction
    (the `db` fixture) is a savepoint in it, so whatever a test writes is undone after
    that test, and nothing outlives the module. Every test in the module sees the demo;
    a transactional test (transactional_db, live_server) would commit through it and
    flush it, so none belongs here.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        with django_db_blocker.unblock():
            demo_load()
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def pcd1069(demo) -> Decision:
    return Decision.objects.get(series__prefix="PCD", number=1069)


# --- The reference text ----------------------------------------------------------------


def test_reference_copy_is_the_shared_reference():
    if not SHARED_REFERENCE.exists():
        pytest.skip("no ../shared/reference beside the repository")
    assert REFERENCE.read_bytes() == SHARED_REFERENCE.read_bytes()


def section_id(section) -> str:
    return "+".join(section[2])


@pytest.mark.parametrize(
    ("document", "section"),
    [(0, s) for s in FORM_SECTIONS] + [(1, s) for s in REPORT_SECTIONS],
    ids=[section_id(s) for s in FORM_SECTIONS + REPORT_SECTIONS],
)
def test_each_section_of_pcd1069_is_stored_paragraph_by_paragraph(pcd1069, document, section):
    lines = reference_documents()[document]
    sections = FORM_SECTIONS if document == 0 else REPORT_SECTIONS
    cuts = {tuple(paths): expected for paths, expected, _ in cut(lines, sections)}
    stored = [p for path in section[2] for p in stored_paragraphs(pcd1069, path)]
    assert stored == cuts[tuple(section[2])]


@pytest.mark.parametrize(
    ("document", "sections", "template_text", "derive"),
    [
        (0, FORM_SECTIONS, FORM_TEMPLATE_TEXT, form_derived_lines),
        (1, REPORT_SECTIONS, REPORT_TEMPLATE_TEXT, report_derived_lines),
    ],
    ids=["decision form", "supporting report"],
)
def test_every_line_of_pcd1069_is_accounted_for(pcd1069, document, sections, template_text, derive):
    lines = reference_documents()[document]
    stored_lines = {i for _, _, span in cut(lines, sections) for i in span}
    rest = [i for i in range(len(lines)) if i not in stored_lines]

    missing = []
    for what, texts in derive(pcd1069):
        # A derived value may be printed over two lines ("MAYOR OF LONDON / OFFICE FOR …").
        for pos, i in enumerate(rest):
            if lines[i] in texts:
                del rest[pos]
                break
            if pos + 1 < len(rest) and rest[pos + 1] == i + 1:
                if f"{lines[i]} {lines[i + 1]}" in texts:
                    del rest[pos : pos + 2]
                    break
        else:
            missing.append(f"{what}: {sorted(texts)}")
    assert missing == [], "structured fields that do not give the printed line"

    unaccounted = [lines[i] for i in rest if lines[i] not in template_text]
    assert unaccounted == [], "reference lines neither stored, derived nor template text"
    unused = template_text - {lines[i] for i in rest}
    assert unused == set(), "template text listed but not in the reference"


# --- PCD 1069's structured fields ------------------------------------------------------


def test_pcd1069_is_the_published_dmpc_decision(pcd1069):
    assert pcd1069.reference == "PCD 1069"
    assert pcd1069.form_type.slug == "dmpc-decision"
    assert pcd1069.status == DecisionStatus.PUBLISHED
    assert pcd1069.decision_maker.code == "dmpc"
    assert (pcd1069.part1_deferred, pcd1069.deferred_until, pcd1069.deferral_reason) == (
        False,
        None,
        "",
    )
    assert pcd1069.has_part_two is False
    assert not hasattr(pcd1069, "part_two")
    assert pcd1069.drafting_officer.username == "officer"
    assert pcd1069.drafting_officer.get_full_name() == "Craig James"
    assert [line.ticked for line in pcd1069.declaration_lines.all()] == [True] * 7

    report = pcd1069.report
    assert report.organisation == "Mayor of London Office for Policing and Crime"
    assert report.meeting == "MOPAC Investment Advisory & Monitoring meeting"
    assert report.meeting_date == date(2021, 10, 7)
    assert report.decision_required_by == date(2021, 10, 21)
    assert report.protective_marking == "OFFICIAL – PUBLIC"


def test_pcd1069_money_is_one_exact_capital_line(pcd1069):
    lines = list(pcd1069.expenditure_lines.all())
    assert [
        (line.kind, line.financial_year, line.amount, line.funding_source, line.is_confidential)
        for line in lines
    ] == [
        (
            "capital",
            "2021/22",
            Decimal("1482400.00"),
            "MOPAC Approved Digital Policing (DP) Capital Budget",
            False,
        )
    ]
    assert str(lines[0].amount) == "1482400.00"
    total = sum((line.amount for line in lines), Decimal("0.00"))
    assert str(total) == "1482400.00"
    # SQLite's SUM drops the pence digits of the text; the value must still be exact.
    assert pcd1069.expenditure_lines.aggregate(total=Sum("amount"))["total"] == total


def test_pcd1069_signoffs_are_the_published_ones(pcd1069):
    ce = pcd1069.signoffs.get(kind=SignOff.Kind.CHIEF_EXECUTIVE)
    dm = pcd1069.signoffs.get(kind=SignOff.Kind.DECISION)
    assert (ce.role, ce.user.username, ce.outcome) == ("chief_executive", "ceo", "confirmed")
    assert ce.signed_at == datetime(2021, 10, 22, 12, 0, tzinfo=LONDON)
    assert (dm.role, dm.user.username, dm.outcome) == ("dmpc", "dmpc", "approved")
    assert dm.interests == ""
    assert dm.signed_at == datetime(2021, 11, 5, 12, 0, tzinfo=LONDON)
    assert ce.name_as_signed == ce.user.get_full_name()

    clearances = pcd1069.signoffs.filter(kind=SignOff.Kind.CLEARANCE)
    statements = {line.kind: line.statement for line in pcd1069.declaration_lines.all()}
    line_of_role = {
        "finance": "financial",
        "legal": "legal",
        "equalities": "equalities",
        "commercial": "commercial",
        "information_rights": "privacy",
        "director": "director",
    }
    assert sorted(c.role for c in clearances) == sorted(line_of_role)
    for clearance in clearances:
        assert clearance.outcome == "confirmed"
        assert clearance.statement == statements[line_of_role[clearance.role]]
        assert clearance.user.groups.filter(name=ROLE_GROUP_NAMES[clearance.role]).exists()
        assert clearance.signed_at <= ce.signed_at


def test_every_signoff_carries_the_hash_of_its_record():
    signed = Decision.objects.filter(signoffs__isnull=False).distinct()
    assert signed.filter(form_type__organisation__slug="mopac").count() == 5
    assert signed.filter(form_type__organisation__slug="northbridge").count() == 3
    for decision in signed:
        expected = decision_content_hash(decision=decision)
        assert {s.content_hash for s in decision.signoffs.all()} == {expected}, decision.reference


def test_the_fixed_statements_are_those_the_services_write():
    # The Chief Executive's names the office each record goes to (the Mayor's too).
    demo_load()
    for decision in Decision.objects.filter(signoffs__kind=SignOff.Kind.CHIEF_EXECUTIVE):
        ce = decision.signoffs.get(kind=SignOff.Kind.CHIEF_EXECUTIVE)
        maker = decision.decision_maker
        # In the words of the office that signs it (the city's Executive Director has its own).
        assert ce.statement == maker.statement_by.statement_for(maker)
        if decision.organisation.slug == "mopac":
            assert ce.statement == CHIEF_EXECUTIVE_STATEMENT.format(decision_maker=maker.title)
    for line in DeclarationLine.objects.filter(kind=DeclarationLine.Kind.DRAFTING_OFFICER):
        assert line.statement == drafting_officer_statement(line.decision)
    makers = Decision.objects.filter(signoffs__kind=SignOff.Kind.CHIEF_EXECUTIVE)
    assert set(makers.values_list("decision_maker__code", flat=True)) == {"dmpc", "mayor"}


# --- The other records -----------------------------------------------------------------


def test_the_register_continues_after_1069_with_a_record_at_every_stage():
    series = ReferenceSeries.objects.get(prefix="PCD")
    pcd = Decision.objects.filter(series=series)
    numbers = sorted(pcd.exclude(number=None).values_list("number", flat=True))
    assert numbers == [1069, 1070, 1071, 1072, 1073, 1074]
    assert series.next_number == 1075
    assert set(series.form_types.values_list("slug", flat=True)) >= {"dmpc-decision"}

    statuses = set(pcd.values_list("status", flat=True))
    assert statuses >= {"draft", "clearance", "chief_executive", "decision_maker", "published"}
    assert pcd.filter(status="published").count() >= 2

    draft = pcd.get(status="draft")
    assert draft.number is None
    assert draft.drafting_officer.username == "officer"
    assert draft.executive_summary and not draft.legal_comments
    assert not draft.publication_answered
    assert all(d.publication_answered for d in Decision.objects.exclude(status="draft"))


def test_a_record_under_half_a_million_goes_to_the_chief_executive():
    record = Decision.objects.get(decision_maker__code="chief_executive")
    assert record.number is not None
    assert record.status in {"clearance", "chief_executive"}
    total = record.expenditure_lines.aggregate(total=Sum("amount"))["total"]
    assert total < Decimal("500000.00")


def test_a_deferred_record_has_a_part_two_and_a_confidential_amount():
    record = Decision.objects.get(part1_deferred=True)
    assert record.status in {"approved", "decision_maker"}
    assert record.deferral_reason
    assert record.deferred_until > timezone.localdate()
    assert record.has_part_two
    assert record.part_two.exemption == "commercial"
    assert record.part_two.content and record.part_two.rationale
    assert record.expenditure_lines.filter(is_confidential=True).exists()
    for line in record.expenditure_lines.all():
        assert line.amount.as_tuple().exponent == -2


# --- The demo users --------------------------------------------------------------------

USERNAMES = {
    Role.DRAFTING_OFFICER: "officer",
    Role.FINANCE: "finance",
    Role.LEGAL: "legal",
    Role.EQUALITIES: "equalities",
    Role.COMMERCIAL: "commercial",
    Role.INFORMATION_RIGHTS: "inforights",
    Role.DIRECTOR: "director",
    Role.CHIEF_EXECUTIVE: "ceo",
    Role.DMPC: "dmpc",
    Role.MAYOR: "mayor",
    Role.ADMINISTRATOR: "admin",
}


def test_one_user_per_role_in_its_group():
    for role in Role:
        group = Group.objects.get(name=ROLE_GROUP_NAMES[role])
        expected = [USERNAMES[role]]
        if role == Role.DRAFTING_OFFICER:
            expected.append("nb-officer")  # the second body's drafting officer
        assert sorted(group.user_set.values_list("username", flat=True)) == sorted(expected)
    users = User.objects.filter(username__in=USERNAMES.values())
    assert users.count() == len(Role)
    for user in users:
        assert user.email.endswith("@example.org")
        assert user.get_full_name()
        assert user.is_superuser is False
        assert user.is_staff is (user.username == "admin")
    assert User.objects.get(username="officer").get_full_name() == "Craig James"


def test_every_demo_user_has_something_waiting():
    from demo.users import DEMO_USERS

    today = timezone.localdate()
    for demo_user in DEMO_USERS:
        if demo_user.role == Role.ADMINISTRATOR:
            continue  # administrators sign nothing and draft nothing: no queue
        if demo_user.role is None:
            continue  # the city's offices: only the Director has a record waiting (test_second_body)
        user = User.objects.get(username=demo_user.username)
        assert awaiting_action(user=user, today=today), demo_user.username


def test_each_policing_record_is_headed_by_the_office_it_goes_to():
    """Why: "DMPC Decision – PCD 1077" was decided by the Mayor. The PCD form's heading
    names the office the record goes to; a Chief Executive's decision is on its own form."""
    from approvals.presenters import part_one_context

    records = Decision.objects.filter(series__prefix="PCD", number__isnull=False)
    assert {d.decision_maker.code for d in records} == {"dmpc", "mayor", "chief_executive"}
    for decision in records:
        heading = part_one_context(decision=decision)["form_heading"]
        expected = {
            "dmpc": f"DMPC Decision – {decision.reference}",
            "mayor": f"Mayor Decision – {decision.reference}",
            "chief_executive": f"Chief Executive Decision – {decision.reference}",
        }[decision.decision_maker.code]
        assert heading == expected
        assert decision.decision_maker in decision.form_type.offices.all()
