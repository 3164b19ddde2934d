"""A record goes from "check your answers" through every clearance line, the Chief
Executive and the DMPC to approval, each step signed in the browser by a different person."""

import re

import pytest
from playwright.sync_api import Page, expect

from approvals.clearance import CLEARANCE_LINES
from core.roles import Role
from decisions.models import Decision, DeclarationLine
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import FALLBACK_PASSWORD
from tests.factories import (
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    FormTypeFactory,
    RecommendationFactory,
    SupportingReportFactory,
    UserFactory,
)
from tests.workflow import statements

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]

TITLE = "Accelerated IVMA Improvements"
ROUTE = (
    "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
    "(Scheme of Delegation and Consent, para 4.8)"
)
# Users made here are not demo users: the login fixture gives them FALLBACK_PASSWORD,
# which they re-enter to sign.
ADVISERS = {
    "financial": ("priya", "Priya", "Raman", Role.FINANCE),
    "legal": ("thomas", "Thomas", "Okafor", Role.LEGAL),
    "equalities": ("hannah", "Hannah", "Whitfield", Role.EQUALITIES),
    "commercial": ("marcus", "Marcus", "Bellamy", Role.COMMERCIAL),
    "privacy": ("aisha", "Aisha", "Mahmood", Role.INFORMATION_RIGHTS),
    "director": ("eleanor", "Eleanor", "Shawcross", Role.DIRECTOR),
}


def person(username: str, first: str, last: str, role: Role):
    return UserFactory(username=username, first_name=first, last_name=last, roles=[role])


def ready_draft(officer) -> Decision:
    FormTypeFactory(name="DMPC Decision", series__prefix="PCD", series__next_number=1070)
    decision = DecisionFactory(title=TITLE, drafting_officer=officer, publication_answered=True)
    RecommendationFactory(decision=decision, text="Approve £1,482,400.00 of capital.")
    ExpenditureLineFactory(decision=decision, amount="1482400.00")
    SupportingReportFactory(decision=decision)
    DeclarationLineFactory(
        decision=decision,
        kind=DeclarationLine.Kind.DRAFTING_OFFICER,
        statement="Craig James has drafted this report in accordance with MOPAC procedures.",
        ticked=True,
    )
    return decision


def sign_in_as(page: Page, live_server, login, username: str) -> None:
    sign_out = page.get_by_role("button", name=re.compile(r"^Sign out"))
    if sign_out.count():
        sign_out.click()
    login(page, live_server, username)


def expect_banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def expect_errors(page: Page, *messages: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert_no_axe_violations(page)


def open_from_queue(page: Page, group: str, action: str) -> None:
    """From the home page's "Awaiting your action", open the record's step."""
    page.goto("/")
    queue = page.locator("section", has=page.get_by_role("heading", name="Awaiting your action"))
    table = queue.locator("table", has=page.locator("caption", has_text=group))
    expect(table.locator("caption")).to_have_text(f"{group} (1)")
    table.get_by_role("link", name=f"{action} on {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)


def test_a_record_is_cleared_signed_and_approved_in_the_browser(page: Page, live_server, login):
    officer = person("craig", "Craig", "James", Role.DRAFTING_OFFICER)
    decision = ready_draft(officer)
    advisers = {kind: person(*who) for kind, who in ADVISERS.items()}
    ceo = person("jonathan", "Jonathan", "Marsh", Role.CHIEF_EXECUTIVE)
    dmpc = person("rebecca", "Rebecca", "Holloway", Role.DMPC)

    # The officer submits from "check your answers".
    sign_in_as(page, live_server, login, "craig")
    page.goto(f"/records/{decision.pk}/draft/check/")
    page.get_by_role("button", name="Submit for clearance").click()
    expect_banner(page, f"Submitted for clearance as PCD 1070: {ROUTE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(
        "There is nothing for you to do on this record now."
    )
    assert_no_axe_violations(page)

    # Each adviser confirms their own line, re-entering their password.
    for number, (kind, line) in enumerate(CLEARANCE_LINES.items()):
        adviser = advisers[kind]
        sign_in_as(page, live_server, login, adviser.username)
        if number == 0:
            page.goto("/")
            assert_no_axe_violations(page)
        open_from_queue(
            page, f"{line.kind.label} line to confirm", f"Confirm the {line.kind.label} line"
        )
        if number == 0:
            assert_no_axe_violations(page)
            page.get_by_role("button", name="Confirm and sign").click()
            expect_errors(page, "Select a statement", "Enter your password")
        page.locator(f"#id_statement_{len(statements(line.kind)) - 1}").check()
        if number == 0:
            page.get_by_label("Enter your password to sign").fill("not my password")
            page.get_by_role("button", name="Confirm and sign").click()
            expect_errors(page, "The password is not correct. Enter your own password to sign")
            expect(page.get_by_label("Enter your password to sign")).to_have_value("")
        page.get_by_label("Enter your password to sign").fill(FALLBACK_PASSWORD)
        page.get_by_role("button", name="Confirm and sign").click()
        expect_banner(page, f"You confirmed the {line.kind.label} line of PCD 1070.")

    # The Chief Executive signs the statement.
    sign_in_as(page, live_server, login, ceo.username)
    open_from_queue(page, "Chief Executive's statement to sign", "Sign as Chief Executive")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "appropriate request to be submitted to the Deputy Mayor for Policing and Crime"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Enter your password to sign").fill(FALLBACK_PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect_banner(page, "You signed the Chief Executive's statement on PCD 1070.")

    # The DMPC looks at the return page without using it, then approves.
    sign_in_as(page, live_server, login, dmpc.username)
    open_from_queue(page, "Decisions to take", "Take the decision")
    expect(page.locator("main")).to_contain_text(ROUTE)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Return it to the drafting officer instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return to the drafting officer")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Return to the drafting officer").click()
    expect_errors(page, "Enter the reason for returning the record")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Take the decision").click()

    page.get_by_role("button", name="Sign the decision").click()
    expect_errors(
        page,
        "Select yes if you have a personal or prejudicial interest",
        "Select whether you approve the request",
        "Enter your password",
    )
    page.locator("#id_has_interest_1").check()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Enter your password to sign").fill(FALLBACK_PASSWORD)
    page.get_by_role("button", name="Sign the decision").click()
    expect_banner(page, "You approved PCD 1070. Your decision is signed.")
    # Approved, and published at once as it is not deferred.
    stage = page.locator(".govuk-summary-list__row", has_text="Stage")
    expect(stage).to_contain_text(re.compile("Approved|Published"))
    signoffs = page.locator("section", has=page.get_by_role("heading", name="Sign-offs"))
    expect(signoffs.locator(".govuk-tag", has_text="Standing")).to_have_count(8)
    expect(signoffs).to_contain_text("Decision: Approved")
    assert_no_axe_violations(page)

    # The history lists every step, in order.
    page.get_by_role("link", name="View history").click()
    timeline = page.locator("section", has=page.get_by_role("heading", name="What was done"))
    steps = [
        "Submitted for clearance",
        *["Confirmed a declaration line"] * len(CLEARANCE_LINES),
        "Signed the Chief Executive's statement",
        "Approved",
    ]
    expect(timeline.locator("h3").nth(len(steps) - 1)).to_have_text("Approved")
    # Publication, which follows approval by itself, may come after.
    assert timeline.locator("h3").all_inner_texts()[: len(steps)] == steps
    for adviser in advisers.values():
        expect(timeline).to_contain_text(f"By {adviser.get_full_name()}")
    expect(timeline).to_contain_text(f"Rule applied: {ROUTE}")
    assert_no_axe_violations(page)

    decision.refresh_from_db()
    assert decision.status in (Decision.Status.APPROVED, Decision.Status.PUBLISHED)
    assert decision.signoffs.filter(voided_at__isnull=True).count() == 8
