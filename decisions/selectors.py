"""Reads of decision records, scoped to the user asking."""

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import DECISION_RELATIONS, Decision, EscalationFlag, ExpenditureLine, PartTwo
from .policies import can_read_record, can_view_decisions, can_view_part_two

_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def decision_list_for_user(*, user: User) -> QuerySet[Decision]:
    """Every record, for a member of staff (none for anyone else), newest first.

    Not yet narrowed to the records this user may open: decision_detail_for_user and
    decision_list_with_visible_totals are, and a page loading from this asks
    policies.can_read_record (or can_read_workings) itself.

    Each carries `total_value` (every line) and `public_value` (lines not
    confidential): show the total only to those who may see Part 2, through
    with_visible_total.
    """
    if not can_view_decisions(user):
        return Decision.objects.none()
    return (
        Decision.objects.select_related(*DECISION_RELATIONS)
        # Who reads a record depends on its form's clearance lines (its reviewers).
        .prefetch_related("form_type__clearance_lines")
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
    """The records this user may open (policies.can_read_record), newest first, each with
    the total they may see (with_visible_total): a record they may not open is not listed."""
    return [
        with_visible_total(decision=decision, user=user)
        for decision in decision_list_for_user(user=user)
        if can_read_record(user, decision)
    ]


def with_visible_total(*, decision: Decision, user: User) -> Decision:
    """The record, given the total this user may see of it.

    `visible_total` is every line (`total_value`) for those who may see Part 2, and the
    lines not confidential (`public_value`) for anyone else; `hides_confidential_amount`
    says that a confidential amount is left out of it. Expects the annotations of
    decision_list_for_user.
    """
    decision.visible_total, decision.hides_confidential_amount = visible_total(
        total_value=decision.total_value,
        public_value=decision.public_value,
        may_see_part_two=can_view_part_two(user, decision),
    )
    return decision


def visible_total(
    *, total_value: Decimal, public_value: Decimal, may_see_part_two: bool
) -> tuple[Decimal, bool]:
    """The total a reader may see of a record, and whether a confidential amount is left
    out of it: every line (`total_value`) for a reader who may see Part 2, the lines not
    confidential (`public_value`) for anyone else. The one rule for every total shown:
    the staff pages (with_visible_total) and the public open data."""
    total = total_value if may_see_part_two else public_value
    return total, total != total_value


def public_expenditure_lines() -> QuerySet[ExpenditureLine]:
    """The money lines anyone may read: those not confidential (a confidential amount
    is stated only in Part 2), in the record's order."""
    return ExpenditureLine.objects.filter(is_confidential=False).order_by(
        "decision_id", "position", "pk"
    )


def money_totals(*, decisions: QuerySet[Decision]) -> dict[int, dict[str, Decimal]]:
    """Decision id → its `total_value` (every line) and `public_value` (lines not
    confidential), as decision_list_for_user's annotations, for visible_total; for the
    records of `decisions` that have money lines (a record without any is not a key).
    One query, grouped by record, whatever the number of records."""
    rows = (
        ExpenditureLine.objects.filter(decision__in=decisions.order_by().values("pk"))
        .order_by()
        .values("decision_id")
        .annotate(
            total_value=Sum("amount"),
            public_value=Coalesce(Sum("amount", filter=Q(is_confidential=False)), _ZERO),
        )
    )
    return {row.pop("decision_id"): row for row in rows}


def decision_detail_for_user(*, user: User, pk: int, also: Sequence[Prefetch] = ()) -> Decision:
    """One record with every part loaded in a fixed number of queries.

    `also`: further prefetches from the layers above (approvals adds the sign-offs).

    Raises Decision.DoesNotExist when it does not exist or the user may not open it
    (policies.can_read_record), so that a page answers 404 either way.
    Part 2 is loaded only for a user allowed to see it: for anyone else the
    attribute `visible_part_two` is None, so no template can show it by mistake.
    The record carries the total the user may see (with_visible_total).
    """
    decision = _with_parts(decision_list_for_user(user=user), also).get(pk=pk)
    if not can_read_record(user, decision):
        raise Decision.DoesNotExist("No such record for this user")
    with_visible_total(decision=decision, user=user)
    decision.visible_part_two = None
    if decision.has_part_two and can_view_part_two(user, decision):
        decision.visible_part_two = decision_part_two(decision=decision)
    return decision


def decision_with_parts(*, pk: int, also: Sequence[Prefetch] = ()) -> Decision:
    """One record with every Part 1 part loaded, for the application itself (publication).

    Not scoped to a user: never hand it to a page. Part 2 is not loaded.
    """
    return _with_parts(Decision.objects.select_related(*DECISION_RELATIONS), also).get(pk=pk)


def _with_parts(queryset: QuerySet[Decision], also: Sequence[Prefetch]) -> QuerySet[Decision]:
    return queryset.select_related("report").prefetch_related(
        "form_type__sections",
        "form_type__clearance_lines",
        "recommendations",
        "expenditure_lines",
        "papers",
        "declaration_lines",
        "related_links",
        *also,
    )


def decision_part_two(*, decision: Decision):
    """The Part 2 of a record, or None. Callers must have checked can_view_part_two."""
    return PartTwo.objects.filter(decision=decision).first()


def escalation_flags_for(*, decision: Decision) -> list[EscalationFlag]:
    """The flags the record's body offers its drafters, each with its wording."""
    return list(
        EscalationFlag.objects.filter(organisation_id=decision.form_type.organisation_id).order_by(
            "code"
        )
    )
