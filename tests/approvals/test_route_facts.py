"""The route is kept as facts and told to each reader: the total only to those who may see it."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from approvals.models import Action
from approvals.routing import Route
from approvals.selectors import decision_versions, route_reason_for
from approvals.services import decision_submit
from core.roles import Role
from decisions.models import Decision
from tests.factories import ExpenditureLineFactory

pytestmark = pytest.mark.django_db

CITE = "(Scheme of Delegation and Consent, para {})"
HIDDEN = "the total (which includes a confidential amount)"

# (amount, flags, with Part 2, without Part 2): £1,000.00 public plus a confidential line.
CASES = {
    "value threshold": (
        "987654.32",
        {},
        "To the Deputy Mayor for Policing and Crime: total £988,654.32 is £500,000.00 or more "
        + CITE.format("4.8"),
        f"To the Deputy Mayor for Policing and Crime: {HIDDEN} is £500,000.00 or more "
        + CITE.format("4.8"),
    ),
    "flag": (
        "12345.67",
        {
            "significant_public_interest": True,
            "flag_justifications": {"significant_public_interest": "A new kind of contract."},
        },
        "To the Deputy Mayor for Policing and Crime: the matter is of significant public "
        "interest, contentious or novel — A new kind of contract. " + CITE.format("4.9"),
        None,  # the same: a flag route states no total
    ),
    "reserved": (
        "987654.32",
        {"reserved_to_mayor": True},
        "To the Mayor of London: the matter is reserved to the Mayor " + CITE.format("1.1"),
        None,
    ),
    "Chief Executive by default": (
        "12345.67",
        {},
        "To the Chief Executive: total £13,345.67, under delegation " + CITE.format("4.13"),
        f"To the Chief Executive: {HIDDEN}, under delegation " + CITE.format("4.13"),
    ),
}


def route_changes(decision: Decision, *, include_part_two: bool) -> list[str]:
    """The route's sentence in each version that changed it, as the history page lists it."""
    versions = decision_versions(decision=decision, include_part_two=include_part_two)
    return [c.new for v in versions for c in v.changes if c.label == "Route reason"]


@pytest.fixture
def submitted(officer, ready_draft):
    def make(case: str) -> Decision:
        amount, flags, _, _ = CASES[case]
        decision = ready_draft(amount="1000.00", **flags)
        ExpenditureLineFactory(decision=decision, amount=amount, is_confidential=True)
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
        decision.refresh_from_db()
        return decision

    return make


@pytest.mark.parametrize("case", CASES)
def test_the_reason_is_composed_for_each_reader(submitted, people, make_user, case):
    _, _, with_part_two, without_part_two = CASES[case]
    decision = submitted(case)
    reviewer, other_officer = people[Role.FINANCE], make_user(Role.DRAFTING_OFFICER)
    assert route_reason_for(user=reviewer, decision=decision) == with_part_two
    assert route_reason_for(user=other_officer, decision=decision) == (
        without_part_two or with_part_two
    )
    # What is stored and logged is what anyone may read.
    assert decision.route_reason == (without_part_two or with_part_two)
    submitted_action = decision.actions.get(verb=Action.Verb.SUBMITTED)
    assert submitted_action.rule == decision.route_reason


@pytest.mark.parametrize("case", CASES)
def test_the_facts_are_frozen_on_submission(submitted, case):
    amount, flags, _, _ = CASES[case]
    decision = submitted(case)
    assert decision.route_total == Decimal("1000.00") + Decimal(amount)
    assert decision.route_total_confidential is True
    assert decision.route_flags == sorted(
        flag for flag, on in flags.items() if on is True and flag != "flag_justifications"
    )
    assert decision.route_rule.paragraph in CASES[case][2]


def test_a_flag_route_frozen_without_its_total_still_reads(submitted):
    # Migrated from a draft: the total was never stated, and the flag rule needs none.
    decision = submitted("reserved")
    Decision.objects.filter(pk=decision.pk).update(route_total=None)
    decision = Decision.objects.get(pk=decision.pk)
    route = Route.frozen_on(decision)
    assert route.reason_for(may_see_part_two=False) == CASES["reserved"][2]


def test_a_total_without_a_confidential_amount_is_told_to_everyone(ready_draft, officer, make_user):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    assert decision.route_total_confidential is False
    assert route_reason_for(user=make_user(Role.DRAFTING_OFFICER), decision=decision) == (
        "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
        "(Scheme of Delegation and Consent, para 4.8)"
    )


def test_a_line_made_confidential_after_routing_hides_the_total_from_those_without_part_two(
    ready_draft, officer, people, make_user
):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    assert decision.route_total_confidential is False
    # The money line becomes confidential after the route was frozen (as after a return).
    line = decision.expenditure_lines.get()
    line.is_confidential = True
    line.save()
    other_officer = make_user(Role.DRAFTING_OFFICER, username="other")
    hidden = (
        "To the Deputy Mayor for Policing and Crime: the total (which includes a confidential "
        "amount) is £500,000.00 or more (Scheme of Delegation and Consent, para 4.8)"
    )
    assert route_reason_for(user=other_officer, decision=decision) == hidden
    assert route_changes(decision, include_part_two=False) == [hidden]
    assert "£1,482,400.00" in route_reason_for(user=people[Role.FINANCE], decision=decision)


def test_the_versions_tell_the_route_to_each_reader(submitted, people, make_user):
    decision = submitted("value threshold")
    assert route_changes(decision, include_part_two=True) == [CASES["value threshold"][2]]
    assert route_changes(decision, include_part_two=False) == [CASES["value threshold"][3]]


def test_the_task_list_tells_the_live_route_composed_the_same_way(client, officer, ready_draft):
    decision = ready_draft(amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="12345.67", is_confidential=True)
    client.force_login(officer)  # the drafter may see Part 2
    page = client.get(reverse("approvals:task_list", args=[decision.pk])).content.decode()
    assert CASES["Chief Executive by default"][2] in page


def test_the_submit_message_tells_the_route(client, officer, ready_draft):
    decision = ready_draft(amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="987654.32", is_confidential=True)
    client.force_login(officer)
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]),
        {"lock_version": decision.lock_version},
        follow=True,
    )
    assert CASES["value threshold"][2] in response.content.decode()


# The data migration (decisions 0008), run on records put back in the old shape: the
# sentence with the total in it, no facts. Its function is called with the application's
# models, which have the same fields as at 0008; migrating the test database back and
# forth would cost minutes for nothing more.


def _old_shape(decision: Decision) -> None:
    route_reason = decision.route_reason.replace(HIDDEN, "total £988,654.32")
    Decision.objects.filter(pk=decision.pk).update(
        route_total=None, route_total_confidential=False, route_flags=[], route_reason=route_reason
    )
    decision.history.exclude(route_rule=None).update(
        route_total=None, route_total_confidential=False, route_flags=[], route_reason=route_reason
    )
    decision.actions.exclude(rule="").update(rule=route_reason)
    Action.history.filter(decision_id=decision.pk).exclude(rule="").update(rule=route_reason)


def _migrate() -> None:
    from importlib import import_module

    import_module("decisions.migrations.0008_route_facts").fill_route_facts(apps, None)


def test_the_migration_fills_the_facts_in_from_what_was_frozen(submitted, people, make_user):
    decision = submitted("value threshold")
    flagged = submitted("flag")
    plain = Decision.objects.get(pk=decision.pk)
    _old_shape(plain)
    Decision.objects.filter(pk=flagged.pk).update(route_total=None, route_flags=[])
    _migrate()
    for record in (decision, flagged):
        migrated = Decision.objects.get(pk=record.pk)
        assert (migrated.route_total, migrated.route_total_confidential, migrated.route_flags) == (
            record.route_total,
            True,
            record.route_flags,
        )
        assert migrated.route_reason == record.route_reason
    migrated = Decision.objects.get(pk=decision.pk)
    assert (
        route_reason_for(user=people[Role.FINANCE], decision=migrated)
        == (CASES["value threshold"][2])
    )
    # No stored sentence keeps the confidential total: the record's, its versions', the log's.
    hidden = CASES["value threshold"][3]
    assert migrated.route_reason == hidden
    assert {v.route_reason for v in migrated.history.exclude(route_reason="")} == {hidden}
    assert {a.rule for a in migrated.actions.exclude(rule="")} == {hidden}
    assert {a.rule for a in Action.history.filter(decision_id=decision.pk).exclude(rule="")} == {
        hidden
    }
    assert route_changes(migrated, include_part_two=True) == [CASES["value threshold"][2]]


def test_the_migration_leaves_a_never_confidential_total_in_the_sentence(ready_draft, officer):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    Decision.objects.filter(pk=decision.pk).update(route_total=None)
    _migrate()
    migrated = Decision.objects.get(pk=decision.pk)
    assert (migrated.route_total, migrated.route_total_confidential) == (
        Decimal("1482400.00"),
        False,
    )
    assert migrated.route_reason == decision.route_reason
