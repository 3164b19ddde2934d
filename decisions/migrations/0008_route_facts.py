"""The route as facts: the total it was taken on, whether a confidential amount counted
in it, and the flags set, beside the rule already kept.

Filled in for records routed before, from what was frozen then: the total is read
from the sentence that was stored (the figure the route was taken on); a flag route
did not state it, so it is summed from the money lines if the record has not gone
back to draft since (its lines cannot have changed), and left unknown otherwise.
"A confidential amount counted" is set as the pages decided it until now: if any
money line of the record is, or ever was, confidential. The stored sentences (the
record's, its versions' and the action log's) then lose such a total, as the pages
used to take it out when showing them. Reading the old sentence needs a pattern,
here only, once.
"""

import re
from decimal import Decimal

from django.db import migrations, models

TOTAL = re.compile(r"total £([\d,]+\.\d{2})")
CONFIDENTIAL_TOTAL = "the total (which includes a confidential amount)"
FLAGS = ["reserved_to_mayor", "significant_public_interest"]


def _frozen_total(reason: str) -> Decimal | None:
    found = TOTAL.search(reason)
    return Decimal(found.group(1).replace(",", "")) if found else None


def _fill(row, *, rule, confidential: bool, lines_total: Decimal | None) -> None:
    row.route_total = _frozen_total(row.route_reason)
    if row.route_total is None and row.status != "draft":
        row.route_total = lines_total
    row.route_total_confidential = confidential
    if row.status != "draft":
        row.route_flags = [flag for flag in FLAGS if getattr(row, flag)]
    else:
        # Back in draft, the flags may have changed since: only the rule's is known.
        row.route_flags = [rule.flag] if rule is not None and rule.condition == "flag" else []
    if confidential:
        row.route_reason = TOTAL.sub(CONFIDENTIAL_TOTAL, row.route_reason)


def fill_route_facts(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    HistoricalDecision = apps.get_model("decisions", "HistoricalDecision")
    ExpenditureLine = apps.get_model("decisions", "ExpenditureLine")
    HistoricalExpenditureLine = apps.get_model("decisions", "HistoricalExpenditureLine")
    Rule = apps.get_model("approvals", "Rule")
    Action = apps.get_model("approvals", "Action")
    HistoricalAction = apps.get_model("approvals", "HistoricalAction")

    confidential = set(
        HistoricalExpenditureLine.objects.filter(is_confidential=True).values_list(
            "decision_id", flat=True
        )
    ) | set(
        ExpenditureLine.objects.filter(is_confidential=True).values_list("decision_id", flat=True)
    )
    rules = Rule.objects.in_bulk()
    fields = ["route_total", "route_total_confidential", "route_flags", "route_reason"]
    # Only rows without facts yet: running it again changes nothing.
    routed = Decision.objects.filter(route_total__isnull=True).exclude(
        route_rule__isnull=True, route_reason=""
    )
    for decision in routed.iterator():
        lines_total = sum(
            (line.amount for line in ExpenditureLine.objects.filter(decision_id=decision.pk)),
            Decimal("0.00"),
        )
        _fill(
            decision,
            rule=rules.get(decision.route_rule_id),
            confidential=decision.pk in confidential,
            lines_total=lines_total,
        )
        decision.save(update_fields=fields)
    versions = HistoricalDecision.objects.filter(route_total__isnull=True).exclude(
        route_rule_id__isnull=True, route_reason=""
    )
    for version in versions.iterator():
        _fill(
            version,
            rule=rules.get(version.route_rule_id),
            confidential=version.id in confidential,
            lines_total=None,
        )
        version.save(update_fields=fields)
    for model in (Action, HistoricalAction):
        for action in model.objects.filter(decision_id__in=confidential).exclude(rule=""):
            hidden = TOTAL.sub(CONFIDENTIAL_TOTAL, action.rule)
            if hidden != action.rule:
                action.rule = hidden
                action.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_search_vector"),
        # The action log, whose sentences lose a confidential total too.
        ("approvals", "0006_action_actor_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="route_flags",
            field=models.JSONField(blank=True, default=list, verbose_name="Flags set when routed"),
        ),
        migrations.AddField(
            model_name="decision",
            name="route_total",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True),
        ),
        migrations.AddField(
            model_name="decision",
            name="route_total_confidential",
            field=models.BooleanField(
                default=False, verbose_name="A confidential amount counted in the route's total"
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="route_flags",
            field=models.JSONField(blank=True, default=list, verbose_name="Flags set when routed"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="route_total",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="route_total_confidential",
            field=models.BooleanField(
                default=False, verbose_name="A confidential amount counted in the route's total"
            ),
        ),
        migrations.RunPython(fill_route_facts, migrations.RunPython.noop),
    ]
