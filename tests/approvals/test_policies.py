"""Every rule of approvals.policies and decisions.policies, as a table: each role, on a record
in each status, drafted by them or by someone else; each combination allowed or refused.

The records are not saved: the policies are pure functions of a user and a record.
"""

import datetime

import pytest

from approvals import policies
from approvals.clearance import CLEARANCE_LINES
from approvals.models import SignOff
from core.roles import Role
from decisions import policies as drafting
from decisions.models import Decision
from tests.factories import FormTypeFactory, office

Status = Decision.Status
TODAY = datetime.date(2027, 6, 1)

REVIEWERS = {
    Role.FINANCE,
    Role.LEGAL,
    Role.EQUALITIES,
    Role.COMMERCIAL,
    Role.INFORMATION_RIGHTS,
    Role.DIRECTOR,
    Role.CHIEF_EXECUTIVE,
    Role.DMPC,
    Role.MAYOR,
}
# Those who may read Part 2 of any record (decisions.view_parttwo).
PART_TWO_READERS = REVIEWERS | {Role.ADMINISTRATOR}
ROLES = [*Role, None]  # None: a signed-in user holding no role
OWN = (True, False)


@pytest.fixture
def users(make_user):
    return {role: make_user(*([role] if role else []), username=str(role)) for role in ROLES}


def record(user, status: str, own: bool, **fields) -> Decision:
    """A record in this status (decided by the DMPC), drafted by `user` if own."""
    fields.setdefault("decision_maker", office("dmpc"))
    fields.setdefault("form_type", FormTypeFactory())
    return Decision(status=status, drafting_officer_id=user.pk if own else 0, **fields)


def outcomes(users, rule) -> set[tuple]:
    """The (role, status, own) combinations the rule allows: rule(user, record) is truthy."""
    return {
        (role, status, own)
        for role in ROLES
        for status in Status
        for own in OWN
        if rule(users[role], record(users[role], status, own))
    }


def combos(roles, statuses, owns=OWN) -> set[tuple]:
    return {(role, status, own) for role in roles for status in statuses for own in owns}


def allowed(why_not) -> object:
    return lambda user, decision: why_not(user, decision) is None


# Drafting and reading (decisions.policies).


def test_only_staff_with_a_role_read_records(users):
    assert outcomes(users, lambda user, _: drafting.can_view_decisions(user)) == combos(
        [r for r in ROLES if r], Status
    )


def test_part_two_is_for_reviewers_administrators_and_the_records_drafter(users):
    expected = combos(PART_TWO_READERS, Status) | combos([Role.DRAFTING_OFFICER], Status, [True])
    assert outcomes(users, drafting.can_view_part_two) == expected


def test_drafting_officers_start_drafts_and_administrators_may_open_drafting_pages(users):
    assert outcomes(users, lambda user, _: drafting.can_start_draft(user)) == combos(
        [Role.DRAFTING_OFFICER], Status
    )
    assert outcomes(users, lambda user, _: drafting.may_draft(user)) == combos(
        [Role.DRAFTING_OFFICER, Role.ADMINISTRATOR], Status
    )


def test_a_draft_is_edited_and_submitted_by_its_drafter_or_an_administrator(users):
    expected = combos([Role.DRAFTING_OFFICER], [Status.DRAFT], [True]) | combos(
        [Role.ADMINISTRATOR], [Status.DRAFT]
    )
    assert outcomes(users, drafting.can_edit_draft) == expected
    assert outcomes(users, allowed(drafting.why_not_edit_draft)) == expected
    assert outcomes(users, policies.can_submit) == expected
    assert outcomes(users, allowed(policies.why_not_submit)) == expected


def test_the_reasons_for_not_editing_say_which_rule_refused(users):
    officer = users[Role.DRAFTING_OFFICER]
    assert drafting.why_not_edit_draft(officer, record(officer, Status.CLEARANCE, True)) == (
        "This record has been submitted: it can no longer be changed."
    )
    assert drafting.why_not_edit_draft(officer, record(officer, Status.DRAFT, False)) == (
        "Only the drafting officer of this record can change it."
    )
    assert policies.why_not_submit(officer, record(officer, Status.DRAFT, False)) == (
        "Only the drafting officer of this draft can submit it."
    )


# The steps of review (approvals.policies).


@pytest.mark.parametrize("kind", list(CLEARANCE_LINES))
def test_each_line_is_confirmed_by_its_adviser_at_clearance_on_others_records(users, kind):
    line = CLEARANCE_LINES[kind]
    assert outcomes(
        users, lambda user, decision: policies.why_not_confirm(user, decision, kind, []) is None
    ) == combos([line.role], [Status.CLEARANCE], [False])


def test_the_chief_executive_signs_records_waiting_for_them(users):
    rule = lambda user, decision: policies.why_not_sign_chief_executive(user, decision, []) is None  # noqa: E731
    assert outcomes(users, rule) == combos(
        [Role.CHIEF_EXECUTIVE], [Status.CHIEF_EXECUTIVE], [False]
    )


def test_the_decision_maker_the_route_names_decides_and_passes_back(users):
    expected = combos([Role.DMPC], [Status.DECISION_MAKER], [False])
    for why_not in (policies.why_not_decide, policies.why_not_pass_back):
        rule = lambda user, decision, why_not=why_not: why_not(user, decision, []) is None  # noqa: E731
        assert outcomes(users, rule) == expected


def test_a_record_for_the_mayor_is_the_mayors_to_decide(users):
    for role, expected in ((Role.MAYOR, None), (Role.DMPC, "Only the Mayor of London decides")):
        decision = record(users[role], Status.DECISION_MAKER, False, decision_maker=office("mayor"))
        reason = policies.why_not_decide(users[role], decision, [])
        assert reason == expected or reason.startswith(expected)


def test_one_person_holds_one_role_on_a_record(users):
    dmpc = users[Role.DMPC]
    decision = record(dmpc, Status.DECISION_MAKER, False)
    earlier = SignOff(user=dmpc, role=Role.FINANCE, kind=SignOff.Kind.CLEARANCE)
    assert policies.why_not_decide(dmpc, decision, [earlier]) == (
        "You have already signed off this record as Finance: one person holds one role on a record."
    )
    assert policies.why_not_pass_back(dmpc, decision, [earlier]) is not None


def test_a_line_already_confirmed_is_not_confirmed_again(users):
    finance = users[Role.FINANCE]
    done = SignOff(
        user_id=0, kind="clearance", declaration_kind="financial", name_as_signed="A. Adviser"
    )
    reason = policies.why_not_confirm(
        finance, record(finance, Status.CLEARANCE, False), "financial", [done]
    )
    assert reason == "A. Adviser has already confirmed the Financial Advice line."


def test_any_reviewer_returns_a_record_under_review_drafted_by_someone_else(users):
    # Any reviewer on its route: the Mayor is not on a record the DMPC decides.
    assert outcomes(users, allowed(policies.why_not_return)) == combos(
        REVIEWERS - {Role.MAYOR}, policies.UNDER_REVIEW, [False]
    )
    assert outcomes(users, lambda user, _: policies.is_reviewer(user)) == combos(REVIEWERS, Status)


def test_a_reviewer_acts_in_the_role_the_step_needs(users):
    ceo = users[Role.CHIEF_EXECUTIVE]
    # The Chief Executive decides records routed to them, and otherwise signs as such.
    routed = record(ceo, Status.DECISION_MAKER, False, decision_maker=office("chief_executive"))
    assert policies.reviewing_role(ceo, routed) == Role.CHIEF_EXECUTIVE
    assert policies.reviewing_role(users[Role.DMPC], record(ceo, Status.CLEARANCE, False)) == (
        Role.DMPC
    )
    assert policies.reviewing_role(users[Role.LEGAL], record(ceo, Status.CLEARANCE, False)) == (
        Role.LEGAL
    )
    assert policies.reviewing_role(users[Role.DRAFTING_OFFICER], routed) == ""


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.CHIEF_EXECUTIVE, [("decisions.sign_chief_executive", "chief_executive")]),
        (Status.DECISION_MAKER, [("decisions.take_decisions", "dmpc")]),
        *((status, []) for status in Status if status not in policies.UNDER_REVIEW),
    ],
)
def test_the_next_to_act_are_those_the_stage_needs(users, status, expected):
    decision = record(users[Role.DMPC], status, False)
    actors = [(p, o.code if o else None) for p, o in policies.next_actors(decision)]
    assert actors == expected


# Publication.


@pytest.mark.parametrize(
    ("status", "deferred_until", "due"),
    [
        *((status, None, status == Status.APPROVED) for status in Status),
        (Status.APPROVED, TODAY, True),
        (Status.APPROVED, TODAY - datetime.timedelta(days=1), True),
        (Status.APPROVED, TODAY + datetime.timedelta(days=1), False),
        (Status.PUBLISHED, TODAY - datetime.timedelta(days=1), False),
    ],
)
def test_the_application_publishes_an_approved_record_once_any_deferral_ends(
    status, deferred_until, due, db
):
    decision = Decision(
        status=status, part1_deferred=deferred_until is not None, deferred_until=deferred_until
    )
    assert (policies.why_not_publish(decision, today=TODAY) is None) is due


def test_a_record_deferred_without_a_date_is_not_published(db):
    decision = Decision(status=Status.APPROVED, part1_deferred=True, deferred_until=None)
    assert policies.why_not_publish(decision, today=TODAY) == (
        "Publication of this record is deferred."
    )


def test_the_drafter_or_an_administrator_extends_the_deferral_of_an_approved_record(users):
    def rule(user, decision):
        decision.part1_deferred = True
        return policies.why_not_extend_deferral(user, decision) is None

    expected = combos([Role.DRAFTING_OFFICER], [Status.APPROVED], [True]) | combos(
        [Role.ADMINISTRATOR], [Status.APPROVED]
    )
    assert outcomes(users, rule) == expected
    assert (
        outcomes(users, lambda user, decision: policies.can_extend_deferral(user, decision))
        == set()
    ), "a record not deferred has no deferral to extend"


def test_an_administrator_withdraws_a_published_record(users):
    expected = combos([Role.ADMINISTRATOR], [Status.PUBLISHED])
    assert outcomes(users, allowed(policies.why_not_withdraw)) == expected
    assert outcomes(users, policies.can_withdraw) == expected
    admin = users[Role.ADMINISTRATOR]
    assert policies.why_not_withdraw(admin, record(admin, Status.WITHDRAWN, False)) == (
        "This record has already been withdrawn."
    )


def test_published_and_withdrawn_records_are_on_the_register(users):
    user = users[Role.ADMINISTRATOR]
    on_register = {Status.PUBLISHED, Status.WITHDRAWN}
    for status in Status:
        decision = record(user, status, False)
        assert policies.is_on_register(decision) is (status in on_register)
        assert policies.is_withdrawn(decision) is (status == Status.WITHDRAWN)
        assert policies.has_publication(decision) is (status in on_register | {Status.APPROVED})


def test_who_acts_from_the_drafting_side_acts_as_drafter_of_their_own_record_else_admin(users):
    acting = {
        (role, own): policies.drafting_side_role(users[role], record(users[role], "draft", own))
        for role in (Role.DRAFTING_OFFICER, Role.ADMINISTRATOR)
        for own in OWN
    }
    assert acting == {
        (Role.DRAFTING_OFFICER, True): Role.DRAFTING_OFFICER,
        (Role.DRAFTING_OFFICER, False): Role.ADMINISTRATOR,
        (Role.ADMINISTRATOR, True): Role.DRAFTING_OFFICER,
        (Role.ADMINISTRATOR, False): Role.ADMINISTRATOR,
    }
