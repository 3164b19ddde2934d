import pytest
from django.urls import reverse

from core.roles import Role
from decisions.models import ReferenceSeries
from tests.factories import DecisionFactory, ReferenceSeriesFactory

pytestmark = pytest.mark.django_db


def test_history_records_who_changed_what_through_the_admin(client, make_user):
    series = ReferenceSeriesFactory(next_number=1070)
    admin_user = make_user(Role.ADMINISTRATOR, username="admin", is_staff=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:decisions_referenceseries_change", args=[series.pk]),
        {"prefix": "PCD", "name": "Police and Crime Decisions", "next_number": "1100"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    latest, previous = series.history.all()[:2]
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("next_number", 1070, 1100)]


def test_history_of_a_record_keeps_every_version(officer):
    decision = DecisionFactory(drafting_officer=officer, title="First title")
    decision._history_user = officer
    decision.title = "Second title"
    decision.save()
    titles = [h.title for h in decision.history.order_by("history_date")]
    assert titles == ["First title", "Second title"]
    assert decision.history.latest().history_user == officer


def test_the_admin_shows_history(client, make_user):
    series = ReferenceSeriesFactory()
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    response = client.get(reverse("admin:decisions_referenceseries_history", args=[series.pk]))
    assert response.status_code == 200
    assert "Change history" in response.content.decode()


def test_a_series_prefix_is_capital_letters(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    response = client.post(
        reverse("admin:decisions_referenceseries_add"),
        {"prefix": "pcd-1", "name": "Bad", "next_number": "1"},
    )
    assert response.status_code == 200
    assert "Enter a prefix of 2 to 10 capital letters, like PCD" in response.content.decode()
    assert not ReferenceSeries.objects.filter(name="Bad").exists()
