"""A drafting officer enters PCD 1069 from scratch, in the browser alone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.roles import Role
from decisions.models import Decision
from decisions.sections import PART_ONE_SECTIONS, REPORT_SECTIONS
from demo import pcd1069
from tests.browser.axe import assert_no_axe_violations
from tests.factories import FormTypeFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save(page: Page) -> None:
    page.get_by_role("button", name="Save and return to the task list").click()


def open_task(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    assert_no_axe_violations(page)


def expect_errors(page: Page, *messages: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
        # The same message stands beside its field.
        expect(page.locator(".govuk-error-message", has_text=message)).to_be_visible()
    assert_no_axe_violations(page)


def fill_date(page: Page, prefix: str, value: datetime.date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(value.day))
    page.locator(f"#id_{prefix}_month").fill(str(value.month))
    page.locator(f"#id_{prefix}_year").fill(str(value.year))


def expect_status(page: Page, name: str, status: str) -> None:
    """The task list shows the task with this status (waiting for the page to come)."""
    item = page.locator(
        ".govuk-task-list__item", has=page.get_by_role("link", name=name, exact=True)
    )
    expect(item.locator(".govuk-task-list__status")).to_have_text(status)


def test_an_officer_drafts_pcd_1069_from_scratch(page: Page, live_server, login):
    FormTypeFactory(name="DMPC Decision", series__prefix="PCD", series__next_number=1069)
    UserFactory(
        username="craig", first_name="Craig", last_name="James", roles=[Role.DRAFTING_OFFICER]
    )
    fields, report = pcd1069.DECISION_FIELDS, pcd1069.REPORT_FIELDS
    login(page, live_server, "craig")

    # Start: nothing chosen is refused, then the record starts.
    page.get_by_role("link", name="Start a new decision").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Start drafting").click()
    expect_errors(page, "Select the form for this decision", "Enter the title of the decision")
    page.get_by_label("DMPC Decision").check()
    page.get_by_label("Title of the decision").fill("Accelerated IVMA Improvements")
    page.get_by_role("button", name="Start drafting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accelerated IVMA Improvements")
    assert_no_axe_violations(page)

    open_task(page, "Title and executive summary")
    save(page)
    expect_errors(page, "Enter the executive summary")
    page.get_by_label("Executive summary").fill(fields["executive_summary"])
    save(page)
    expect_status(page, "Title and executive summary", "Completed")

    open_task(page, "Recommendations")
    save(page)
    expect_errors(page, "Enter the recommendation, or remove it")
    page.get_by_label("Recommendation", exact=True).fill(pcd1069.RECOMMENDATION)
    save(page)

    # Money: wrong amounts and years first; the typing stays on the page.
    open_task(page, "Money")
    page.get_by_role("button", name="Add another line").click()
    page.get_by_label("Capital", exact=True).check()
    page.get_by_label("Financial year").fill("2021/23")
    page.get_by_label("Amount", exact=True).fill("12.345")
    page.get_by_label("Funding source").fill("MOPAC Approved Digital Policing (DP) Capital Budget")
    save(page)
    expect_errors(
        page,
        "The financial year must cover two consecutive years, like 2021/22",
        "Amount must be in pounds and pence, with no more than 2 decimal places",
    )
    expect(page.get_by_label("Funding source")).to_have_value(
        "MOPAC Approved Digital Policing (DP) Capital Budget"
    )
    page.get_by_label("Financial year").fill("2021/22")
    page.get_by_label("Amount", exact=True).fill("£1,482,400.00")
    save(page)
    expect_status(page, "Money", "Completed")
    expect(page.locator("main")).to_contain_text("£1,482,400.00")

    # Part I, one section a page, paragraphs separated by blank lines.
    for section in PART_ONE_SECTIONS:
        open_task(page, section.heading)
        page.get_by_label(section.heading).fill(fields[section.field])
        save(page)
        expect_status(page, section.heading, "Completed")

    open_task(page, "Report details")
    for name in ["organisation", "title", "meeting", "report_by", "on_behalf_of", "report_author"]:
        page.locator(f"#id_{name}").fill(report[name])
    fill_date(page, "meeting_date", datetime.date(2021, 10, 7))
    page.locator("#id_meeting_date_month").fill("13")
    save(page)
    expect_errors(page, "Date of the meeting must be a real date")
    page.locator("#id_meeting_date_month").fill("10")
    save(page)
    expect_status(page, "Report details", "Completed")

    open_task(page, "Summary, recommendations and time sensitivity")
    for name in [
        "executive_summary",
        "recommendations_intro",
        "recommendations",
        "time_sensitivity",
    ]:
        page.locator(f"#id_{name}").fill(report[name])
    # PCD 1069 was required by 21 October 2021: a draft today cannot be.
    fill_date(page, "decision_required_by", report["decision_required_by"])
    save(page)
    expect_errors(page, "Decision required by must be today or in the future")
    expect(page.locator("#id_time_sensitivity")).to_have_value(report["time_sensitivity"])
    required_by = timezone.localdate() + datetime.timedelta(days=14)
    fill_date(page, "decision_required_by", required_by)
    save(page)

    open_task(page, "Facts and advice")
    page.locator("#id_police_crime_plan_name").fill(report["police_crime_plan_name"])
    for section in REPORT_SECTIONS:
        page.locator(f"#id_{section.field}").fill(report[section.field])
    save(page)

    open_task(page, "Papers to attach")
    page.get_by_label("Title of the paper").fill("Report")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "ivma-report.exe.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90"}]
    )
    page.get_by_role("button", name="Upload the paper").click()
    expect_errors(page, "The selected file must be a PDF, DOCX, ODT or XLSX document")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "ivma-report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload the paper").click()
    expect(page.get_by_role("link", name="ivma-report.pdf")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Return to the task list").click()

    # Publication: a deferral needs a reason and a future date; PCD 1069 has neither.
    open_task(page, "Publication and Part 2")
    page.locator("#id_part1_deferred_0").check()
    fill_date(page, "deferred_until", datetime.date(2021, 1, 1))
    page.locator("#id_has_part_two_1").check()
    save(page)
    expect_errors(
        page,
        "Enter the reason for deferring publication",
        "The date publication is deferred until must be in the future",
    )
    page.locator("#id_part1_deferred_1").check()
    save(page)

    open_task(page, "Your declaration")
    page.get_by_label(re.compile("Craig James has drafted this report")).check()
    save(page)

    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("main")).not_to_contain_text("Not yet completed")
    preview = page.locator(".app-part-one")
    expect(preview).to_contain_text("DMPC Decision – PCD (number given on submission)")
    expect(preview).to_contain_text("1.2. It is critically important that staff")
    expect(preview).to_contain_text("Is there a Part 2 form – NO")
    assert_no_axe_violations(page)

    # What the browser entered is PCD 1069, field for field.
    decision = Decision.objects.get(title="Accelerated IVMA Improvements")
    for section in PART_ONE_SECTIONS:
        assert getattr(decision, section.field) == fields[section.field], section.field
    for name, value in {**report, "decision_required_by": required_by}.items():
        assert getattr(decision.report, name) == value, name
    assert [r.text for r in decision.recommendations.all()] == [pcd1069.RECOMMENDATION]
    assert str(decision.expenditure_lines.get().amount) == "1482400.00"
    assert decision.papers.get().original_filename == "ivma-report.pdf"
