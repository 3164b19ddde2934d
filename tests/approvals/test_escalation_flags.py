"""Escalation flags as each body words them (issue 10 item 4): a flag's words in the route's
reason come from its body's EscalationFlag, a flag that needs a justification is not
submitted without one, and the justification is in the frozen reason and on the register."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from approvals.services import decision_submit
from core.errors import DomainError
from decisions.models import Decision, EscalationFlag
from tests.register.test_register import page_text

pytestmark = pytest.mark.django_db

WHY = "It delegates a power of the DMPC to the Chief Executive."
TO_THE_DMPC = (
    "To the Deputy Mayor for Policing and Crime: the matter is of significant public interest, "
    f"contentious or novel — {WHY} (Scheme of Delegation and Consent, para 4.9)"
)


def submit(officer, decision) -> Decision:
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    return decision


def test_the_migration_words_the_policing_office_s_two_flags():
    flags = {f.code: f for f in EscalationFlag.objects.filter(organisation__slug="mopac")}
    assert sorted(flags) == ["reserved_to_mayor", "significant_public_interest"]
    assert flags["significant_public_interest"].requires_justification is True
    assert flags["reserved_to_mayor"].requires_justification is False
    assert flags["reserved_to_mayor"].reason == "the matter is reserved to the Mayor"


def test_a_flag_that_needs_a_justification_is_not_submitted_without_one(officer, ready_draft):
    decision = ready_draft(amount="", significant_public_interest=True)
    with pytest.raises(DomainError) as refused:
        submit(officer, decision)
    assert str(refused.value) == (
        "Complete these sections before submitting: Reserved and significant matters."
    )
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DRAFT


def test_the_justification_is_frozen_in_the_route_s_reason(officer, ready_draft):
    decision = submit(
        officer,
        ready_draft(
            amount="",
            significant_public_interest=True,
            flag_justifications={"significant_public_interest": WHY},
        ),
    )
    assert decision.decision_maker.code == "dmpc"
    assert decision.route_reason == TO_THE_DMPC
    assert decision.route_flags == ["significant_public_interest"]
    # The words frozen stand when the body words the flag otherwise later.
    EscalationFlag.objects.filter(code="significant_public_interest").update(reason="changed")
    from approvals.selectors import route_reason_for

    assert route_reason_for(user=officer, decision=decision) == TO_THE_DMPC


def test_a_flag_without_a_justification_needed_reads_as_before(officer, ready_draft):
    decision = submit(officer, ready_draft(amount="", reserved_to_mayor=True))
    assert decision.route_reason == (
        "To the Mayor of London: the matter is reserved to the Mayor "
        "(Scheme of Delegation and Consent, para 1.1)"
    )


def test_the_published_record_shows_the_reason_with_its_justification(
    client, officer, ready_draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    decision = submit(
        officer,
        ready_draft(
            amount="",
            significant_public_interest=True,
            flag_justifications={"significant_public_interest": WHY},
        ),
    )
    content = b"%PDF-1.7\n%%EOF\n"
    name = default_storage.save("published/pcd-1070.pdf", ContentFile(content))
    Decision.objects.filter(pk=decision.pk).update(
        status=Decision.Status.PUBLISHED,
        published_at=decision.submitted_at,
        decided_at=decision.submitted_at,
        published_pdf=name,
        published_pdf_sha256=hashlib.sha256(content).hexdigest(),
    )
    decision.refresh_from_db()
    response = client.get(reverse("register:detail", args=[decision.slug]))
    assert response.status_code == 200
    assert f"Why this decision maker {TO_THE_DMPC}" in page_text(response)


# The admin: an administrator words a body's flags.


@pytest.fixture
def administrator_client(client, make_user):
    from core.roles import Role

    client.force_login(make_user(Role.ADMINISTRATOR, username="admin", is_staff=True))
    return client


def flag_form(**overrides) -> dict:
    from tests.factories import policing_office

    return {
        "organisation": policing_office().pk,
        "code": "reserved_to_mayor",
        "label": "Reserved",
        "reason": "it is reserved",
        "help_text": "",
        **overrides,
    }


def test_an_administrator_words_a_flag(administrator_client):
    flag = EscalationFlag.objects.get(code="significant_public_interest")
    url = reverse("admin:decisions_escalationflag_change", args=[flag.pk])
    response = administrator_client.post(
        url,
        flag_form(
            code="significant_public_interest",
            label="Novel or contentious",
            reason="the matter is novel or contentious",
        ),
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.reason, flag.requires_justification) == (
        "the matter is novel or contentious",
        False,
    )


def test_a_body_words_a_flag_once(administrator_client):
    response = administrator_client.post(reverse("admin:decisions_escalationflag_add"), flag_form())
    assert response.status_code == 200
    assert "The body already has wording for this flag" in response.content.decode()
    assert EscalationFlag.objects.filter(code="reserved_to_mayor").count() == 1


def test_the_task_list_says_a_flag_waits_for_its_justification(client, officer, ready_draft):
    decision = ready_draft(significant_public_interest=True)
    client.force_login(officer)
    url = reverse("approvals:task_list", args=[decision.pk])
    status = 'id="task-route-status">'
    page = client.get(url).content.decode()
    assert "In progress" in page.split(status, 1)[1].split("</div>", 1)[0]
    Decision.objects.filter(pk=decision.pk).update(
        flag_justifications={"significant_public_interest": WHY}
    )
    page = client.get(url).content.decode()
    assert "Completed" in page.split(status, 1)[1].split("</div>", 1)[0]
