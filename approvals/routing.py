"""Routing: which decision maker the scheme of delegation sends a record to, and why.

Pure functions of the record's facts and the scheme's rules: no queries, no
clock. The caller loads the scheme in force (selectors.scheme_in_force) and the
record's money lines.
"""

from dataclasses import dataclass
from decimal import Decimal

from decisions.models import Decision, DecisionMaker

from .models import Rule, RuleCondition, RuleFlag, Scheme


@dataclass(frozen=True)
class Route:
    decision_maker: str
    rule: Rule
    reason: str

    @property
    def decision_maker_label(self) -> str:
        return DecisionMaker(self.decision_maker).label


class NoRuleApplies(Exception):
    """The scheme has no rule for this record: an administrator must add an "otherwise" rule."""


FLAG_REASONS = {
    RuleFlag.RESERVED_TO_MAYOR: "the matter is reserved to the Mayor",
    RuleFlag.SIGNIFICANT_PUBLIC_INTEREST: "the matter is of significant public interest, "
    "contentious or novel",
}


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def decision_total_value(decision: Decision) -> Decimal:
    """Capital plus revenue, every year, confidential lines included (they still route)."""
    return sum((line.amount for line in decision.expenditure_lines.all()), Decimal("0.00"))


def route_for(
    *, total: Decimal, flags: set[str], scheme: Scheme, rules: list[Rule] | None = None
) -> Route:
    """The first rule of the scheme, by priority, that holds for these facts."""
    rules = sorted(rules if rules is not None else scheme.rules.all(), key=lambda r: r.priority)
    for rule in rules:
        citation = f"({scheme.name}, para {rule.paragraph})"
        maker = DecisionMaker(rule.decision_maker).label
        if rule.condition == RuleCondition.FLAG and rule.flag in flags:
            reason = f"To the {maker}: {FLAG_REASONS[rule.flag]} {citation}"
        elif rule.condition == RuleCondition.VALUE_AT_LEAST and total >= rule.threshold:
            reason = (
                f"To the {maker}: total {_pounds(total)} is {_pounds(rule.threshold)} or more "
                f"{citation}"
            )
        elif rule.condition == RuleCondition.OTHERWISE:
            reason = f"To the {maker}: total {_pounds(total)}, under delegation {citation}"
        else:
            continue
        return Route(decision_maker=rule.decision_maker, rule=rule, reason=reason)
    raise NoRuleApplies(f"No rule of {scheme} applies to this record.")


def route_decision(*, decision: Decision, scheme: Scheme, rules: list[Rule] | None = None) -> Route:
    """The route of a record under a scheme, from its money lines and its flags."""
    flags = {
        flag
        for flag, on in [
            (RuleFlag.RESERVED_TO_MAYOR, decision.reserved_to_mayor),
            (RuleFlag.SIGNIFICANT_PUBLIC_INTEREST, decision.significant_public_interest),
        ]
        if on
    }
    return route_for(total=decision_total_value(decision), flags=flags, scheme=scheme, rules=rules)
