from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group

from accounts.admin import UserAdmin
from accounts.models import User
from core.admin import HistoryAdmin
from core.forms import OneLineAdminMixin
from decisions.admin import ReadOnlyAdmin
from decisions.models import Decision, Office

from .models import Action, ApprovalCycle, Rule, RuleCondition, Scheme, SignOff
from .policies import may_grant_signing
from .selectors import account_can_sign, group_grants_signing, signing_groups, signing_permissions


def scheme_has_routed(scheme: Scheme | None) -> bool:
    """Whether any record cites a rule of this scheme (asked once per scheme object:
    the admin asks for each permission of the page)."""
    if scheme is None:
        return False
    if not hasattr(scheme, "_has_routed"):
        scheme._has_routed = Decision.objects.filter(route_rule__scheme=scheme).exists()
    return scheme._has_routed


class RuleFormSet(forms.BaseInlineFormSet):
    """A scheme routes every record: some rule must hold whatever the value and flags."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if any(form.errors for form in self.forms):
            return
        catches_all = any(
            data.get("condition") == RuleCondition.OTHERWISE
            or (
                data.get("condition") == RuleCondition.VALUE_AT_LEAST
                and data.get("threshold") is not None
                and data["threshold"] <= 0
            )
            for data in kept
        )
        if not catches_all:
            raise forms.ValidationError(
                'Some records would have no decision maker: add an "Anything else" rule '
                "(or a value rule from £0) so that every value is routed."
            )


class RuleInline(OneLineAdminMixin, admin.TabularInline):
    model = Rule
    formset = RuleFormSet
    extra = 1
    fields = [
        "priority",
        "paragraph",
        "decision_maker",
        "condition",
        "threshold",
        "flag",
        "description",
    ]

    # A scheme that has routed a record is kept as it was: records cite its rules.
    # Changes go into a new version of the scheme.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not scheme_has_routed(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not scheme_has_routed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not scheme_has_routed(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "decision_maker":
            field.queryset = field.queryset.select_related("organisation")
            field.label_from_instance = lambda office: (
                f"{office.title} ({office.organisation.short_name})"
            )
        return field


@admin.register(Scheme)
class SchemeAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["name", "organisation", "version", "effective_from", "effective_until"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    inlines = [RuleInline]

    def get_readonly_fields(self, request, obj=None):
        if scheme_has_routed(obj):
            # Only its end date may still be set, to hand over to a new version.
            return ["organisation", "name", "version", "effective_from", "notes"]
        return []


# Offices: who holds one (its group) decides who signs, so only a superuser sets them up
# or changes them; administrators see them.
@admin.register(Office)
class OfficeAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["title", "short_title", "organisation", "code", "group", "rank", "statement_by"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "group", "statement_by"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and may_grant_signing(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Records routed to it were signed as it reads: its names and wording stay.
        if obj is not None and obj.pk and obj.decisions.filter(submitted_at__isnull=False).exists():
            return [
                "organisation",
                "code",
                "title",
                "short_title",
                "statement_heading",
                "statement_wording",
                "declaration",
                "approval_statement",
                "refusal_statement",
            ]
        return []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_grant_signing(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_grant_signing(request.user)


@admin.register(ApprovalCycle)
class ApprovalCycleAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "opened_at", "closed_at", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["decision__series"]


# The action log is written by the workflow only.
@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "verb", "actor", "role", "at"]
    list_filter = ["verb", "role"]
    list_select_related = ["decision__series", "actor"]


# Sign-offs are made in the browser by their signers, never here.
@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = [
        "decision",
        "kind",
        "role",
        "name_as_signed",
        "outcome",
        "signed_at",
        "voided_at",
    ]
    list_filter = ["kind", "role", "outcome"]
    list_select_related = ["decision__series", "user"]


# Who may sign is given by a superuser only, whichever admin form is used: a signing
# permission (decide, the Chief Executive's statement, a clearance line) cannot be
# added to a group, nor a person put in a group that holds one, by an administrator;
# the groups and accounts that hold one are theirs to view, not to change (changing
# a signer's password or email would be signing in their place). User.user_permissions
# and is_superuser are already kept from administrators by accounts.admin.UserAdmin.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(auth_admin.GroupAdmin):
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions" and not may_grant_signing(request.user):
            field.queryset = field.queryset.exclude(pk__in=signing_permissions())
        return field

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def _may_touch(self, request, group):
        return group is None or may_grant_signing(request.user) or not group_grants_signing(group)


admin.site.unregister(User)


@admin.register(User)
class SigningUserAdmin(UserAdmin):
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and not may_grant_signing(request.user):
            field.queryset = field.queryset.exclude(pk__in=signing_groups())
        return field

    # Also guards the password form (/admin/accounts/user/<id>/password/).
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def _may_touch(self, request, user):
        return user is None or may_grant_signing(request.user) or not account_can_sign(user)
