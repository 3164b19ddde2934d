from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from decisions.models import Decision, DeclarationLine, ExpenditureLine
from tests.factories import (
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    FormTypeFactory,
    ReferenceSeriesFactory,
)

pytestmark = pytest.mark.django_db


def messages_for(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


def test_amount_is_exact_decimal():
    line = ExpenditureLineFactory(amount=Decimal("1482400.00"))
    line.refresh_from_db()
    assert line.amount == Decimal("1482400.00")
    assert isinstance(line.amount, Decimal)


def test_negative_amount_is_refused_with_a_clear_message():
    line = ExpenditureLineFactory.build(decision=DecisionFactory(), amount=Decimal("-5.00"))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert messages_for(error, "amount") == ["Ensure this value is greater than or equal to 0."]


def test_negative_amount_is_refused_by_the_database():
    line = ExpenditureLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenditureLine.objects.filter(pk=line.pk).update(amount=Decimal("-0.01"))


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2021/23", "The financial year must cover two consecutive years, like 2021/22"),
        ("21/22", "Enter the financial year like 2021/22"),
        ("2021-22", "Enter the financial year like 2021/22"),
        ("", "This field cannot be blank."),
    ],
)
def test_malformed_financial_year_is_refused(year, message):
    line = ExpenditureLineFactory.build(decision=DecisionFactory(), financial_year=year)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert message in messages_for(error, "financial_year")


@pytest.mark.parametrize("year", ["2021/22", "1999/00", "2099/00"])
def test_well_formed_financial_year_is_accepted(year):
    ExpenditureLineFactory.build(decision=DecisionFactory(), financial_year=year).full_clean()


def test_deferral_without_a_date_is_refused_with_a_clear_message():
    decision = DecisionFactory()
    decision.part1_deferred, decision.deferral_reason = True, "Operational reasons"
    with pytest.raises(ValidationError) as error:
        decision.full_clean()
    assert "Enter the date until which publication is deferred" in str(error.value)


def test_deferral_without_a_date_is_refused_by_the_database():
    decision = DecisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(part1_deferred=True, deferred_until=None)


def test_status_outside_the_workflow_is_refused_by_the_database():
    decision = DecisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(status="lost")


def test_a_reference_is_unique_within_its_series():
    first = DecisionFactory(number=1069)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(form_type=first.form_type, number=1069)


def test_the_same_number_may_stand_in_another_series():
    DecisionFactory(number=7)
    other_series = ReferenceSeriesFactory(prefix="CED", name="Chief Executive Decisions")
    other = DecisionFactory(
        form_type=FormTypeFactory(name="CE Decision", slug="ce", series=other_series), number=7
    )
    assert other.reference == "CED 7"
    assert other.slug == "ced-7"


def test_unnumbered_drafts_do_not_collide():
    first = DecisionFactory()
    DecisionFactory(form_type=first.form_type)
    assert Decision.objects.filter(number__isnull=True).count() == 2


def test_declaration_lines_come_in_the_order_of_the_paper_form():
    decision = DecisionFactory()
    for kind in reversed(DeclarationLine.Kind.values):
        DeclarationLineFactory(decision=decision, kind=kind)
    assert [line.kind for line in decision.declaration_lines.all()] == DeclarationLine.Kind.values


def test_a_declaration_line_stands_once_per_record():
    line = DeclarationLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationLineFactory(decision=line.decision, kind=line.kind)
