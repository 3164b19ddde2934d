"""Date boxes say what is wrong with a date (issue 10 item 9): a real date outside the
years any record can have is not called "not a real date", and a decision cannot be
required by a day already past."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.decisions.test_drafting_views import error_links, errors_in
from tests.factories import DecisionFactory, SupportingReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    decision = DecisionFactory(drafting_officer=officer)
    SupportingReportFactory(decision=decision, decision_required_by=None)
    return decision


def date_fields(name: str, on: datetime.date | None = None, **typed: str) -> dict:
    if on is not None:
        typed = {"day": str(on.day), "month": str(on.month), "year": str(on.year)}
    return {f"{name}_{part}": typed.get(part, "") for part in ("day", "month", "year")}


def post_details(client, decision, **typed):
    return client.post(
        reverse("decisions:draft_report_details", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "protective_marking": "OFFICIAL – PUBLIC",
            **date_fields("meeting_date", **typed),
        },
    )


def post_summary(client, decision, day: datetime.date):
    decision.refresh_from_db()
    return client.post(
        reverse("decisions:draft_report_summary", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "executive_summary": "Why the money is needed.",
            "recommendations": "Approve the spending.",
            "time_sensitivity": "The contract ends in March.",
            **date_fields("decision_required_by", day),
        },
    )


def error_beside(page: str, name: str) -> str:
    """The message printed beside a field, under its label."""
    found = re.search(rf'<p id="id_{name}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no error beside {name}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            {"day": "7", "month": "10", "year": "1899"},
            "Date of the meeting must be 1 January 1900 or later",
        ),
        (
            {"day": "7", "month": "10", "year": "0021"},
            "Date of the meeting must be 1 January 1900 or later",
        ),
        (
            {"day": "7", "month": "10", "year": "2200"},
            "Date of the meeting must be 31 December 2199 or earlier",
        ),
        (
            {"day": "7", "month": "10", "year": "21"},
            "Date of the meeting must have a year of 4 numbers, like 2026",
        ),
        ({"day": "7", "month": "13", "year": "2021"}, "Date of the meeting must be a real date"),
        ({"day": "29", "month": "2", "year": "2021"}, "Date of the meeting must be a real date"),
    ],
)
def test_date_out_of_range_says_what_is_wrong(client, officer, draft, typed, message):
    client.force_login(officer)
    response = post_details(client, draft, **typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == [message]
    assert error_links(page) == ["id_meeting_date_day"]
    assert message in error_beside(page, "meeting_date")
    # What was typed is kept.
    assert f'value="{typed["year"]}"' in page


def test_date_a_meeting_in_the_past_is_accepted(client, officer, draft):
    # A meeting has usually happened already: only the decision date looks forward.
    client.force_login(officer)
    response = post_details(client, draft, day="7", month="10", year="1999")
    assert response.status_code == 302
    draft.report.refresh_from_db()
    assert draft.report.meeting_date == datetime.date(1999, 10, 7)


def test_date_decision_required_by_in_the_past_is_refused(client, officer, draft):
    client.force_login(officer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = post_summary(client, draft, yesterday)
    assert response.status_code == 400
    page = response.content.decode()
    message = "Decision required by must be today or in the future"
    assert errors_in(page) == [message]
    assert error_links(page) == ["id_decision_required_by_day"]
    assert message in error_beside(page, "decision_required_by")
    assert f'value="{yesterday.year}"' in page
    assert "Why the money is needed." in page
    draft.report.refresh_from_db()
    assert draft.report.decision_required_by is None


def test_date_decision_required_by_today_is_accepted(client, officer, draft):
    client.force_login(officer)
    today = timezone.localdate()
    assert post_summary(client, draft, today).status_code == 302
    draft.report.refresh_from_db()
    assert draft.report.decision_required_by == today


def test_date_decision_required_by_saved_before_it_passed_is_kept(client, officer, draft):
    # The officer can still save the rest of the page; a new past date is refused.
    client.force_login(officer)
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    draft.report.decision_required_by = last_week
    draft.report.save()
    assert post_summary(client, draft, last_week).status_code == 302
    response = post_summary(client, draft, last_week + datetime.timedelta(days=1))
    assert response.status_code == 400
    draft.report.refresh_from_db()
    assert draft.report.decision_required_by == last_week
