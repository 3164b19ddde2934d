import pytest
from django.urls import reverse

from decisions.models import Decision
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


def test_records_cannot_be_edited_in_the_admin(client, make_user):
    decision = DecisionFactory()
    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    response = client.post(url, {"title": "Changed behind the workflow's back"})
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).title != "Changed behind the workflow's back"
