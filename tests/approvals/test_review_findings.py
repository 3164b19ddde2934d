"""Holes found in review, each kept shut by a test."""

import pytest
from django.urls import reverse

from approvals.models import SignOff
from approvals.services import (
    decision_return,
    decision_submit,
)
from core.roles import Role
from decisions import services as drafting
from decisions.models import Decision, DeclarationLine, ReferenceSeries
from tests.approvals.conftest import clear_all
from tests.factories import DecisionFactory, ExpenditureLineFactory

pytestmark = pytest.mark.django_db


def fresh(decision):
    decision.refresh_from_db()
    return decision


def test_a_new_route_on_resubmission_voids_the_clearances(officer, people, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    decision_return(
        decision_id=decision.pk,
        user=people[Role.FINANCE],
        lock_version=fresh(decision).lock_version,
        reason="Is this reserved to the Mayor?",
    )
    changed = drafting.decision_update(
        decision_id=decision.pk,
        user=officer,
        lock_version=fresh(decision).lock_version,
        values={"reserved_to_mayor": True},
        reason="Reserved",
    )
    assert len(changed.voided_signoffs) == 6  # the flag is signed content
    decision_submit(
        decision_id=decision.pk, user=officer, lock_version=fresh(decision).lock_version
    )
    assert (fresh(decision).status, decision.decision_maker) == ("clearance", "mayor")


def test_a_sign_off_on_other_content_does_not_count(officer, people, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    SignOff.objects.filter(decision=decision).update(content_hash="0" * 64)
    from approvals.workflow import next_stage

    assert next_stage(decision=fresh(decision), signoffs=list(decision.signoffs.all())) == (
        "clearance"
    )


def test_clearance_changes_to_declaration_lines_are_in_their_history(officer, people, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    line = DeclarationLine.objects.get(decision=decision, kind="legal")
    latest = line.history.first()
    assert (latest.ticked, latest.history_user) == (True, people[Role.LEGAL])


def test_the_frozen_total_stays_hidden_when_the_confidential_line_is_removed(
    client, officer, people, make_user
):
    decision = DecisionFactory(drafting_officer=officer, publication_answered=True)
    from tests.factories import DeclarationLineFactory, RecommendationFactory

    RecommendationFactory(decision=decision)
    DeclarationLineFactory(decision=decision, kind="drafting_officer", ticked=True)
    ExpenditureLineFactory(decision=decision, amount="300000.00")
    ExpenditureLineFactory(decision=decision, amount="1240000.00", is_confidential=True)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision_return(
        decision_id=decision.pk,
        user=people[Role.DMPC],
        lock_version=fresh(decision).lock_version,
        reason="Publish the amount?",
    )
    line = decision.expenditure_lines.get(is_confidential=True)
    drafting.decision_set_expenditure(
        decision_id=decision.pk,
        user=officer,
        lock_version=fresh(decision).lock_version,
        lines=[
            {
                "kind": "capital",
                "financial_year": "2021/22",
                "amount": kept.amount,
                "funding_source": kept.funding_source,
                "is_confidential": False,
            }
            for kept in decision.expenditure_lines.exclude(pk=line.pk)
        ],
    )
    client.force_login(make_user(Role.DRAFTING_OFFICER, username="officer2"))
    page = client.get(reverse("approvals:detail", args=[decision.pk])).content.decode()
    assert "1,540,000.00" not in page


def test_a_series_set_back_by_hand_never_gives_a_number_twice(
    officer, ready_draft, make_user, client
):
    first = ready_draft()
    decision_submit(decision_id=first.pk, user=officer, lock_version=first.lock_version)
    series = ReferenceSeries.objects.get(prefix="PCD")
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    response = client.post(
        reverse("admin:decisions_referenceseries_change", args=[series.pk]),
        {"prefix": "PCD", "name": series.name, "next_number": "1069"},
    )
    assert response.status_code == 200
    assert "The next number must be more than 1070, the last given" in response.content.decode()
    # Even set back behind the admin's back, submission takes the next free number.
    ReferenceSeries.objects.filter(pk=series.pk).update(next_number=1069)
    second = ready_draft()
    decision_submit(decision_id=second.pk, user=officer, lock_version=second.lock_version)
    assert fresh(second).number == 1071


def test_an_administrator_cannot_make_themselves_superuser_or_change_their_roles(client, make_user):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, username="admin")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page
    # Another user's roles are theirs to give, but never superuser.
    other = make_user(username="someone")
    page = client.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()
    assert 'name="groups"' in page
    assert 'name="is_superuser"' not in page


def test_records_cannot_be_edited_in_the_admin(client, make_user):
    decision = DecisionFactory()
    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    response = client.post(url, {"title": "Changed behind the workflow's back"})
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).title != "Changed behind the workflow's back"


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("99999999999999999999", "1", "2021"), ("1", "1", "0001"), ("٣", "1", "2030")],
)
def test_dates_that_are_not_real_are_refused_not_crashed(client, officer, day, month, year):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_report_details", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "protective_marking": "OFFICIAL – PUBLIC",
            "meeting_date_day": day,
            "meeting_date_month": month,
            "meeting_date_year": year,
        },
    )
    assert response.status_code == 400
    assert "Date of the meeting must be a real date" in response.content.decode()


def test_a_list_button_with_an_odd_index_is_ignored(client, officer):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_recommendations", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "action": "remove-²",
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-INITIAL_FORMS": "0",
            "recommendations-0-text": "Kept",
        },
    )
    assert response.status_code == 200
    assert "Kept</textarea>" in response.content.decode()


@pytest.mark.parametrize("year", ["２０２１/２２", "٢٠٢١/٢٢"])
def test_a_financial_year_takes_only_ascii_digits(client, officer, year):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_money", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "action": "save",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-kind": "capital",
            "lines-0-financial_year": year,
            "lines-0-amount": "５",
            "lines-0-funding_source": "Budget",
        },
    )
    assert response.status_code == 400
    assert not decision.expenditure_lines.exists()
