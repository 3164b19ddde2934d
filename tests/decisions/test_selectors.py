"""The total a member of staff may see of a record (decisions.selectors.with_visible_total)."""

from decimal import Decimal

import pytest

from decisions.selectors import decision_detail_for_user, decision_list_with_visible_totals
from tests.factories import DecisionFactory, ExpenditureLineFactory

pytestmark = pytest.mark.django_db


def totals(user, decision) -> list[tuple[Decimal, bool]]:
    """(visible_total, hides_confidential_amount) from the list and from the detail."""
    [listed] = [d for d in decision_list_with_visible_totals(user=user) if d.pk == decision.pk]
    detail = decision_detail_for_user(user=user, pk=decision.pk)
    return [
        (listed.visible_total, listed.hides_confidential_amount),
        (detail.visible_total, detail.hides_confidential_amount),
    ]


@pytest.fixture
def with_confidential_line(officer):
    decision = DecisionFactory(drafting_officer=officer, submitted=True)
    ExpenditureLineFactory(decision=decision, amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="987654.32", is_confidential=True)
    return decision


def test_a_reviewer_who_may_see_part_two_sees_the_whole_total(finance, with_confidential_line):
    assert totals(finance, with_confidential_line) == [(Decimal("988654.32"), False)] * 2


def test_the_drafter_sees_the_whole_total(officer, with_confidential_line):
    assert totals(officer, with_confidential_line) == [(Decimal("988654.32"), False)] * 2


def test_without_part_two_a_confidential_line_leaves_the_public_total(
    reader_without_part_two, with_confidential_line
):
    other_officer = reader_without_part_two
    assert totals(other_officer, with_confidential_line) == [(Decimal("1000.00"), True)] * 2


def test_without_part_two_a_record_without_confidential_lines_shows_its_total(
    reader_without_part_two,
):
    decision = DecisionFactory(submitted=True)
    ExpenditureLineFactory(decision=decision, amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="250.50")
    other_officer = reader_without_part_two
    assert totals(other_officer, decision) == [(Decimal("1250.50"), False)] * 2


def test_a_confidential_line_of_nothing_hides_nothing(reader_without_part_two):
    # As the pages always did: only an amount that changes the total is called hidden.
    decision = DecisionFactory(submitted=True)
    ExpenditureLineFactory(decision=decision, amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="0.00", is_confidential=True)
    other_officer = reader_without_part_two
    assert totals(other_officer, decision) == [(Decimal("1000.00"), False)] * 2


def test_a_record_without_money_totals_nothing(reader_without_part_two):
    decision = DecisionFactory(submitted=True)
    assert totals(reader_without_part_two, decision) == [(Decimal("0.00"), False)] * 2
