import pytest
from django.urls import reverse

from approvals.models import Scheme
from approvals.services import decision_submit
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    return client


def scheme_form(scheme, **changes) -> dict:
    data = {
        "organisation": scheme.organisation_id,
        "name": scheme.name,
        "version": scheme.version,
        "effective_from": scheme.effective_from.isoformat(),
        "effective_until": "",
        "notes": scheme.notes,
        "rules-TOTAL_FORMS": scheme.rules.count(),
        "rules-INITIAL_FORMS": scheme.rules.count(),
        "rules-MIN_NUM_FORMS": 0,
        "rules-MAX_NUM_FORMS": 1000,
    }
    for i, rule in enumerate(scheme.rules.order_by("priority")):
        data.update(
            {
                f"rules-{i}-id": rule.pk,
                f"rules-{i}-scheme": scheme.pk,
                f"rules-{i}-priority": rule.priority,
                f"rules-{i}-paragraph": rule.paragraph,
                f"rules-{i}-decision_maker": rule.decision_maker_id,
                f"rules-{i}-condition": rule.condition,
                f"rules-{i}-threshold": rule.threshold or "",
                f"rules-{i}-flag": rule.flag,
                f"rules-{i}-description": rule.description,
            }
        )
    data.update(changes)
    return data


def test_an_administrator_edits_a_scheme_not_yet_used(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    response = admin_client.post(url, scheme_form(scheme, **{"rules-2-paragraph": "4.10"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert scheme.rules.get(priority=30).paragraph == "4.10"


def test_a_rule_without_its_threshold_is_refused(admin_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    response = admin_client.post(url, scheme_form(scheme, **{"rules-2-threshold": ""}))
    assert response.status_code == 200
    assert "A value rule needs a threshold" in response.content.decode()


def test_a_scheme_that_routed_a_record_keeps_its_rules(admin_client, officer, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    scheme = Scheme.objects.get()
    page = admin_client.get(reverse("admin:approvals_scheme_change", args=[scheme.pk]))
    assert page.status_code == 200
    assert 'name="rules-2-paragraph"' not in page.content.decode()


def test_the_action_log_cannot_be_edited_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:approvals_action_add")).status_code == 403
