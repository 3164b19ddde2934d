import datetime
from decimal import Decimal

import pytest

from approvals.models import Rule, Scheme
from approvals.routing import NoRuleApplies, route_decision, route_for
from approvals.selectors import live_route, scheme_in_force
from approvals.services import decision_submit
from tests.factories import DecisionFactory, ExpenditureLineFactory, office, policing_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme() -> Scheme:
    """The default scheme the migration installs."""
    return Scheme.objects.get(name="Scheme of Delegation and Consent", version="2021")


@pytest.mark.parametrize(
    ("total", "maker", "reason"),
    [
        (
            "499999.99",
            "chief_executive",
            "To the Chief Executive: total £499,999.99, under delegation "
            "(Scheme of Delegation and Consent, para 4.13)",
        ),
        (
            "500000.00",
            "dmpc",
            "To the Deputy Mayor for Policing and Crime: total £500,000.00 is £500,000.00 or more "
            "(Scheme of Delegation and Consent, para 4.8)",
        ),
        (
            "500000.01",
            "dmpc",
            "To the Deputy Mayor for Policing and Crime: total £500,000.01 is £500,000.00 or more "
            "(Scheme of Delegation and Consent, para 4.8)",
        ),
        (
            "1482400.00",
            "dmpc",
            "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or "
            "more (Scheme of Delegation and Consent, para 4.8)",
        ),
    ],
)
def test_value_boundaries(scheme, total, maker, reason):
    route = route_for(total=Decimal(total), flags=set(), scheme=scheme)
    assert (route.decision_maker.code, route.reason) == (maker, reason)


def test_the_total_is_capital_plus_revenue_over_all_years(scheme):
    decision = DecisionFactory()
    ExpenditureLineFactory(decision=decision, kind="capital", amount="300000.00")
    ExpenditureLineFactory(
        decision=decision, kind="revenue", financial_year="2022/23", amount="200000.00"
    )
    assert route_decision(decision=decision, scheme=scheme).decision_maker.code == "dmpc"


def test_a_confidential_amount_still_routes(scheme):
    decision = DecisionFactory()
    ExpenditureLineFactory(decision=decision, amount="1.00")
    ExpenditureLineFactory(decision=decision, amount="600000.00", is_confidential=True)
    route = route_decision(decision=decision, scheme=scheme)
    assert route.decision_maker.code == "dmpc"
    assert "£600,001.00" in route.reason


def test_no_money_but_of_public_interest_goes_to_the_dmpc(scheme):
    decision = DecisionFactory(significant_public_interest=True)
    route = route_decision(decision=decision, scheme=scheme)
    assert route.decision_maker.code == "dmpc"
    assert route.reason == (
        "To the Deputy Mayor for Policing and Crime: the matter is of significant public "
        "interest, contentious or novel (Scheme of Delegation and Consent, para 4.9)"
    )


@pytest.mark.parametrize("amount", [None, "10.00", "25000000.00"])
def test_a_reserved_matter_goes_to_the_mayor_whatever_the_value(scheme, amount):
    decision = DecisionFactory(reserved_to_mayor=True, significant_public_interest=True)
    if amount:
        ExpenditureLineFactory(decision=decision, amount=amount)
    route = route_decision(decision=decision, scheme=scheme)
    assert route.decision_maker.code == "mayor"
    assert route.reason.startswith("To the Mayor of London: the matter is reserved to the Mayor")


def test_no_money_and_no_flag_stays_with_the_chief_executive(scheme):
    route = route_decision(decision=DecisionFactory(), scheme=scheme)
    assert route.decision_maker.code == "chief_executive"


def test_a_scheme_without_a_fallback_rule_says_so():
    scheme = Scheme.objects.create(
        organisation=policing_office(), version="bare", effective_from=datetime.date(2030, 1, 1)
    )
    Rule.objects.create(
        scheme=scheme,
        priority=1,
        paragraph="1",
        decision_maker=office("dmpc"),
        condition="value_at_least",
        threshold=Decimal("1"),
    )
    with pytest.raises(NoRuleApplies):
        route_for(total=Decimal("0"), flags=set(), scheme=scheme)


def test_the_scheme_in_force_goes_by_its_dates(scheme):
    newer = Scheme.objects.create(
        organisation=policing_office(), version="2027", effective_from=datetime.date(2027, 4, 1)
    )
    scheme.effective_until = datetime.date(2027, 3, 31)
    scheme.save()
    assert (
        scheme_in_force(organisation_id=scheme.organisation_id, on=datetime.date(2027, 3, 31))
        == scheme
    )
    assert (
        scheme_in_force(organisation_id=scheme.organisation_id, on=datetime.date(2027, 4, 1))
        == newer
    )
    assert (
        scheme_in_force(organisation_id=scheme.organisation_id, on=datetime.date(2020, 12, 31))
        is None
    )


def test_changing_the_scheme_never_reroutes_a_submitted_record(scheme, officer, ready_draft):
    decision = ready_draft(amount="600000.00")
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    frozen = (decision.decision_maker, decision.route_reason, decision.route_rule_id)

    # The threshold rises to £1m in a new version of the scheme, in force from today.
    scheme.effective_until = datetime.date.today() - datetime.timedelta(days=1)
    scheme.save()
    newer = Scheme.objects.create(
        organisation=policing_office(), version="2026", effective_from=datetime.date.today()
    )
    Rule.objects.create(
        scheme=newer,
        priority=1,
        paragraph="5.1",
        decision_maker=office("dmpc"),
        condition="value_at_least",
        threshold=Decimal("1000000.00"),
    )
    Rule.objects.create(
        scheme=newer,
        priority=2,
        paragraph="5.2",
        decision_maker=office("chief_executive"),
        condition="otherwise",
    )
    decision.refresh_from_db()
    assert (decision.decision_maker, decision.route_reason, decision.route_rule_id) == frozen
    # A draft of the same value now routes to the Chief Executive under the new scheme.
    draft = ready_draft(amount="600000.00")
    assert live_route(decision=draft).decision_maker.code == "chief_executive"


def test_the_database_refuses_a_value_rule_without_a_threshold(scheme):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Rule.objects.filter(scheme=scheme, priority=30).update(threshold=None)
