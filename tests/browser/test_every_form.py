"""One record of each demo form type of both bodies, drafted, routed, signed and published in
the browser: its heading, route reason, signature block, a section marked not applicable, a
related decision and a published background paper, on the staff page, the public register
page and in the published PDF's text.

The bodies (offices, form types, scheme, users) are set up as `load_demo` sets them up, less
its records. What the test is not about is written through the ORM: the rest of each draft
(from the demo record of the same form type), and the signing in of each person (a session
cookie). Every officer starts their record in the browser. On one form of each body the
officer also writes a section, marks one not applicable, writes the recommendation and the
money, links an earlier record, uploads the papers and marks which are published, answers
the publication questions and ticks their own line in the browser; on the others, which
would repeat the same pages, that is written through the ORM and the services. Every
record is then submitted, each adviser's line, the statement where the office has one and
the decision are signed in the browser, and the app publishes the record on approval by
itself.
"""

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from decisions import services
from decisions.models import Decision, DeclarationKind, FormType, SupportingReport
from decisions.sections import form_sections, recommendations_heading
from demo import northbridge
from demo import records as policing
from demo.loader import (
    DemoResult,
    _load_form_types,
    _load_northbridge,
    _load_series,
    _load_users,
)
from demo.pcd1069 import PCD_1069
from demo.spec import RecordSpec
from demo.users import DEMO_PASSWORD
from register.views import paper_url
from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_section_not_applicable import (
    assert_no_axe_violations as assert_no_axe_violations_but_reveal,
)
from tests.factories import attach_paper

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]

PAPER = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HIDDEN_PAPER = b"%PDF-1.7\n% internal working notes\ntrailer<<>>\n%%EOF\n"

# Who confirms each line of the declaration (demo/users.py): the advisers are shared by
# both bodies.
ADVISER = {
    DeclarationKind.FINANCIAL: "finance",
    DeclarationKind.LEGAL: "legal",
    DeclarationKind.EQUALITIES: "equalities",
    DeclarationKind.COMMERCIAL: "commercial",
    DeclarationKind.PRIVACY: "inforights",
    DeclarationKind.DIRECTOR: "director",
}
# The section whose "not applicable" an adviser's line may state instead.
LINE_SECTION = {
    DeclarationKind.COMMERCIAL: "commercial_issues",
    DeclarationKind.PRIVACY: "gdpr_privacy",
}


REPORT_TASKS = (
    "Report details",
    "Summary, recommendations and time sensitivity",
    "Facts and advice",
)


@dataclass(frozen=True)
class Case:
    spec: RecordSpec
    officer: str
    reference: str
    heading: str
    route: str
    # The decision maker's office title, who holds it, and who signs the statement before.
    office: str
    decider: str
    decider_name: str
    statement_heading: str = ""
    statement_by: str = ""
    statement_name: str = ""
    # The section marked not applicable in the browser, if the form allows one.
    not_applicable: str = ""
    # An earlier published record of the same body, to link to.
    earlier: tuple[str, int] = ("PCD", 1000)


NB = "Northbridge Scheme of Delegation"
CASES = {
    "dmpc-decision": Case(
        spec=PCD_1069,
        officer="officer",
        reference="PCD 1069",
        heading="DMPC Decision – PCD 1069",
        route=(
            "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or "
            "more (Scheme of Delegation and Consent, para 4.8)"
        ),
        office="Deputy Mayor for Policing and Crime",
        decider="dmpc",
        decider_name="Rebecca Holloway",
        statement_heading="Chief Executive Officer",
        statement_by="ceo",
        statement_name="Jonathan Marsh",
    ),
    # The same form, for a matter reserved to the Mayor: headed by the office it goes to.
    "dmpc-decision-reserved-to-the-mayor": Case(
        spec=policing.POLICE_AND_CRIME_PLAN,
        officer="officer",
        reference="PCD 1069",
        heading="Mayor Decision – PCD 1069",
        route=(
            "To the Mayor of London: the matter is reserved to the Mayor "
            "(Scheme of Delegation and Consent, para 1.1)"
        ),
        office="Mayor of London",
        decider="mayor",
        decider_name="Daniel Ashworth",
        statement_heading="Chief Executive Officer",
        statement_by="ceo",
        statement_name="Jonathan Marsh",
    ),
    "chief-executive-decision": Case(
        spec=policing.CUSTODY_VISITING,
        officer="officer",
        reference="PCD 1069",
        heading="Chief Executive Decision – PCD 1069",
        route=(
            "To the Chief Executive: total £64,500.00, under delegation "
            "(Scheme of Delegation and Consent, para 4.13)"
        ),
        office="Chief Executive",
        decider="ceo",
        decider_name="Jonathan Marsh",
    ),
    "nb-mayoral-decision": Case(
        spec=northbridge.RIVERSIDE_CYCLE_ROUTE,
        officer="nb-officer",
        reference="MD 3187",
        heading="Mayoral Decision MD 3187",
        route=f"To the Mayor of Northbridge: total £240,000.00 is £150,000.01 or more ({NB}, para 3.2)",
        office="Mayor of Northbridge",
        decider="nb-mayor",
        decider_name="Olivia Pennington",
        statement_heading="Executive Director",
        statement_by="nb-director",
        statement_name="Gareth Lloyd",
        not_applicable="commercial_issues",
        earlier=("MD", 3000),
    ),
    "nb-directors-decision": Case(
        spec=northbridge.LIBRARY_KIOSKS,
        officer="nb-officer",
        reference="DD 2410",
        heading="Director's Decision DD 2410",
        route=f"To the Executive Director: total £95,000.00 is £50,000.01 or more ({NB}, para 5.4)",
        office="Executive Director",
        decider="nb-director",
        decider_name="Gareth Lloyd",
        not_applicable="commercial_issues",
        earlier=("MD", 3000),
    ),
    "nb-assistant-directors-decision": Case(
        spec=northbridge.PARKS_LICENSING,
        officer="nb-officer",
        reference="ADD 1562",
        heading="Assistant Director's Decision ADD 1562",
        route=f"To the Assistant Director: total £32,000.00 is £10,000.01 or more ({NB}, para 6.3)",
        office="Assistant Director",
        decider="nb-assistant",
        decider_name="Nadia Farouk",
        not_applicable="gdpr_privacy",
        earlier=("MD", 3000),
    ),
    "nb-directors-approval-record": Case(
        spec=northbridge.COMMUNITY_HALL_ROOF,
        officer="nb-officer",
        reference="DAR 1",
        heading="Director's Approval Record DAR 1",
        route=f"To the Head of Service: total £7,500.00, under delegation ({NB}, para 7.1)",
        office="Head of Service",
        decider="nb-head",
        decider_name="Peter Quinn",
        earlier=("MD", 3000),
    ),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def set_up_bodies() -> None:
    """Both bodies, their users, series and form types, as load_demo writes them, without
    its records (walking seven records through the workflow is not what is tested here)."""
    result = DemoResult(password=DEMO_PASSWORD)
    with transaction.atomic():
        groups = _load_northbridge(result=result, say=lambda line: None)
        _load_users(office_groups=groups, result=result, say=lambda line: None)
        _load_form_types(series=_load_series())


def earlier_record(case: Case) -> Decision:
    """A record of the same body already on the register, to be linked to."""
    prefix, number = case.earlier
    form_type = FormType.objects.filter(series__prefix=prefix).first()
    office = form_type.offices.order_by("-rank").first()
    data = b"%PDF-1.7\n% an earlier decision\ntrailer<<>>\n%%EOF\n"
    return Decision.objects.create(
        published_pdf=ContentFile(data, name=f"{prefix.lower()}-{number}.pdf"),
        published_pdf_sha256=hashlib.sha256(data).hexdigest(),
        form_type=form_type,
        series=form_type.series,
        number=number,
        title="An earlier decision",
        executive_summary="An earlier decision of the same body.",
        drafting_officer=User.objects.get(username="officer"),
        decision_maker=office,
        status=Decision.Status.PUBLISHED,
        publication_answered=True,
        submitted_at=timezone.now(),
        published_at=timezone.now(),
    )


def fill_the_rest(decision: Decision, spec: RecordSpec, *, written: tuple[str, ...]) -> None:
    """What the officer does not type in this test: the demo record's other sections, its
    supporting report and their own line, unticked."""
    fields = {k: v for k, v in spec.fields.items() if k not in written}
    # This record has papers published with it, listed under this section.
    fields["supporting_papers"] = "The papers published with this decision are listed below."
    Decision.objects.filter(pk=decision.pk).update(**fields)
    decision.refresh_from_db()
    if spec.report is not None:
        SupportingReport.objects.update_or_create(decision=decision, defaults=spec.report)
    for line in spec.declaration:
        if line.kind == DeclarationKind.DRAFTING_OFFICER:
            decision.declaration_lines.create(kind=line.kind, statement=line.statement)


def sign_in(page: Page, live_server, username: str) -> None:
    """Sign the browser in as the user, in place of whoever was: a session made through
    Django rather than the form (signing in is tested in test_smoke.py and
    test_approval_chain.py), so that each of the many signers costs no page."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def save(page: Page) -> None:
    page.get_by_role("button", name="Save and return to the task list").click()
    page.wait_for_load_state("load")
    errors = page.locator(".govuk-error-summary")
    assert not errors.count(), errors.inner_text()
    expect(page.get_by_role("link", name="Check your answers")).to_be_visible()


def open_task(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(re.escape(name)))


def expect_banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages
    )


def assert_in_order(text: str, parts: list[str]) -> None:
    cursor = 0
    for part in parts:
        found = text.find(part, cursor)
        assert found >= 0, f"{part!r} not found after position {cursor} in {text!r}"
        cursor = found + len(part)


# Two records are drafted in the browser, one of each body; the others' drafts are written
# through the ORM and the services, as the browser would leave them: every record is then
# routed, signed and published in the browser, and checked in its pages and PDF.
DRAFTED_IN_THE_BROWSER = ("dmpc-decision", "nb-mayoral-decision")
WRITTEN = "introduction"
PAPERS = [
    ("Options appraisal", "options.pdf", PAPER, True),
    ("Internal working notes", "notes.pdf", HIDDEN_PAPER, False),
]


# The pages axe reads: those no other browser test reads (the related decisions and papers
# pages), and each page of the city's forms once, on its Mayoral Decision (the policing
# office's task list, check, signing, staff and register pages are read by the others).
AXE = {
    "dmpc-decision": {"related", "papers"},
    "nb-mayoral-decision": {
        "task list",
        "not applicable",
        "check",
        "statement",
        "decide",
        "staff",
        "register",
    },
}


def axe(page: Page, case: Case, name: str) -> None:
    if name not in AXE.get(case.spec.form_type, ()):
        return
    if name == "not applicable":
        assert_no_axe_violations_but_reveal(page)
    else:
        assert_no_axe_violations(page)


def not_applicable_reason(heading: str) -> str:
    return f"No {heading.lower()} is involved."


def draft_in_the_browser(page: Page, case: Case, decision: Decision, earlier_reference: str):
    """The officer writes, on the task list's pages, what matters to this test."""
    spec, sections = case.spec, {s.field: s for s in form_sections(decision.form_type)}
    axe(page, case, "task list")
    open_task(page, sections[WRITTEN].heading)
    page.get_by_label(sections[WRITTEN].heading).fill(spec.fields[WRITTEN])
    save(page)

    if case.not_applicable:
        heading = sections[case.not_applicable].heading
        open_task(page, heading)
        page.get_by_label("This section does not apply").check()
        page.get_by_label("Why it does not apply").fill(not_applicable_reason(heading))
        axe(page, case, "not applicable")
        save(page)

    open_task(page, recommendations_heading(decision.form_type, 2).rstrip(":"))
    page.get_by_label("Recommendation", exact=True).fill(spec.recommendations[0])
    save(page)

    (money,) = spec.expenditure
    open_task(page, "Money")
    page.get_by_role("button", name="Add another line").click()
    page.get_by_label(money.kind.label, exact=True).check()
    page.get_by_label("Financial year").fill(money.financial_year)
    page.get_by_label("Amount", exact=True).fill(f"£{money.amount:,}")
    page.get_by_label("Funding source").fill(money.funding_source)
    save(page)

    # A link to an earlier record of the body.
    open_task(page, "Related decisions")
    page.get_by_label("Amends", exact=True).check()
    page.get_by_label("Reference of the earlier record").fill(earlier_reference)
    page.get_by_role("button", name="Add the link").click()
    expect(page.locator("main .govuk-summary-list")).to_contain_text(f"Amends {earlier_reference}")
    axe(page, case, "related")
    page.get_by_role("link", name="Return to the task list").click()

    # Two papers, published by default (Part 1 is not deferred): one is kept back, the other
    # kept back and marked for publication again. (A city form also has a Part I section
    # called "Background papers": the task is reached by its address.)
    page.goto(f"/records/{decision.pk}/draft/papers/")
    for title, name, data, _publish in PAPERS:
        page.get_by_label("Title of the paper").fill(title)
        page.get_by_label("Upload a file").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
        )
        page.get_by_role("button", name="Upload the paper").click()
        expect(page.get_by_role("link", name=name)).to_be_visible()
        page.get_by_role("button", name=f"Do not publish {title}").click()
    page.get_by_role("button", name="Publish Options appraisal").click()
    papers = page.locator("main .govuk-summary-list")
    for title, _name, _data, publish in PAPERS:
        expect(papers.locator(".govuk-summary-list__row", has_text=title)).to_contain_text(
            "Published with the decision" if publish else "Not published"
        )
    axe(page, case, "papers")
    page.get_by_role("link", name="Return to the task list").click()

    open_task(page, "Publication and Part 2")
    page.locator("#id_part1_deferred_1").check()
    page.locator("#id_has_part_two_1").check()
    save(page)

    open_task(page, "Your declaration")
    page.get_by_label(re.compile("has drafted this report")).check()
    save(page)


def draft_through_the_orm(case: Case, decision: Decision, earlier_reference: str) -> None:
    """The same draft as draft_in_the_browser leaves, written without it."""
    spec, sections = case.spec, {s.field: s for s in form_sections(decision.form_type)}
    fields = {
        WRITTEN: spec.fields[WRITTEN],
        "publication_answered": True,
        "part1_deferred": False,
        "has_part_two": False,
    }
    if case.not_applicable:
        reasons = {**(decision.sections_not_applicable or {})}
        reasons[case.not_applicable] = not_applicable_reason(sections[case.not_applicable].heading)
        fields["sections_not_applicable"] = reasons
    Decision.objects.filter(pk=decision.pk).update(**fields)
    decision.recommendations.create(position=1, text=spec.recommendations[0])
    for position, money in enumerate(spec.expenditure, start=1):
        decision.expenditure_lines.create(
            position=position,
            kind=money.kind,
            financial_year=money.financial_year,
            amount=money.amount,
            funding_source=money.funding_source,
        )
    decision.declaration_lines.filter(kind=DeclarationKind.DRAFTING_OFFICER).update(ticked=True)
    decision.refresh_from_db()
    services.related_decision_add(
        decision_id=decision.pk,
        user=decision.drafting_officer,
        lock_version=decision.lock_version,
        relation="amends",
        reference=earlier_reference,
    )
    for title, name, data, publish in PAPERS:
        attach_paper(decision, title=title, name=name, publish=publish, content=data)


@pytest.mark.parametrize("slug", CASES)
def test_a_record_of_each_form_is_drafted_signed_and_published(slug: str, page: Page, live_server):
    case, spec = CASES[slug], CASES[slug].spec
    set_up_bodies()
    form_type = FormType.objects.get(slug=spec.form_type)
    earlier = earlier_record(case)
    earlier_reference = f"{earlier.series.prefix} {earlier.number}"
    sections = {s.field: s for s in form_sections(form_type)}
    in_the_browser = slug in DRAFTED_IN_THE_BROWSER
    if not case.not_applicable:
        # Nothing on this form may be marked not applicable.
        assert not any(s.may_be_not_applicable for s in sections.values())

    # The officer starts the record on its form.
    sign_in(page, live_server, case.officer)
    page.goto("/records/new/")
    page.get_by_label(form_type.name, exact=True).check()
    page.get_by_label("Title of the decision").fill(spec.title)
    page.get_by_role("button", name="Start drafting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(spec.title)
    decision = Decision.objects.get(title=spec.title, form_type=form_type)
    fill_the_rest(decision, spec, written=(WRITTEN, case.not_applicable, "reserved_to_mayor"))
    if spec.fields.get("reserved_to_mayor"):
        # Routed by a flag rather than by its value.
        page.goto(f"/records/{decision.pk}/draft/route/")
        page.get_by_label("The matter is reserved to the Mayor", exact=True).check()
        save(page)
    if in_the_browser:
        page.reload()
        draft_in_the_browser(page, case, decision, earlier_reference)
    else:
        draft_through_the_orm(case, decision, earlier_reference)
        page.reload()
    # The live route, by the body's own scheme, before submission.
    route_row = page.locator(".govuk-summary-list__row", has_text="Route")
    expect(route_row).to_contain_text(case.route)

    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    # What is not yet completed is a warning only: a report left unwritten where the form
    # has one, and money where the decision spends nothing. A form without a supporting
    # report (the city's) asks for none at all.
    has_report = decision.form_type.has_supporting_report
    allowed = {
        *(REPORT_TASKS if has_report and spec.report is None else ()),
        *([] if spec.expenditure else ["Money"]),
    }
    if allowed:
        listed = page.locator("main ul.govuk-list--bullet").first.locator("li").all_inner_texts()
        assert set(listed) <= allowed, listed
    else:
        expect(page.locator("main")).not_to_contain_text("Not yet completed")
    if not has_report:
        for task in REPORT_TASKS:
            expect(page.locator("main")).not_to_contain_text(task)
    axe(page, case, "check")
    page.get_by_role("button", name="Submit for clearance").click()
    expect_banner(page, f"Submitted for clearance as {case.reference}: {case.route}")

    # Each adviser confirms their line of the form, in the body's words: a line whose
    # section the officer marked not applicable with its "not applicable" wording.
    decision.refresh_from_db()
    not_applicable = decision.sections_not_applicable or {}
    lines = decision.declaration_lines.exclude(kind=DeclarationKind.DRAFTING_OFFICER)
    kinds = list(lines.values_list("kind", flat=True))
    assert kinds, "the advisers' lines are made on submission"
    for kind in kinds:
        sign_in(page, live_server, ADVISER[kind])
        page.goto(f"/records/{decision.pk}/clearance/{kind}/")
        choices = page.locator("input[name=statement]")
        chosen = choices.last if LINE_SECTION.get(kind) in not_applicable else choices.first
        chosen.check()
        page.get_by_label("Enter your password to sign").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Confirm and sign").click()
        expect_banner(page, f"line of {case.reference}.")

    if case.statement_by:
        sign_in(page, live_server, case.statement_by)
        page.goto(f"/records/{decision.pk}/chief-executive/")
        axe(page, case, "statement")
        page.get_by_label("Enter your password to sign").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign", exact=True).click()
        expect_banner(page, f"on {case.reference}.")

    # The decision maker reads the route on the record, then decides.
    sign_in(page, live_server, case.decider)
    page.goto(f"/records/{decision.pk}/")
    expect(page.locator(".govuk-summary-list__row", has_text="Route")).to_contain_text(case.route)
    page.get_by_role("link", name="Take the decision").click()
    page.locator("#id_has_interest_1").check()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Enter your password to sign").fill(DEMO_PASSWORD)
    axe(page, case, "decide")
    page.get_by_role("button", name="Sign the decision").click()
    expect_banner(page, f"You approved {case.reference}. Your decision is signed.")
    # Published by the app on approval, as it is not deferred.
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED

    # The staff page, to the drafting officer.
    sign_in(page, live_server, case.officer)
    page.goto(f"/records/{decision.pk}/")
    expect(page.locator(".govuk-summary-list__row", has_text="Route")).to_contain_text(case.route)
    check_part_one(page, case, decision, earlier_reference)
    axe(page, case, "staff")

    # The public register page, to anyone.
    page.context.clear_cookies()
    page.goto(f"/decisions/{decision.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(spec.title)
    check_part_one(page, case, decision, earlier_reference)
    expect(page.locator("main")).not_to_contain_text("Internal working notes")
    axe(page, case, "register")
    paper = page.locator(".app-published-papers").get_by_role("link", name="Options appraisal")
    response = page.request.get(paper.first.get_attribute("href"))
    assert response.status == 200
    assert response.body() == PAPER
    # The paper kept back is not served at the address it would have.
    hidden = decision.papers.get(title="Internal working notes")
    assert not hidden.publish
    assert page.request.get(paper_url(decision, hidden)).status == 404

    # The earlier record names the later one.
    page.goto(f"/decisions/{earlier.slug}/")
    expect(page.locator(".app-related-decisions")).to_contain_text(f"Amended by {case.reference}")

    # The PDF as published.
    response = page.request.get(f"/decisions/{decision.slug}.pdf")
    assert response.status == 200
    text = pdf_text(response.body())
    assert text.startswith(f"{case.heading} Title: {spec.title}"), text[:200]
    assert f"Amends {earlier_reference}" in text
    office = decision.decision_maker
    assert office.title == case.office
    assert_in_order(
        text,
        [
            case.office,
            " ".join(office.declaration.split()),
            office.approval_statement,
            f"Signature: {case.decider_name}",
        ],
    )
    if case.statement_by:
        assert_in_order(text, [case.statement_heading, f"Signature: {case.statement_name}"])
    if case.not_applicable:
        label = sections[case.not_applicable].heading
        assert_in_order(text, [label, f"Not applicable: No {label.lower()} is involved."])
        # The adviser's line of that section says so in the body's "not applicable" words.
        for kind, field in LINE_SECTION.items():
            if field == case.not_applicable and kind in kinds:
                assert northbridge.CLEARANCE_LINES[kind][1] in text
    assert "Options appraisal" in text
    assert "Internal working notes" not in text


def check_part_one(page: Page, case: Case, decision: Decision, earlier_reference: str) -> None:
    """Part 1 as a page shows it: heading, related link, signatures, sections, papers."""
    part_one = page.locator(".app-part-one")
    expect(part_one.locator("h2").first).to_have_text(case.heading)
    expect(part_one.locator(".app-related-decisions")).to_contain_text(
        f"Amends {earlier_reference}"
    )
    decision_box = part_one.locator(
        ".app-part-one__box", has_text=f"Signature: {case.decider_name}"
    )
    expect(decision_box.locator("h3")).to_have_text(case.office)
    expect(decision_box).to_contain_text(" ".join(decision.decision_maker.declaration.split()))
    expect(decision_box).to_contain_text(decision.decision_maker.approval_statement)
    if case.statement_by:
        statement = part_one.locator(
            ".app-part-one__box", has_text=f"Signature: {case.statement_name}"
        )
        expect(statement.locator("h4")).to_have_text(case.statement_heading)
    if case.not_applicable:
        expect(part_one.locator(".app-not-applicable", has_text=" is involved.")).to_have_count(1)
    papers = part_one.locator(".app-published-papers")
    expect(papers).to_contain_text("Options appraisal")
    expect(papers).not_to_contain_text("Internal working notes")
