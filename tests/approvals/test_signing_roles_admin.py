"""Finding A: who may sign is given by a superuser only, through any admin form.

An administrator (the Administrator group's real permissions, as the demo "admin"
has them) could give their own group the DMPC's permission on the group page and
then approve a record as the DMPC.
"""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from approvals.policies import SIGNING_PERMISSIONS
from approvals.selectors import account_can_sign, signing_groups, signing_permissions
from core.roles import ROLE_GROUP_NAMES, Role
from tests.factories import DecisionFactory, FormTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin", is_staff=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def group(role: Role) -> Group:
    return Group.objects.get(name=ROLE_GROUP_NAMES[role])


def pks(queryset) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def who_can_sign() -> dict:
    """Everything that says who may sign: each group's signing permissions, each
    account's groups and single permissions, and who is a superuser."""
    signing = signing_permissions()
    return {
        "groups": {
            g.name: sorted(g.permissions.filter(pk__in=signing).values_list("codename", flat=True))
            for g in Group.objects.all()
        },
        "users": {
            u.username: (
                u.is_superuser,
                sorted(u.groups.values_list("name", flat=True)),
                sorted(u.user_permissions.values_list("codename", flat=True)),
            )
            for u in User.objects.all()
        },
        "signers": sorted(u.username for u in User.objects.all() if account_can_sign(u)),
    }


def value_for_post(value) -> str | list[str] | None:
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def page_form(response):
    """The admin form on the page, if there is one (the password page calls it adminForm)."""
    if response.status_code != 200 or response.context is None:
        return None
    adminform = response.context.get("adminform") or response.context.get("adminForm")
    return adminform.form if adminform is not None else None


def form_data(response) -> dict:
    """What the page's form would send unchanged: each field's value, and each
    inline formset's forms with their management form."""
    every_form = [page_form(response)]
    for inline in response.context.get("inline_admin_formsets", []):
        every_form += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in every_form:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, forms.MultiWidget):
                parts = field.widget.decompress(value)
                named = {f"{form.add_prefix(name)}_{i}": part for i, part in enumerate(parts)}
            else:
                named = {form.add_prefix(name): value}
            for key, part in named.items():
                if value_for_post(part) is not None:
                    data[key] = value_for_post(part)
    return data


def escalation(data: dict) -> dict:
    """The form's data with every way of granting a signing permission added."""
    permissions = pks(signing_permissions())
    groups = pks(signing_groups())

    def more(name, extra):
        current = data.get(name, [])
        return [*(current if isinstance(current, list) else [current]), *extra]

    return {
        **data,
        "permissions": more("permissions", permissions),
        "user_permissions": more("user_permissions", permissions),
        "groups": more("groups", groups),
        "is_superuser": "on",
    }


def admin_url(model: type[Model], view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def every_kind_of_object(administrator, make_user, dmpc):
    """At least one object of each model that the admin lists, where it is cheap."""
    make_user(username="plain")
    make_user(username="demoted")
    # Once a superuser: its history holds is_superuser=True.
    demoted = User.objects.get(username="demoted")
    demoted.is_superuser = True
    demoted.save()
    demoted.is_superuser = False
    demoted.save()
    make_user(username="root", is_superuser=True, is_staff=True)
    inactive_dmpc = make_user(Role.DMPC, username="formerdmpc")
    inactive_dmpc.is_active = False
    inactive_dmpc.save()
    FormTypeFactory()
    DecisionFactory()


def test_finding_a_an_administrator_cannot_give_their_group_the_dmpc_permission(
    admin_client, administrator
):
    administrators = group(Role.ADMINISTRATOR)
    url = reverse("admin:auth_group_change", args=[administrators.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    # The signing permissions are not offered…
    offered = set(page.context["adminform"].form.fields["permissions"].queryset)
    assert not offered & set(signing_permissions())
    assert Permission.objects.get(codename="view_decision") in offered

    # …and not taken when sent all the same.
    decide_dmpc = Permission.objects.get(codename="take_decisions")
    data = {**form_data(page), "permissions": [*form_data(page)["permissions"], decide_dmpc.pk]}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not administrators.permissions.filter(pk=decide_dmpc.pk).exists()
    assert not User.objects.get(pk=administrator.pk).has_perm("decisions.take_decisions")


def test_finding_a_no_admin_form_grants_a_signing_permission_to_a_non_superuser(
    admin_client, administrator, every_kind_of_object
):
    """Walk every add and change form of every model registered in the admin, and
    each object's history versions and password form, posting each form as it is
    and with every signing permission and signing group added and is_superuser ticked."""
    before = who_can_sign()
    visited = []
    for model in admin.site._registry:
        urls = [admin_url(model, "add")]
        for obj in model._default_manager.all()[:20]:
            urls.append(admin_url(model, "change", obj.pk))
            if model is User:
                urls.append(reverse("admin:auth_user_password_change", args=[obj.pk]))
            if hasattr(obj, "history"):
                for version in obj.history.all()[:3]:
                    urls.append(admin_url(model, "simple_history", obj.pk, version.history_id))
        for url in filter(None, urls):
            page = admin_client.get(url)
            # 302: one's own password page sends one to the old-password form.
            assert page.status_code in (200, 302, 403), (url, page.status_code)
            form = page_form(page)
            if form is None:
                admin_client.post(url, escalation({}))
                assert who_can_sign() == before, url
                continue
            visited.append(url)
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and queryset.model is Permission:
                    assert not set(queryset) & set(signing_permissions()), (url, name)
                if queryset is not None and queryset.model is Group:
                    assert not set(queryset) & set(signing_groups()), (url, name)
            # As it stands (a history version's form is all old values), and with more.
            for data in [form_data(page), escalation(form_data(page))]:
                response = admin_client.post(url, data)
                assert response.status_code in (200, 302, 403), (url, response.status_code)
                assert who_can_sign() == before, url

    assert who_can_sign() == before
    assert not any(User.objects.get(pk=administrator.pk).has_perm(p) for p in SIGNING_PERMISSIONS)
    # The walk reached the pages that matter: groups, accounts, their passwords.
    administrators = group(Role.ADMINISTRATOR)
    plain = User.objects.get(username="plain")
    for url in [
        reverse("admin:auth_group_change", args=[administrators.pk]),
        reverse("admin:accounts_user_change", args=[plain.pk]),
        reverse("admin:auth_user_password_change", args=[plain.pk]),
        reverse("admin:accounts_user_add"),
    ]:
        assert url in visited


def test_finding_a_an_administrator_cannot_put_anyone_in_a_signing_group(
    admin_client, administrator, make_user
):
    plain = make_user(username="plain")
    url = reverse("admin:accounts_user_change", args=[plain.pk])
    page = admin_client.get(url)
    offered = set(page.context["adminform"].form.fields["groups"].queryset)
    assert offered == {group(Role.DRAFTING_OFFICER), group(Role.ADMINISTRATOR)}

    response = admin_client.post(url, {**form_data(page), "groups": [group(Role.DMPC).pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not plain.groups.exists()

    # A role that does not sign is still theirs to give.
    response = admin_client.post(
        url, {**form_data(page), "groups": [group(Role.DRAFTING_OFFICER).pk]}
    )
    assert response.status_code == 302
    assert list(plain.groups.all()) == [group(Role.DRAFTING_OFFICER)]

    # Nor may they change their own roles.
    own = admin_client.get(reverse("admin:accounts_user_change", args=[administrator.pk]))
    assert "groups" not in own.context["adminform"].form.fields


@pytest.mark.parametrize("view", ["change", "password"])
def test_finding_a_a_signer_s_account_is_a_superuser_s_to_change(admin_client, dmpc, view):
    """Setting the DMPC's password, or their email, would be signing in their place."""
    name = "auth_user_password_change" if view == "password" else "accounts_user_change"
    url = reverse(f"admin:{name}", args=[dmpc.pk])
    if view == "change":
        assert admin_client.get(url).status_code == 200  # to view
    response = admin_client.post(
        url, {"username": "dmpc", "password1": "x9!Long-enough", "password2": "x9!Long-enough"}
    )
    assert response.status_code == 403
    dmpc.refresh_from_db()
    assert dmpc.check_password("correct horse battery staple")


def test_finding_a_the_signing_groups_are_a_superuser_s_to_change(admin_client):
    dmpc_group = group(Role.DMPC)
    url = reverse("admin:auth_group_change", args=[dmpc_group.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"name": "Renamed", "permissions": []})
    assert response.status_code == 403
    dmpc_group.refresh_from_db()
    assert dmpc_group.name == "DMPC"
    assert dmpc_group.permissions.filter(codename="take_decisions").exists()


def test_finding_a_an_old_version_is_never_restored(admin_client, make_user):
    """django-simple-history's revert saved every field of the old version, with only
    the view permission: a demoted account became a superuser again."""
    demoted = make_user(username="demoted", is_superuser=True)
    demoted.is_superuser = False
    demoted.save()
    old = demoted.history.filter(is_superuser=True).first()
    url = reverse("admin:accounts_user_simple_history", args=[demoted.pk, old.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    assert admin_client.post(url, form_data(page)).status_code == 403
    demoted.refresh_from_db()
    assert not demoted.is_superuser


def test_a_superuser_still_grants_the_signing_permissions(client, make_user):
    root = make_user(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    administrators = group(Role.ADMINISTRATOR)
    url = reverse("admin:auth_group_change", args=[administrators.pk])
    page = client.get(url)
    decide_dmpc = Permission.objects.get(codename="take_decisions")
    assert decide_dmpc in page.context["adminform"].form.fields["permissions"].queryset
    data = {**form_data(page), "permissions": [*form_data(page)["permissions"], decide_dmpc.pk]}
    assert client.post(url, data).status_code == 302
    assert administrators.permissions.filter(pk=decide_dmpc.pk).exists()

    plain = make_user(username="plain")
    url = reverse("admin:accounts_user_change", args=[plain.pk])
    page = client.get(url)
    response = client.post(url, {**form_data(page), "groups": [group(Role.DMPC).pk]})
    assert response.status_code == 302
    assert User.objects.get(pk=plain.pk).has_perm("decisions.take_decisions")
