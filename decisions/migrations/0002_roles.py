"""The roles as Groups with their permissions.

A migration keeps its own copy of the table (not core.roles), so that it
means the same thing whenever it runs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = ["decisions.view_decision", "decisions.view_parttwo"]

ROLES: dict[str, list[str]] = {
    "Drafting officer": ["decisions.view_decision", "decisions.draft_decision"],
    "Finance": [*REVIEWER, "decisions.clear_financial"],
    "Legal": [*REVIEWER, "decisions.clear_legal"],
    "Equalities": [*REVIEWER, "decisions.clear_equalities"],
    "Commercial": [*REVIEWER, "decisions.clear_commercial"],
    "Information rights": [*REVIEWER, "decisions.clear_privacy"],
    "Director / Head of Service": [*REVIEWER, "decisions.clear_director"],
    "Chief Executive": [
        *REVIEWER,
        "decisions.sign_chief_executive",
        "decisions.decide_chief_executive",
    ],
    "DMPC": [*REVIEWER, "decisions.decide_dmpc"],
    "Mayor": [*REVIEWER, "decisions.decide_mayor"],
    "Administrator": [
        *REVIEWER,
        "decisions.withdraw_decision",
        "decisions.edit_any_draft",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.view_group",
        "auth.change_group",
        "decisions.add_referenceseries",
        "decisions.change_referenceseries",
        "decisions.view_referenceseries",
        "decisions.add_formtype",
        "decisions.change_formtype",
        "decisions.view_formtype",
        "decisions.view_recommendation",
        "decisions.view_expenditureline",
        "decisions.view_supportingreport",
        "decisions.view_backgroundpaper",
        "decisions.view_declarationline",
        "approvals.view_signoff",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        # Migration state has no models module; create_permissions skips apps without one.
        stateless = getattr(app_config, "models_module", None) is None
        if stateless:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stateless:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            # filter, not get: run again on today's models (tests after a flush), the
            # three deciding permissions are gone (decisions 0013 made them one).
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
        ("accounts", "0001_initial"),
        ("approvals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
