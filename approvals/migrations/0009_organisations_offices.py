"""Schemes belong to a body; a rule names one of its offices (decisions 0013)."""

import django.db.models.deletion
from django.db import migrations, models


def schemes_of_the_policing_office(apps, schema_editor):
    Organisation = apps.get_model("decisions", "Organisation")
    Office = apps.get_model("decisions", "Office")
    Scheme = apps.get_model("approvals", "Scheme")
    Rule = apps.get_model("approvals", "Rule")
    organisation = Organisation.objects.get(slug="mopac")
    Scheme.objects.filter(organisation__isnull=True).update(organisation=organisation)
    apps.get_model("approvals", "HistoricalScheme").objects.filter(
        organisation__isnull=True
    ).update(organisation=organisation)
    for office in Office.objects.filter(organisation=organisation):
        Rule.objects.filter(decision_maker_code=office.code).update(decision_maker=office)
        apps.get_model("approvals", "HistoricalRule").objects.filter(
            decision_maker_code=office.code
        ).update(decision_maker=office)


# The default scheme (0003) as it is now, for a database without it (tests after a flush).
def install_default_scheme(apps, schema_editor):
    from importlib import import_module

    Scheme = apps.get_model("approvals", "Scheme")
    Rule = apps.get_model("approvals", "Rule")
    Office = apps.get_model("decisions", "Office")
    Organisation = apps.get_model("decisions", "Organisation")
    default = import_module("approvals.migrations.0003_default_scheme")
    organisation = Organisation.objects.get(slug="mopac")
    scheme, created = Scheme.objects.get_or_create(
        organisation=organisation,
        name="Scheme of Delegation and Consent",
        version="2021",
        defaults={"effective_from": default.datetime.date(2021, 1, 1)},
    )
    if created:
        for priority, paragraph, maker, condition, threshold, flag, description in default.RULES:
            Rule.objects.create(
                scheme=scheme,
                priority=priority,
                paragraph=paragraph,
                decision_maker=Office.objects.get(organisation=organisation, code=maker),
                condition=condition,
                threshold=threshold,
                flag=flag,
                description=description,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0008_notification"),
        ("decisions", "0013_organisations_offices"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="rule",
            name="rule_maker_valid",
        ),
        migrations.RemoveConstraint(
            model_name="scheme",
            name="scheme_version_once",
        ),
        migrations.AddField(
            model_name="historicalscheme",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="decisions.organisation",
            ),
        ),
        migrations.AddField(
            model_name="scheme",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="schemes",
                to="decisions.organisation",
            ),
        ),
        migrations.RenameField("rule", "decision_maker", "decision_maker_code"),
        migrations.RenameField("historicalrule", "decision_maker", "decision_maker_code"),
        migrations.AddField(
            model_name="historicalrule",
            name="decision_maker",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="decisions.office",
            ),
        ),
        migrations.AddField(
            model_name="rule",
            name="decision_maker",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rules",
                to="decisions.office",
            ),
        ),
        migrations.RunPython(schemes_of_the_policing_office, migrations.RunPython.noop),
        migrations.RemoveField("rule", "decision_maker_code"),
        migrations.RemoveField("historicalrule", "decision_maker_code"),
        migrations.AlterField(
            model_name="rule",
            name="decision_maker",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rules",
                to="decisions.office",
            ),
        ),
        migrations.AlterField(
            model_name="scheme",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="schemes",
                to="decisions.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="scheme",
            constraint=models.UniqueConstraint(
                fields=("organisation", "name", "version"),
                name="scheme_version_once",
                violation_error_message="The body already has this version of this scheme",
            ),
        ),
    ]
