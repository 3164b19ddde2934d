"""The life cycle table (approvals.workflow.TRANSITIONS): every move the services make is in
it, a move not in it is refused, and passing a record back on a declared interest."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from approvals import publication, services, workflow
from approvals.models import Action, ApprovalCycle
from approvals.publication import decision_publish, decision_withdraw, deferral_extend
from approvals.services import decision_pass_back, decision_return, decision_take
from core.errors import DomainError, NotAllowed, StaleRecord
from core.roles import Role
from decisions.models import Decision
from tests.factories import PASSWORD, office
from tests.workflow import clear_all, sign_to_approval

pytestmark = pytest.mark.django_db

Status = Decision.Status
LONDON = ZoneInfo("Europe/London")
TABLE = {(t.source, t.verb, t.target) for t in workflow.TRANSITIONS}


def fresh(decision: Decision) -> Decision:
    decision.refresh_from_db()
    return decision


@pytest.fixture
def moves(monkeypatch) -> list[tuple[str, str, str]]:
    """Every move the services make, as (from, verb, to), recorded as they make it."""
    made = []
    real = workflow.transition

    def recording(*, decision, verb, **kwargs):
        source = decision.status
        move = real(decision=decision, verb=verb, **kwargs)
        made.append((source, verb, move.target))
        return move

    monkeypatch.setattr(workflow, "transition", recording)
    monkeypatch.setattr(services, "transition", recording)
    return made


@pytest.fixture
def fake_pdf(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(
        publication, "render_part_one_pdf", lambda *, decision, draft=False: b"%PDF-fake"
    )


def test_every_move_the_services_make_is_in_the_table_and_every_entry_is_made(
    moves, officer, people, ready_draft, make_user, fake_pdf
):
    admin = make_user(Role.ADMINISTRATOR, username="admin")
    dmpc = people[Role.DMPC]

    def submitted(**fields) -> Decision:
        decision = ready_draft(**fields)
        services.decision_submit(
            decision_id=decision.pk, user=officer, lock_version=decision.lock_version
        )
        return fresh(decision)

    # Returned at clearance, resubmitted with nothing changed: straight back to clearance.
    returned = submitted()
    decision_return(
        decision_id=returned.pk, user=dmpc, lock_version=returned.lock_version, reason="Redo."
    )
    # Through every stage to approval, deferred; extended, published, withdrawn.
    until = datetime.date(2027, 6, 10)
    approved = sign_to_approval(
        clear_all(
            submitted(part1_deferred=True, deferred_until=until, deferral_reason="Procurement."),
            people,
        ),
        people,
        approve=True,
    )
    deferral_extend(
        decision_id=approved.pk,
        user=officer,
        lock_version=approved.lock_version,
        until=until + datetime.timedelta(days=30),
        reason="Not signed yet.",
        now=datetime.datetime(2027, 6, 1, 9, tzinfo=LONDON),
    )
    decision_publish(decision_id=approved.pk, now=datetime.datetime(2027, 7, 11, 9, tzinfo=LONDON))
    published = fresh(approved)
    decision_withdraw(
        decision_id=published.pk, user=admin, lock_version=published.lock_version, reason="Error."
    )
    # Not approved; passed back; returned by the decision maker.
    for act in ("not_approve", "pass_back", "return"):
        at_decision = sign_to_approval(clear_all(submitted(), people), people)
        kwargs = {"decision_id": at_decision.pk, "user": dmpc}
        kwargs["lock_version"] = at_decision.lock_version
        if act == "not_approve":
            decision_take(**kwargs, password=PASSWORD, approve=False, reason="Too dear.")
        elif act == "pass_back":
            decision_pass_back(**kwargs, interests="My brother is the supplier.")
        else:
            decision_return(**kwargs, reason="Redo.")
    # Returned by the Chief Executive; resubmitted unchanged, back to the Chief Executive.
    at_chief_executive = clear_all(submitted(), people)
    decision_return(
        decision_id=at_chief_executive.pk,
        user=people[Role.CHIEF_EXECUTIVE],
        lock_version=at_chief_executive.lock_version,
        reason="Redo.",
    )
    resubmit = fresh(at_chief_executive)
    services.decision_submit(
        decision_id=resubmit.pk, user=officer, lock_version=resubmit.lock_version
    )
    # The last record, returned by its decision maker: resubmitted, back to the decision maker.
    resubmit = fresh(at_decision)
    services.decision_submit(
        decision_id=resubmit.pk, user=officer, lock_version=resubmit.lock_version
    )
    # A record the Chief Executive decides goes from clearance to the decision maker.
    routed = submitted()
    Decision.objects.filter(pk=routed.pk).update(decision_maker=office("chief_executive"))
    assert clear_all(routed, people).status == Status.DECISION_MAKER
    # Referred up by the Chief Executive before their statement, and by the DMPC.
    for referrer, stage in [(Role.CHIEF_EXECUTIVE, clear_all), (Role.DMPC, sign_to_approval)]:
        referred = clear_all(submitted(), people)
        if stage is sign_to_approval:
            referred = sign_to_approval(referred, people)
        services.decision_refer_up(
            decision_id=referred.pk,
            user=people[referrer],
            lock_version=referred.lock_version,
            office_id=office("mayor").pk,
            reason="A matter for the Mayor.",
        )
    made = set(moves)
    assert made <= TABLE
    assert made == TABLE


@pytest.mark.parametrize(
    ("status", "verb"),
    [
        (Status.DRAFT, Action.Verb.APPROVED),
        (Status.CLEARANCE, Action.Verb.PUBLISHED),
        (Status.APPROVED, Action.Verb.WITHDRAWN),
        (Status.NOT_APPROVED, Action.Verb.DEFERRAL_EXTENDED),
        (Status.NOT_APPROVED, Action.Verb.RETURNED),
        (Status.CHIEF_EXECUTIVE, Action.Verb.PASSED_BACK),
        (Status.APPROVED, Action.Verb.SUBMITTED),
    ],
)
def test_a_move_not_in_the_table_is_refused_and_writes_nothing(status, verb, officer, ready_draft):
    decision = ready_draft()
    Decision.objects.filter(pk=decision.pk).update(status=status)
    decision = fresh(decision)
    assert workflow.targets(source=status, verb=verb) == []
    with pytest.raises(DomainError, match="cannot be"):
        workflow.transition(decision=decision, verb=verb, user=officer, reason="Test")
    assert (fresh(decision).status, fresh(decision).lock_version) == (status, 1)
    assert not Action.objects.filter(decision=decision).exists()


def test_a_move_to_a_status_the_verb_does_not_lead_to_is_refused(officer, at_clearance):
    with pytest.raises(DomainError, match="cannot be"):
        workflow.transition(
            decision=at_clearance,
            verb=Action.Verb.CONFIRMED,
            to=Status.APPROVED,
            user=officer,
            reason="Test",
        )
    assert fresh(at_clearance).status == Status.CLEARANCE


def test_a_move_saves_the_next_version_with_who_and_why_and_writes_its_action(people, at_decision):
    before = at_decision.lock_version
    move = workflow.transition(
        decision=at_decision,
        verb=Action.Verb.RETURNED,
        user=people[Role.DMPC],
        reason="Returned in a test",
        detail="Why",
    )
    assert (move.source, move.target) == (Status.DECISION_MAKER, Status.DRAFT)
    decision = fresh(at_decision)
    assert (decision.status, decision.lock_version) == (Status.DRAFT, before + 1)
    last = decision.history.first()
    assert (last.history_user, last.history_change_reason) == (
        people[Role.DMPC],
        "Returned in a test",
    )
    action = decision.actions.order_by("-pk").first()
    assert (action.verb, action.actor, action.detail) == ("returned", people[Role.DMPC], "Why")


def test_every_entry_names_a_policy_of_approvals_policies():
    from approvals import policies

    for move in workflow.TRANSITIONS:
        assert getattr(policies, move.policy.__name__) is move.policy
        assert move.verb in Action.Verb.values and move.source in Status.values


# Passing back on a declared interest.


def pass_back(decision, user, **kwargs):
    decision.refresh_from_db()
    kwargs.setdefault("lock_version", decision.lock_version)
    kwargs.setdefault("interests", "I sit on the supplier's board.")
    return decision_pass_back(decision_id=decision.pk, user=user, **kwargs)


def test_the_decision_maker_passes_back_on_a_declared_interest(
    people, officer, at_decision, django_capture_on_commit_callbacks, mailoutbox
):
    before = at_decision.lock_version
    with django_capture_on_commit_callbacks(execute=True):
        pass_back(at_decision, people[Role.DMPC])
    decision = fresh(at_decision)
    assert (decision.status, decision.lock_version) == (Status.DRAFT, before + 1)
    action = decision.actions.get(verb=Action.Verb.PASSED_BACK)
    assert (action.actor, action.role, action.detail) == (
        people[Role.DMPC],
        Role.DMPC,
        "Interest declared: I sit on the supplier's board.",
    )
    assert action.cycle.outcome == ApprovalCycle.Outcome.RETURNED
    assert decision.history.first().history_change_reason == "Passed back on a declared interest"
    assert not decision.signoffs.filter(kind="decision").exists()
    assert [mail.to for mail in mailoutbox] == [[officer.email]]
    assert "Interest declared: I sit on the supplier's board." in mailoutbox[0].body


@pytest.mark.parametrize(
    "role", [Role.MAYOR, Role.CHIEF_EXECUTIVE, Role.FINANCE, Role.DRAFTING_OFFICER]
)
def test_only_the_decision_maker_passes_back(people, at_decision, role):
    with pytest.raises(NotAllowed, match="Only the Deputy Mayor for Policing and Crime decides"):
        pass_back(at_decision, people[role])
    assert fresh(at_decision).status == Status.DECISION_MAKER
    assert not Action.objects.filter(verb=Action.Verb.PASSED_BACK).exists()


def test_a_record_not_waiting_for_a_decision_is_not_passed_back(people, at_chief_executive):
    with pytest.raises(NotAllowed, match="not waiting for a decision"):
        pass_back(at_chief_executive, people[Role.DMPC])
    assert fresh(at_chief_executive).status == Status.CHIEF_EXECUTIVE


def test_passing_back_needs_the_interest(people, at_decision):
    with pytest.raises(DomainError, match="Enter the interest"):
        pass_back(at_decision, people[Role.DMPC], interests="  ")
    assert fresh(at_decision).status == Status.DECISION_MAKER


def test_passing_back_from_an_old_page_is_refused(people, at_decision):
    with pytest.raises(StaleRecord):
        pass_back(at_decision, people[Role.DMPC], lock_version=at_decision.lock_version - 1)
    assert fresh(at_decision).status == Status.DECISION_MAKER


def test_a_record_passed_back_shows_the_interest_in_its_drafters_queue(
    people, officer, at_decision
):
    from django.utils import timezone

    from approvals.selectors import awaiting_action

    pass_back(at_decision, people[Role.DMPC])
    drafts = next(
        group
        for group in awaiting_action(user=officer, today=timezone.localdate())
        if group.title == "Your drafts"
    )
    assert [item.returned_reason for item in drafts.items] == [
        "Interest declared: I sit on the supplier's board."
    ]
