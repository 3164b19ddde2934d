"""Every allowed and every refused transition of the workflow, through its services."""

import pytest
from django.urls import reverse

from approvals.clearance import CLEARANCE_LINES
from approvals.models import Action, ApprovalCycle, SignOff
from approvals.services import (
    chief_executive_sign,
    clearance_confirm,
    decision_return,
    decision_submit,
    decision_take,
)
from core.errors import DomainError, NotAllowed, StaleRecord
from core.roles import Role
from decisions import services as drafting
from decisions.canonical import decision_content_hash
from decisions.models import Decision, DeclarationLine, ReferenceSeries
from tests.factories import PASSWORD
from tests.workflow import clear_all, statements

pytestmark = pytest.mark.django_db

Status = Decision.Status


def submit(decision, user):
    decision.refresh_from_db()
    return decision_submit(decision_id=decision.pk, user=user, lock_version=decision.lock_version)


def sign_ce(decision, user, password=PASSWORD):
    decision.refresh_from_db()
    return chief_executive_sign(
        decision_id=decision.pk, user=user, lock_version=decision.lock_version, password=password
    )


def decide(decision, user, **kwargs):
    decision.refresh_from_db()
    kwargs.setdefault("password", PASSWORD)
    kwargs.setdefault("approve", True)
    return decision_take(
        decision_id=decision.pk, user=user, lock_version=decision.lock_version, **kwargs
    )


def give_back(decision, user, reason="Please add the DPIA reference."):
    decision.refresh_from_db()
    return decision_return(
        decision_id=decision.pk, user=user, lock_version=decision.lock_version, reason=reason
    )


def confirm(decision, user, kind="financial", statement=None, password=PASSWORD):
    decision.refresh_from_db()
    return clearance_confirm(
        decision_id=decision.pk,
        user=user,
        content_hash=decision_content_hash(decision=decision),
        kind=kind,
        statement=statement or statements(kind)[0],
        password=password,
    )


def fresh(decision):
    decision.refresh_from_db()
    return decision


# Submission.


def test_submission_numbers_routes_and_opens_a_cycle(
    officer, people, ready_draft, django_capture_on_commit_callbacks, mailoutbox
):
    decision = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        submit(decision, officer)
    decision.refresh_from_db()
    assert decision.status == Status.CLEARANCE
    assert decision.reference == "PCD 1070"
    assert ReferenceSeries.objects.get(prefix="PCD").next_number == 1071
    assert decision.decision_maker.code == "dmpc"
    assert decision.route_reason == (
        "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
        "(Scheme of Delegation and Consent, para 4.8)"
    )
    assert decision.route_rule.paragraph == "4.8"
    assert decision.cycles.get().outcome == ApprovalCycle.Outcome.OPEN
    action = decision.actions.get()
    assert (action.verb, action.actor, action.rule) == ("submitted", officer, decision.route_reason)
    assert set(decision.declaration_lines.values_list("kind", flat=True)) == set(
        DeclarationLine.Kind.values
    )
    # The six advisers are told; nobody else.
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted(
        f"{people[line.role].username}@example.org" for line in CLEARANCE_LINES.values()
    )


def test_an_incomplete_draft_is_not_submitted(officer, ready_draft):
    decision = ready_draft(executive_summary="", publication_answered=False)
    with pytest.raises(DomainError) as error:
        submit(decision, officer)
    assert str(error.value) == (
        "Complete these sections before submitting: Title and executive summary, "
        "Publication and Part 2."
    )
    decision.refresh_from_db()
    assert (decision.status, decision.number) == (Status.DRAFT, None)


def test_only_the_drafting_officer_submits(people, ready_draft, make_user):
    decision = ready_draft()
    for user in [people[Role.FINANCE], make_user(Role.DRAFTING_OFFICER)]:
        with pytest.raises(NotAllowed):
            submit(decision, user)


def test_a_double_submitted_form_acts_once(officer, ready_draft):
    decision = ready_draft()
    version = decision.lock_version
    decision_submit(decision_id=decision.pk, user=officer, lock_version=version)
    with pytest.raises(StaleRecord):
        decision_submit(decision_id=decision.pk, user=officer, lock_version=version)
    assert Action.objects.filter(decision=decision, verb="submitted").count() == 1
    assert ReferenceSeries.objects.get().next_number == 1071


def test_a_submitted_record_cannot_be_submitted_again(officer, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    with pytest.raises(NotAllowed):
        submit(decision, officer)


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


# Clearance.


def test_each_line_is_confirmed_by_its_role_with_its_statement(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    confirm(
        decision,
        people[Role.LEGAL],
        "legal",
        "The MOPAC legal team has been consulted on the proposal.",
    )
    line = decision.declaration_lines.get(kind="legal")
    assert (line.ticked, line.statement) == (
        True,
        "The MOPAC legal team has been consulted on the proposal.",
    )
    signoff = decision.signoffs.get()
    assert (signoff.user, signoff.role, signoff.declaration_kind) == (
        people[Role.LEGAL],
        Role.LEGAL,
        "legal",
    )
    assert signoff.name_as_signed == people[Role.LEGAL].get_full_name()
    assert signoff.content_hash == decision_content_hash(decision=decision)
    decision.refresh_from_db()
    assert decision.status == Status.CLEARANCE


def test_a_line_is_refused_to_the_wrong_role(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    with pytest.raises(NotAllowed, match="Only Legal confirms the Legal Advice line."):
        confirm(decision, people[Role.FINANCE], "legal")


def test_a_wrong_password_signs_nothing(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    with pytest.raises(NotAllowed, match="The password is not correct"):
        confirm(decision, people[Role.FINANCE], password="guess")
    assert not SignOff.objects.exists()


def test_a_statement_not_of_the_line_is_refused(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    with pytest.raises(DomainError, match="Choose one of the statements"):
        confirm(decision, people[Role.FINANCE], statement="Whatever I like.")


def test_a_line_is_confirmed_once(officer, people, ready_draft, make_user):
    decision = ready_draft()
    submit(decision, officer)
    confirm(decision, people[Role.FINANCE])
    # The second finds the line confirmed since their page was loaded: told who did it.
    with pytest.raises(StaleRecord) as refused:
        confirm(decision, make_user(Role.FINANCE))
    assert refused.value.changed_by == people[Role.FINANCE].get_full_name()


def test_nobody_signs_off_a_record_they_drafted(make_user, ready_draft, people):
    drafter = make_user(Role.DRAFTING_OFFICER, Role.FINANCE)
    decision = ready_draft()
    Decision.objects.filter(pk=decision.pk).update(drafting_officer=drafter)
    submit(decision, drafter)
    with pytest.raises(NotAllowed, match="You drafted this record"):
        confirm(decision, drafter)


def test_one_person_holds_one_role_per_record(officer, ready_draft, make_user):
    both = make_user(Role.FINANCE, Role.LEGAL)
    decision = ready_draft()
    submit(decision, officer)
    confirm(decision, both, "financial")
    with pytest.raises(NotAllowed, match="already signed off this record as Finance"):
        confirm(decision, both, "legal")


def test_the_last_line_moves_the_record_to_the_chief_executive(
    officer, people, ready_draft, django_capture_on_commit_callbacks, mailoutbox
):
    decision = ready_draft()
    submit(decision, officer)
    with django_capture_on_commit_callbacks(execute=True):
        clear_all(decision, people)
    assert decision.status == Status.CHIEF_EXECUTIVE
    assert decision.declaration_lines.filter(ticked=True).count() == 7
    assert mailoutbox[-1].to == ["ceo@example.org"]


def test_no_line_is_confirmed_outside_clearance(officer, people, ready_draft):
    decision = ready_draft()
    with pytest.raises(DomainError, match="not at clearance"):
        confirm(decision, people[Role.FINANCE])


def test_clearance_changes_to_declaration_lines_are_in_their_history(officer, people, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    line = DeclarationLine.objects.get(decision=decision, kind="legal")
    latest = line.history.first()
    assert (latest.ticked, latest.history_user) == (True, people[Role.LEGAL])


# The Chief Executive and the decision.


@pytest.fixture
def at_chief_executive(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    return clear_all(decision, people)


def test_the_chief_executive_signs_and_the_dmpc_approves(
    at_chief_executive, people, officer, django_capture_on_commit_callbacks, mailoutbox
):
    decision = at_chief_executive
    sign_ce(decision, people[Role.CHIEF_EXECUTIVE])
    decision.refresh_from_db()
    assert decision.status == Status.DECISION_MAKER
    ce = decision.signoffs.get(kind="chief_executive")
    assert ce.statement.endswith(
        "I am satisfied that this is an appropriate request to be submitted to the Deputy Mayor "
        "for Policing and Crime."
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(decision, people[Role.DMPC], interests="")
    decision.refresh_from_db()
    # Approved, and published at once: it is not deferred.
    assert decision.status == Status.PUBLISHED
    assert decision.decided_at is not None
    taken = decision.signoffs.get(kind="decision")
    assert (taken.statement, taken.outcome, taken.role) == (
        "The above request has my approval.",
        "approved",
        Role.DMPC,
    )
    assert decision.cycles.get().outcome == ApprovalCycle.Outcome.APPROVED
    assert mailoutbox[-1].to == [officer.email]
    verbs = list(decision.actions.values_list("verb", flat=True))
    assert verbs == [
        "submitted",
        *["confirmed"] * 6,
        "chief_executive_signed",
        "approved",
        "published",
    ]


def test_the_chief_executive_signs_only_at_that_stage(officer, people, ready_draft):
    decision = ready_draft()
    submit(decision, officer)
    with pytest.raises(DomainError, match="not waiting for the Chief Executive"):
        sign_ce(decision, people[Role.CHIEF_EXECUTIVE])


def test_only_the_chief_executive_signs_the_statement(at_chief_executive, people):
    with pytest.raises(NotAllowed, match="Only the Chief Executive"):
        sign_ce(at_chief_executive, people[Role.DMPC])


def test_an_adviser_cannot_sign_again_as_chief_executive(at_chief_executive, make_user, people):
    decision = at_chief_executive
    finance_user = people[Role.FINANCE]
    finance_user.groups.add(*make_user(Role.CHIEF_EXECUTIVE).groups.all())
    with pytest.raises(NotAllowed, match="already signed off this record as Finance"):
        sign_ce(decision, type(finance_user).objects.get(pk=finance_user.pk))


def test_the_wrong_decision_maker_is_refused(at_chief_executive, people):
    decision = at_chief_executive
    sign_ce(decision, people[Role.CHIEF_EXECUTIVE])
    with pytest.raises(NotAllowed, match="Only the Deputy Mayor for Policing and Crime decides"):
        decide(decision, people[Role.MAYOR])


def test_not_approving_needs_a_reason(at_chief_executive, people):
    decision = at_chief_executive
    sign_ce(decision, people[Role.CHIEF_EXECUTIVE])
    with pytest.raises(DomainError, match="Give the reason for not approving"):
        decide(decision, people[Role.DMPC], approve=False)
    decide(decision, people[Role.DMPC], approve=False, reason="Not value for money.")
    decision.refresh_from_db()
    assert decision.status == Status.NOT_APPROVED
    assert decision.signoffs.get(kind="decision").reason == "Not value for money."


def test_an_interest_is_recorded_with_the_decision(at_chief_executive, people):
    decision = at_chief_executive
    sign_ce(decision, people[Role.CHIEF_EXECUTIVE])
    decide(decision, people[Role.DMPC], interests="My brother works for the supplier.")
    assert decision.signoffs.get(kind="decision").interests == "My brother works for the supplier."


def test_a_chief_executive_decision_skips_the_chief_executive_statement(
    officer, people, ready_draft
):
    decision = ready_draft(amount="64500.00")
    submit(decision, officer)
    clear_all(decision, people)
    assert decision.status == Status.DECISION_MAKER
    decide(decision, people[Role.CHIEF_EXECUTIVE])
    decision.refresh_from_db()
    assert decision.status == Status.APPROVED


# Returns, changes and voiding.


def test_any_reviewer_returns_a_record_with_a_reason(
    at_chief_executive, people, officer, django_capture_on_commit_callbacks, mailoutbox
):
    decision = at_chief_executive
    with django_capture_on_commit_callbacks(execute=True):
        give_back(decision, people[Role.CHIEF_EXECUTIVE], "The DPIA reference is missing.")
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT
    assert decision.cycles.get().outcome == ApprovalCycle.Outcome.RETURNED
    returned = decision.actions.get(verb="returned")
    assert (returned.detail, returned.role) == (
        "The DPIA reference is missing.",
        Role.CHIEF_EXECUTIVE,
    )
    assert mailoutbox[-1].to == [officer.email]
    assert "The DPIA reference is missing." in mailoutbox[-1].body


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_needs_a_reason(at_chief_executive, people, reason):
    with pytest.raises(DomainError, match="Give the reason"):
        give_back(at_chief_executive, people[Role.FINANCE], reason)


def test_a_return_is_refused_to_those_who_do_not_review(at_chief_executive, officer, make_user):
    for user in [officer, make_user(), make_user(Role.DRAFTING_OFFICER)]:
        with pytest.raises(NotAllowed):
            give_back(at_chief_executive, user)


def test_a_draft_cannot_be_returned(ready_draft, people):
    with pytest.raises(NotAllowed, match="Only a record under review"):
        give_back(ready_draft(), people[Role.FINANCE])


def test_resubmitting_unchanged_content_keeps_every_sign_off(at_chief_executive, people, officer):
    decision = at_chief_executive
    give_back(decision, people[Role.CHIEF_EXECUTIVE])
    # Saving the same text voids nothing.
    decision.refresh_from_db()
    drafting.decision_update(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        values={"title": decision.title},
        reason="No change",
    )
    submit(decision, officer)
    decision.refresh_from_db()
    assert decision.status == Status.CHIEF_EXECUTIVE
    assert decision.reference == "PCD 1070"  # the number stays
    assert decision.signoffs.filter(voided_at__isnull=True).count() == 6
    assert decision.cycles.filter(outcome="open").count() == 1
    assert decision.cycles.count() == 2


def test_changing_signed_content_voids_the_sign_offs_and_says_so(
    at_chief_executive, people, officer
):
    decision = at_chief_executive
    give_back(decision, people[Role.CHIEF_EXECUTIVE])
    decision.refresh_from_db()
    changed = drafting.decision_update(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        values={"introduction": "A new paragraph."},
        reason="Introduction changed",
    )
    assert len(changed.voided_signoffs) == 6
    assert not decision.signoffs.filter(voided_at__isnull=True).exists()
    assert decision.declaration_lines.filter(ticked=True).get().kind == "drafting_officer"
    voided = decision.actions.get(verb="signoffs_voided")
    assert voided.actor == officer
    assert people[Role.FINANCE].get_full_name() + " (Finance)" in voided.detail
    submit(decision, officer)
    decision.refresh_from_db()
    assert decision.status == Status.CLEARANCE


def test_a_changed_money_line_voids_too(at_chief_executive, people, officer):
    decision = at_chief_executive
    give_back(decision, people[Role.FINANCE])
    decision.refresh_from_db()
    line = decision.expenditure_lines.get()
    changed = drafting.decision_set_expenditure(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        lines=[
            {
                "kind": line.kind,
                "financial_year": line.financial_year,
                "amount": line.amount + 1,
                "funding_source": line.funding_source,
                "is_confidential": line.is_confidential,
            }
        ],
    )
    assert len(changed.voided_signoffs) == 6


def test_one_open_cycle_per_record_is_kept_by_the_database(at_chief_executive):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalCycle.objects.create(decision=at_chief_executive, opened_at=timezone.now())


def test_a_failing_mail_server_never_blocks_the_action(
    officer, ready_draft, people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.approvals.broken_mail.Backend"
    decision = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        submit(decision, officer)
    decision.refresh_from_db()
    assert decision.status == Status.CLEARANCE


def test_the_drafter_is_told_which_sign_offs_a_change_voided(
    client, at_chief_executive, people, officer
):
    decision = at_chief_executive
    give_back(decision, people[Role.CHIEF_EXECUTIVE])
    decision.refresh_from_db()
    client.force_login(officer)
    response = client.post(
        f"/records/{decision.pk}/draft/part-one/introduction/",
        {"lock_version": decision.lock_version, "text": "Something new."},
        follow=True,
    )
    page = response.content.decode()
    assert "Your change voided the sign-offs given on the earlier content" in page
    assert f"{people[Role.FINANCE].get_full_name()} (Finance)" in page


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
    assert (fresh(decision).status, decision.decision_maker.code) == ("clearance", "mayor")


def test_a_sign_off_on_other_content_does_not_count(officer, people, ready_draft):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    SignOff.objects.filter(decision=decision).update(content_hash="0" * 64)
    from approvals.workflow import next_stage

    assert next_stage(decision=fresh(decision), signoffs=list(decision.signoffs.all())) == (
        "clearance"
    )
