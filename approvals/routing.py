"""Routing: which decision maker the scheme of delegation sends a record to, and why.

Pure functions of the record's facts and the scheme's rules: no queries, no
clock. The caller loads the scheme in force (selectors.scheme_in_force) and the
record's money lines.

A route is kept as facts (the rule, the total, whether a confidential amount
counted in it, the flags), never as a sentence: the sentence is composed for
its reader, and the total is put into it only for a reader who may see it.
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from decisions.models import Decision, EscalationFlag, Office

from .models import Rule, RuleCondition, RuleFlag, Scheme

# A flag's words when its body has none of its own (decisions.models.EscalationFlag).
FLAG_REASONS = {
    RuleFlag.RESERVED_TO_MAYOR: "the matter is reserved to the Mayor",
    RuleFlag.SIGNIFICANT_PUBLIC_INTEREST: "the matter is of significant public interest, "
    "contentious or novel",
}
# The total as told to a reader who may not see a confidential amount counted in it.
CONFIDENTIAL_TOTAL = "the total (which includes a confidential amount)"

# The fields of Decision that Route.freeze_on writes.
ROUTE_FIELDS = [
    "decision_maker",
    "route_rule",
    "route_total",
    "route_total_confidential",
    "route_flags",
    "route_reason",
]


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


@dataclass(frozen=True)
class Route:
    """The rule that holds for a record, and the facts it was applied to."""

    rule: Rule
    # None only for a route frozen before the total was kept, under a flag rule
    # (which does not state it).
    total: Decimal | None
    # A confidential (Part 2) amount counted in the total.
    total_confidential: bool = False
    flags: frozenset[str] = frozenset()
    # A flag rule's words, from the body's flag, with the drafter's justification.
    flag_reason: str = ""
    # A frozen route's sentence as written, for a route that states no total: a flag's
    # (its words and justification were data of the day) or a referral's (the office
    # the record was referred to is no longer the rule's).
    sentence: str = ""

    @property
    def decision_maker(self) -> Office:
        return self.rule.decision_maker

    def told_as_confidential(self) -> "Route":
        """The same route, its total counted as confidential (a line made so since)."""
        return dataclasses.replace(self, total_confidential=True)

    def reason_for(self, *, may_see_part_two: bool) -> str:
        """The sentence saying where the record goes and why, for a reader who may (or may
        not) see Part 2: the total is left out when a confidential amount counted in it."""
        if self.sentence:
            return self.sentence
        rule = self.rule
        maker = rule.decision_maker.title
        citation = f"({rule.scheme.name}, para {rule.paragraph})"
        if rule.condition == RuleCondition.FLAG:
            reason = self.flag_reason or FLAG_REASONS[rule.flag]
            return f"To the {maker}: {reason} {citation}"
        if self.total_confidential and not may_see_part_two:
            total = CONFIDENTIAL_TOTAL
        else:
            total = f"total {_pounds(self.total)}"
        if rule.condition == RuleCondition.VALUE_AT_LEAST:
            return f"To the {maker}: {total} is {_pounds(rule.threshold)} or more {citation}"
        return f"To the {maker}: {total}, under delegation {citation}"

    @property
    def reason(self) -> str:
        """The sentence as those who may see Part 2 read it, with the total."""
        return self.reason_for(may_see_part_two=True)

    @property
    def public_reason(self) -> str:
        """The sentence as anyone may read it: what the action log keeps."""
        return self.reason_for(may_see_part_two=False)

    def freeze_on(self, decision: Decision) -> None:
        """Write the route's facts on the record (the fields ROUTE_FIELDS; the caller saves)."""
        decision.decision_maker = self.decision_maker
        decision.route_rule = self.rule
        decision.route_total = self.total
        decision.route_total_confidential = self.total_confidential
        decision.route_flags = sorted(self.flags)
        decision.route_reason = self.public_reason

    @classmethod
    def frozen_on(cls, decision, *, rule: Rule | None = None) -> "Route | None":
        """The route frozen on a record (or on a historical version of it), or None when
        it has none. `rule`: the record's rule, with its scheme, if already loaded."""
        if decision.route_rule_id is None:
            return None
        rule = rule or decision.route_rule
        if decision.route_total is None and rule.condition != RuleCondition.FLAG:
            return None
        referred = decision.decision_maker_id != rule.decision_maker_id
        told = rule.condition == RuleCondition.FLAG or referred
        return cls(
            rule=rule,
            total=decision.route_total,
            total_confidential=decision.route_total_confidential,
            flags=frozenset(decision.route_flags or ()),
            sentence=decision.route_reason if told else "",
        )


class NoRuleApplies(Exception):
    """The scheme has no rule for this record: an administrator must add an "otherwise" rule."""


def decision_total_value(decision: Decision) -> Decimal:
    """Capital plus revenue, every year, confidential lines included (they still route)."""
    return sum((line.amount for line in decision.expenditure_lines.all()), Decimal("0.00"))


def flag_reason(flag: EscalationFlag | None, code: str, justification: str = "") -> str:
    """A flag's words in a route's reason: its body's (else the default), and why."""
    words = flag.reason if flag is not None else FLAG_REASONS.get(code, code)
    justification = justification.strip()
    return f"{words} — {justification}" if justification else words


def route_for(
    *,
    total: Decimal,
    flags: set[str],
    scheme: Scheme,
    rules: list[Rule] | None = None,
    total_confidential: bool = False,
    flag_reasons: dict[str, str] | None = None,
) -> Route:
    """The first rule of the scheme, by priority, that holds for these facts.
    flag_reasons: each flag's words in the reason, by code (else FLAG_REASONS)."""
    rules = sorted(rules if rules is not None else scheme.rules.all(), key=lambda r: r.priority)
    for rule in rules:
        holds = (
            (rule.condition == RuleCondition.FLAG and rule.flag in flags)
            or (rule.condition == RuleCondition.VALUE_AT_LEAST and total >= rule.threshold)
            or rule.condition == RuleCondition.OTHERWISE
        )
        if holds:
            # The rules were read from this scheme: the citation needs no query.
            rule.scheme = scheme
            return Route(
                rule=rule,
                total=total,
                total_confidential=total_confidential,
                flags=frozenset(flags),
                flag_reason=(flag_reasons or {}).get(rule.flag, "")
                if rule.condition == RuleCondition.FLAG
                else "",
            )
    raise NoRuleApplies(f"No rule of {scheme} applies to this record.")


def route_decision(*, decision: Decision, scheme: Scheme, rules: list[Rule] | None = None) -> Route:
    """The route of a record under a scheme, from its money lines and its flags, a flag's
    reason worded by the scheme's body with the drafter's justification. Costs a query for
    the body's flags unless prefetched (selectors.scheme_in_force)."""
    flags = {
        flag
        for flag, on in [
            (RuleFlag.RESERVED_TO_MAYOR, decision.reserved_to_mayor),
            (RuleFlag.SIGNIFICANT_PUBLIC_INTEREST, decision.significant_public_interest),
        ]
        if on
    }
    wording = {flag.code: flag for flag in scheme.organisation.escalation_flags.all()}
    justifications = decision.flag_justifications or {}
    lines = decision.expenditure_lines.all()
    return route_for(
        flag_reasons={
            code: flag_reason(wording.get(code), code, justifications.get(code, ""))
            for code in flags
        },
        total=decision_total_value(decision),
        flags=flags,
        scheme=scheme,
        rules=rules,
        total_confidential=any(line.is_confidential for line in lines),
    )
