"""Referring a record up (issue 10 item 4): the office that signs the statement before the
decision, or the decision maker, sends the record to a higher office of its body with a
reason, as a service with its own Action."""

import html
import re

import pytest
from django.urls import reverse

from approvals.clearance import CLEARANCE_LINES
from approvals.models import Action, SignOff
from approvals.selectors import route_reason_for
from approvals.services import decision_refer_up, decision_submit
from core.errors import DomainError, NotAllowed
from core.roles import Role
from decisions.models import Decision
from tests.factories import office
from tests.workflow import clear_all, sign_to_approval

pytestmark = pytest.mark.django_db

Status = Decision.Status
WHY = "It sets a policy the DMPC has reserved to herself."
TO_THE_DMPC = "To the Deputy Mayor for Policing and Crime: referred up by the Chief Executive"


@pytest.fixture
def ce_decides(officer, people, ready_draft):
    """A record worth £1,000.00, which the scheme leaves to the Chief Executive: cleared,
    waiting for the Chief Executive's decision."""
    decision = ready_draft(amount="1000.00")
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision = clear_all(decision, people)
    assert (decision.status, decision.decision_maker.code) == (
        Status.DECISION_MAKER,
        "chief_executive",
    )
    return decision


def refer(decision, user, *, to="dmpc", reason=WHY, **kwargs):
    decision.refresh_from_db()
    return decision_refer_up(
        decision_id=decision.pk,
        user=user,
        lock_version=kwargs.pop("lock_version", decision.lock_version),
        office_id=office(to).pk,
        reason=reason,
        **kwargs,
    )


def test_the_chief_executive_refers_a_record_they_decide_up_to_the_dmpc(
    ce_decides, people, django_capture_on_commit_callbacks, mailoutbox
):
    rule = ce_decides.route_rule
    ce = people[Role.CHIEF_EXECUTIVE]
    with django_capture_on_commit_callbacks(execute=True):
        refer(ce_decides, ce)
    decision = Decision.objects.get(pk=ce_decides.pk)
    assert decision.decision_maker == office("dmpc")
    # The decision maker is signed content: the clearance lines are asked again.
    assert decision.status == Status.CLEARANCE
    assert not decision.signoffs.filter(voided_at__isnull=True).exists()
    assert decision.route_reason == TO_THE_DMPC
    assert decision.route_rule == rule  # the rule and its facts stay as frozen
    assert route_reason_for(user=ce, decision=decision) == TO_THE_DMPC
    action = decision.actions.get(verb=Action.Verb.REFERRED_UP)
    assert (action.actor, action.role, action.detail, action.rule) == (
        ce,
        Role.CHIEF_EXECUTIVE,
        WHY,
        TO_THE_DMPC,
    )
    assert action.cycle is not None and action.cycle.outcome == "open"
    # The advisers are told the record waits for them again.
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted(people[line.role].email for line in CLEARANCE_LINES.values())
    # Then the Chief Executive's statement is due before the DMPC decides.
    decision = clear_all(decision, people)
    assert decision.status == Status.CHIEF_EXECUTIVE
    decision = sign_to_approval(decision, people, approve=True)
    assert decision.status == Status.APPROVED
    signed = decision.signoffs.get(kind=SignOff.Kind.DECISION, voided_at__isnull=True)
    assert signed.user == people[Role.DMPC]


def test_the_dmpc_refers_a_record_up_to_the_mayor(at_decision, people):
    refer(at_decision, people[Role.DMPC], to="mayor", reason="A senior appointment.")
    decision = Decision.objects.get(pk=at_decision.pk)
    assert decision.decision_maker == office("mayor")
    assert decision.route_reason == (
        "To the Mayor of London: referred up by the Deputy Mayor for Policing and Crime"
    )
    # The reason, which no one signs, is the action log's, never published.
    assert decision.actions.get(verb="referred_up").detail == "A senior appointment."


def test_the_chief_executive_refers_up_before_signing_their_statement(at_chief_executive, people):
    refer(at_chief_executive, people[Role.CHIEF_EXECUTIVE], to="mayor", reason="Reserved.")
    decision = Decision.objects.get(pk=at_chief_executive.pk)
    assert (decision.decision_maker.code, decision.status) == ("mayor", Status.CLEARANCE)


@pytest.mark.parametrize("role", [Role.DMPC, Role.MAYOR, Role.FINANCE, Role.DRAFTING_OFFICER])
def test_only_the_holder_of_the_office_the_record_waits_for_refers_it(
    ce_decides, people, make_user, role
):
    user = people.get(role) or make_user(role)
    with pytest.raises(NotAllowed, match="Only the Chief Executive can refer this record up."):
        refer(ce_decides, user)
    assert Decision.objects.get(pk=ce_decides.pk).decision_maker.code == "chief_executive"


def test_the_dmpc_cannot_refer_up_while_the_statement_is_due(at_chief_executive, people):
    with pytest.raises(NotAllowed, match="Only the Chief Executive can refer this record up."):
        refer(at_chief_executive, people[Role.DMPC], to="mayor")


def test_a_record_at_clearance_is_not_referred(at_clearance, people):
    with pytest.raises(NotAllowed, match="waiting for a statement or a decision"):
        refer(at_clearance, people[Role.CHIEF_EXECUTIVE], to="mayor")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_referral_needs_a_reason(ce_decides, people, reason):
    with pytest.raises(DomainError, match="Give the reason for referring the record up."):
        refer(ce_decides, people[Role.CHIEF_EXECUTIVE], reason=reason)
    assert not ce_decides.actions.filter(verb=Action.Verb.REFERRED_UP).exists()


def test_an_office_not_higher_is_refused(at_decision, people):
    with pytest.raises(DomainError, match="Choose a higher office this record's form goes to."):
        refer(at_decision, people[Role.DMPC], to="chief_executive")
    assert Decision.objects.get(pk=at_decision.pk).decision_maker.code == "dmpc"


def test_an_office_the_form_does_not_serve_is_refused(ce_decides, people):
    ce_decides.form_type.offices.remove(office("dmpc"))
    with pytest.raises(DomainError, match="Choose a higher office"):
        refer(ce_decides, people[Role.CHIEF_EXECUTIVE])


def test_the_highest_office_has_nowhere_to_refer(officer, people, ready_draft):
    decision = ready_draft(reserved_to_mayor=True)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision = sign_to_approval(clear_all(decision, people), people)
    assert decision.decision_maker.code == "mayor"
    with pytest.raises(NotAllowed, match="No higher office"):
        refer(decision, people[Role.MAYOR], to="mayor")


def test_a_referral_from_an_old_page_is_refused(ce_decides, people):
    from core.errors import StaleRecord

    stale = ce_decides.lock_version
    Decision.objects.filter(pk=ce_decides.pk).update(lock_version=stale + 1)
    with pytest.raises(StaleRecord):
        refer(ce_decides, people[Role.CHIEF_EXECUTIVE], lock_version=stale)


# The page.


def url_of(decision) -> str:
    return reverse("approvals:refer_up", args=[decision.pk])


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_anonymous_is_sent_to_sign_in(client, ce_decides):
    for method in (client.get, client.post):
        response = method(url_of(ce_decides))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(client, make_user, ce_decides):
    client.force_login(make_user())
    assert client.get(url_of(ce_decides)).status_code == 403
    assert client.post(url_of(ce_decides), {"reason": WHY}).status_code == 403


def test_the_wrong_role_is_refused_with_the_reason(client, people, ce_decides):
    client.force_login(people[Role.FINANCE])
    response = client.get(url_of(ce_decides))
    assert response.status_code == 403
    assert "Only the Chief Executive can refer this record up." in text_of(response)
    response = client.post(
        url_of(ce_decides),
        {"lock_version": ce_decides.lock_version, "office": office("dmpc").pk, "reason": WHY},
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=ce_decides.pk).decision_maker.code == "chief_executive"


def test_an_unknown_record_is_not_found(client, people):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    assert client.get(reverse("approvals:refer_up", args=[999999])).status_code == 404


def test_the_office_holder_is_offered_the_higher_offices_only(
    client, people, ce_decides, django_assert_max_num_queries
):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    with django_assert_max_num_queries(20):
        response = client.get(url_of(ce_decides))
    assert response.status_code == 200
    page = text_of(response)
    values = set(re.findall(r'<input[^>]*name="office" type="radio" value="(\d+)"', page))
    assert values == {str(office("dmpc").pk), str(office("mayor").pk)}
    assert "Refer up" in page


def test_the_record_page_links_the_referral_for_the_office_holder_only(client, people, ce_decides):
    record = reverse("approvals:detail", args=[ce_decides.pk])
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    page = text_of(client.get(record))
    assert f'href="{url_of(ce_decides)}"' in page
    assert "Refer up to a higher office" in page
    client.force_login(people[Role.FINANCE])
    assert "Refer up to a higher office" not in text_of(client.get(record))


def test_bad_input_is_refused_beside_the_field_and_kept(client, people, ce_decides):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    response = client.post(
        url_of(ce_decides),
        {"lock_version": ce_decides.lock_version, "office": office("dmpc").pk, "reason": " "},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert 'id="id_reason-error"' in page
    assert "Enter the reason for referring the record up" in page
    response = client.post(
        url_of(ce_decides),
        {
            "lock_version": ce_decides.lock_version,
            "office": office("chief_executive").pk,
            "reason": WHY,
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Select one of the offices listed" in page
    assert WHY in page  # the reason typed is kept
    response = client.post(
        url_of(ce_decides),
        {"lock_version": ce_decides.lock_version, "office": "nonsense", "reason": WHY},
    )
    assert response.status_code == 400
    assert Decision.objects.get(pk=ce_decides.pk).decision_maker.code == "chief_executive"


def test_the_office_holder_refers_the_record_up(client, people, ce_decides):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    response = client.post(
        url_of(ce_decides),
        {"lock_version": ce_decides.lock_version, "office": office("dmpc").pk, "reason": WHY},
    )
    assert response.status_code == 302
    assert response.url == reverse("approvals:detail", args=[ce_decides.pk])
    page = text_of(client.get(response.url))
    assert "was referred up to the Deputy Mayor for Policing and Crime" in page
    assert TO_THE_DMPC in page


def test_an_office_that_leaves_the_route_goes_back_to_its_records(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = client.post(
        url_of(at_decision),
        {
            "lock_version": at_decision.lock_version,
            "office": office("mayor").pk,
            "reason": "A senior appointment.",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("approvals:home")
    assert "was referred up to the Mayor of London" in text_of(client.get(response.url))


def test_a_referral_from_an_old_page_says_who_acted(client, people, ce_decides):
    stale = ce_decides.lock_version
    Decision.objects.filter(pk=ce_decides.pk).update(lock_version=stale + 1)
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    response = client.post(
        url_of(ce_decides), {"lock_version": stale, "office": office("dmpc").pk, "reason": WHY}
    )
    assert response.status_code == 409
    assert "acted on this record at" in text_of(response)
