"""The default scheme of delegation (../shared/DESIGN.md, "Routing"), editable afterwards.

Only paragraph 4.8 (£500,000 and above to the DMPC) is taken from a published
record (PCD 1069); the other paragraph numbers are placeholders for the
administrator to correct against the body's own scheme.
"""

import datetime
from decimal import Decimal

from django.db import migrations

RULES = [
    # (priority, paragraph, decision maker, condition, threshold, flag, description)
    (
        10,
        "1.1",
        "mayor",
        "flag",
        None,
        "reserved_to_mayor",
        "Reserved to the Mayor: issuing the police and crime plan; appointing or removing the "
        "most senior officers",
    ),
    (
        20,
        "4.9",
        "dmpc",
        "flag",
        None,
        "significant_public_interest",
        "Of significant public interest, contentious or novel, whatever its value",
    ),
    (
        30,
        "4.8",
        "dmpc",
        "value_at_least",
        Decimal("500000.00"),
        "",
        "Expenditure (capital plus revenue, all years) of £500,000 and above",
    ),
    (
        100,
        "4.13",
        "chief_executive",
        "otherwise",
        None,
        "",
        "Everything else, under delegation to the Chief Executive",
    ),
]


def install(apps, schema_editor):
    Scheme = apps.get_model("approvals", "Scheme")
    Rule = apps.get_model("approvals", "Rule")
    scheme, created = Scheme.objects.get_or_create(
        name="Scheme of Delegation and Consent",
        version="2021",
        defaults={
            "effective_from": datetime.date(2021, 1, 1),
            "notes": "Installed by the application. Check each paragraph number against the "
            "body's published scheme; only paragraph 4.8 is confirmed (PCD 1069).",
        },
    )
    if created:
        for priority, paragraph, maker, condition, threshold, flag, description in RULES:
            Rule.objects.create(
                scheme=scheme,
                priority=priority,
                paragraph=paragraph,
                decision_maker=maker,
                condition=condition,
                threshold=threshold,
                flag=flag,
                description=description,
            )


def uninstall(apps, schema_editor):
    apps.get_model("approvals", "Scheme").objects.filter(
        name="Scheme of Delegation and Consent", version="2021"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_scheme_cycles_actions")]

    operations = [migrations.RunPython(install, uninstall)]
