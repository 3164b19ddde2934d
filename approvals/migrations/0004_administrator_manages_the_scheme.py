from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "add_scheme",
    "change_scheme",
    "view_scheme",
    "add_rule",
    "change_rule",
    "delete_rule",
    "view_rule",
    "view_approvalcycle",
    "view_action",
]


def grant(apps, schema_editor):
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
    group, _ = Group.objects.get_or_create(name="Administrator")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="approvals", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="approvals", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_default_scheme"),
        ("decisions", "0003_routing"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
