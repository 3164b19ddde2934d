"""A drafter marks a section of their form as not applicable, in the browser: the reason is
revealed under the choice (GOV.UK conditional reveal), refused when missing, and the
published Part 1 prints it in place of the section's paragraphs."""

import pytest
from playwright.sync_api import Page, expect

from core.roles import Role
from decisions.models import FormSection
from tests.browser.axe import axe_violations, format_violations
from tests.factories import DecisionFactory, FormTypeFactory, UserFactory


def assert_no_axe_violations(page: Page) -> None:
    """As tests.browser.axe's, less one known and deliberate finding: GOV.UK Frontend's
    conditional reveal sets aria-expanded on the radio that reveals (invalid for a radio
    under ARIA 1.2; kept by GOV.UK because screen readers announce it, see
    alphagov/govuk-frontend#979). Only that rule on such a radio is set aside."""
    violations = []
    for violation in axe_violations(page):
        if violation["id"] == "aria-allowed-attr":
            violation = {
                **violation,
                "nodes": [
                    node
                    for node in violation["nodes"]
                    if not (
                        'class="govuk-radios__input"' in node["html"]
                        and 'aria-controls="conditional-' in node["html"]
                    )
                ],
            }
            if not violation["nodes"]:
                continue
        violations.append(violation)
    assert not violations, format_violations(violations)


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]


def test_a_drafter_says_a_section_does_not_apply(page: Page, live_server, login):
    form_type = FormTypeFactory(name="DMPC Decision", series__prefix="PCD")
    FormSection.objects.filter(form_type=form_type, kind="commercial_issues").update(
        may_be_not_applicable=True
    )
    officer = UserFactory(username="craig", roles=[Role.DRAFTING_OFFICER])
    decision = DecisionFactory(form_type=form_type, drafting_officer=officer)
    login(page, live_server, "craig")
    page.goto(f"{live_server.url}/records/{decision.pk}/draft/")
    item = page.locator(
        ".govuk-task-list__item",
        has=page.get_by_role("link", name="Commercial Issues", exact=True),
    )
    expect(item.locator(".govuk-task-list__status")).to_have_text("Not started")
    page.get_by_role("link", name="Commercial Issues", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commercial Issues")
    reason = page.get_by_label("Why it does not apply")
    # Hidden until the choice is made.
    expect(reason).to_be_hidden()
    assert_no_axe_violations(page)
    page.get_by_label("This section does not apply").check()
    expect(reason).to_be_visible()
    page.get_by_role("button", name="Save and return to the task list").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Enter why this section does not apply")
    ).to_be_visible()
    expect(page.get_by_label("Why it does not apply")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why it does not apply").fill("No procurement is involved.")
    page.get_by_role("button", name="Save and return to the task list").click()
    expect(item.locator(".govuk-task-list__status")).to_have_text("Completed")
    page.get_by_role("link", name="Check your answers").click()
    expect(page.locator(".app-preview")).to_contain_text(
        "5. Commercial Issues Not applicable: No procurement is involved."
    )
    assert_no_axe_violations(page)
