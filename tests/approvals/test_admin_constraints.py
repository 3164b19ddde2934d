"""The admin's forms answer a value the database's constraints would refuse with a
message beside the field and a 200, nothing saved, never a 500 (issue 10 item 9).

Django's model forms check a model's constraints (Model.validate_constraints) only
when every field a constraint names is in the form: a scheme that has routed a
record shows its start date read-only, so its dates' order is checked by
Scheme.clean instead."""

import datetime

import pytest
from django.urls import reverse

from approvals.models import Rule, Scheme
from approvals.services import decision_submit
from core.roles import Role
from decisions.models import ReferenceSeries
from tests.approvals.test_admin import scheme_form
from tests.factories import ReferenceSeriesFactory

pytestmark = pytest.mark.django_db

ENDS_BEFORE_IT_STARTS = "The scheme cannot end before it starts"


@pytest.fixture(params=["administrator", "superuser"])
def admin_client(request, client, make_user):
    if request.param == "superuser":
        user = make_user(username="root", is_staff=True, is_superuser=True)
    else:
        user = make_user(Role.ADMINISTRATOR, is_staff=True)
    client.force_login(user)
    return client


def error_beside(response, field: str) -> str:
    """The errors the admin shows beside one field (its form's field errors)."""
    form = response.context["adminform"].form
    return " ".join(form.errors.get(field, []))


def day_before(day: datetime.date) -> str:
    return (day - datetime.timedelta(days=1)).isoformat()


def test_admin_scheme_dates_out_of_order_on_a_scheme_not_yet_used(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    data = scheme_form(scheme, effective_until=day_before(scheme.effective_from))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert ENDS_BEFORE_IT_STARTS in error_beside(response, "effective_until")
    scheme.refresh_from_db()
    assert scheme.effective_until is None


def test_admin_scheme_dates_out_of_order_on_a_scheme_that_routed_a_record(
    admin_client, officer, ready_draft
):
    # Its start date is read-only, so not in the form: the constraint was not checked,
    # and the database refused the save (IntegrityError scheme_dates_in_order, a 500).
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    response = admin_client.post(
        url,
        {
            "effective_until": day_before(scheme.effective_from),
            "rules-TOTAL_FORMS": 0,
            "rules-INITIAL_FORMS": 0,
            "rules-MIN_NUM_FORMS": 0,
            "rules-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert ENDS_BEFORE_IT_STARTS in error_beside(response, "effective_until")
    scheme.refresh_from_db()
    assert scheme.effective_until is None


def test_admin_scheme_dates_out_of_order_on_a_new_scheme(admin_client):
    response = admin_client.post(
        reverse("admin:approvals_scheme_add"),
        {
            "name": "Scheme of Delegation and Consent",
            "version": "2030",
            "effective_from": "2030-04-01",
            "effective_until": "2030-03-31",
            "notes": "",
            "rules-TOTAL_FORMS": 0,
            "rules-INITIAL_FORMS": 0,
            "rules-MIN_NUM_FORMS": 0,
            "rules-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert ENDS_BEFORE_IT_STARTS in error_beside(response, "effective_until")
    # Once, beside the field: not again above the form from the constraint itself.
    assert response.content.decode().count(ENDS_BEFORE_IT_STARTS) == 1
    assert not Scheme.objects.filter(version="2030").exists()


def test_admin_scheme_dates_may_end_on_the_day_they_start(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    data = scheme_form(scheme, effective_until=scheme.effective_from.isoformat())
    assert admin_client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.effective_until == scheme.effective_from


# The other constraints an admin form can reach: each refused with a message, a 200,
# and nothing saved.


def test_admin_constraints_a_rule_priority_used_twice(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    first = scheme.rules.order_by("priority").first()
    response = admin_client.post(url, scheme_form(scheme, **{"rules-1-priority": first.priority}))
    assert response.status_code == 200
    assert "Please correct the duplicate data for priority" in response.content.decode()
    assert scheme.rules.filter(priority=first.priority).count() == 1


def test_admin_constraints_a_rule_with_a_flag_and_a_threshold(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    value_rule = scheme.rules.filter(condition=Rule.Condition.VALUE_AT_LEAST).order_by("priority")
    index = list(scheme.rules.order_by("priority")).index(value_rule.first())
    data = scheme_form(scheme, **{f"rules-{index}-flag": Rule.Flag.RESERVED_TO_MAYOR})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A value rule needs a threshold, a flag rule needs a flag" in response.content.decode()
    assert scheme.rules.get(pk=value_rule.first().pk).flag == ""


def test_admin_constraints_a_series_next_number_of_nought(admin_client):
    series = ReferenceSeriesFactory()
    url = reverse("admin:decisions_referenceseries_change", args=[series.pk])
    response = admin_client.post(
        url, {"prefix": series.prefix, "name": series.name, "next_number": 0}
    )
    assert response.status_code == 200
    assert error_beside(response, "next_number")
    assert ReferenceSeries.objects.get(pk=series.pk).next_number == series.next_number
