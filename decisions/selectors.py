"""Reads of decision records, scoped to the user asking."""

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import Decision, PartTwo
from .policies import can_view_decisions, can_view_part_two

_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def decision_list_for_user(*, user: User) -> QuerySet[Decision]:
    """Records a member of staff may see, newest first.

    Each carries `total_value` (every line) and `public_value` (lines not
    confidential): show the total only to those who may see Part 2, through
    with_visible_total.
    """
    if not can_view_decisions(user):
        return Decision.objects.none()
    return (
        Decision.objects.select_related("series", "form_type", "drafting_officer")
        .defer(*Decision.SEARCH_FIELDS)
        .annotate(
            total_value=Coalesce(Sum("expenditure_lines__amount"), _ZERO),
            public_value=Coalesce(
                Sum(
                    "expenditure_lines__amount", filter=Q(expenditure_lines__is_confidential=False)
                ),
                _ZERO,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def decision_list_with_visible_totals(*, user: User) -> list[Decision]:
    """decision_list_for_user, each record with the total this user may see (with_visible_total)."""
    return [
        with_visible_total(decision=decision, user=user)
        for decision in decision_list_for_user(user=user)
    ]


def with_visible_total(*, decision: Decision, user: User) -> Decision:
    """The record, given the total this user may see of it.

    `visible_total` is every line (`total_value`) for those who may see Part 2, and the
    lines not confidential (`public_value`) for anyone else; `hides_confidential_amount`
    says that a confidential amount is left out of it. Expects the annotations of
    decision_list_for_user.
    """
    total = decision.total_value if can_view_part_two(user, decision) else decision.public_value
    decision.visible_total = total
    decision.hides_confidential_amount = total != decision.total_value
    return decision


def decision_detail_for_user(*, user: User, pk: int, also: Sequence[Prefetch] = ()) -> Decision:
    """One record with every part loaded in a fixed number of queries.

    `also`: further prefetches from the layers above (approvals adds the sign-offs).

    Raises Decision.DoesNotExist when it does not exist or the user may not see it.
    Part 2 is loaded only for a user allowed to see it: for anyone else the
    attribute `visible_part_two` is None, so no template can show it by mistake.
    The record carries the total the user may see (with_visible_total).
    """
    decision = _with_parts(decision_list_for_user(user=user), also).get(pk=pk)
    with_visible_total(decision=decision, user=user)
    decision.visible_part_two = None
    if decision.has_part_two and can_view_part_two(user, decision):
        decision.visible_part_two = decision_part_two(decision=decision)
    return decision


def decision_with_parts(*, pk: int, also: Sequence[Prefetch] = ()) -> Decision:
    """One record with every Part 1 part loaded, for the application itself (publication).

    Not scoped to a user: never hand it to a page. Part 2 is not loaded.
    """
    return _with_parts(
        Decision.objects.select_related("series", "form_type", "drafting_officer"), also
    ).get(pk=pk)


def _with_parts(queryset: QuerySet[Decision], also: Sequence[Prefetch]) -> QuerySet[Decision]:
    return queryset.select_related("report").prefetch_related(
        "recommendations", "expenditure_lines", "papers", "declaration_lines", *also
    )


def decision_part_two(*, decision: Decision):
    """The Part 2 of a record, or None. Callers must have checked can_view_part_two."""
    return PartTwo.objects.filter(decision=decision).first()
