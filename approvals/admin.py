from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.forms import OneLineAdminMixin
from decisions.admin import ReadOnlyAdmin
from decisions.models import Decision

from .models import Action, ApprovalCycle, Rule, Scheme, SignOff


def scheme_has_routed(scheme: Scheme | None) -> bool:
    """Whether any record cites a rule of this scheme (asked once per scheme object:
    the admin asks for each permission of the page)."""
    if scheme is None:
        return False
    if not hasattr(scheme, "_has_routed"):
        scheme._has_routed = Decision.objects.filter(route_rule__scheme=scheme).exists()
    return scheme._has_routed


class RuleInline(OneLineAdminMixin, admin.TabularInline):
    model = Rule
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


@admin.register(Scheme)
class SchemeAdmin(OneLineAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "version", "effective_from", "effective_until"]
    inlines = [RuleInline]

    def get_readonly_fields(self, request, obj=None):
        if scheme_has_routed(obj):
            # Only its end date may still be set, to hand over to a new version.
            return ["name", "version", "effective_from", "notes"]
        return []


@admin.register(ApprovalCycle)
class ApprovalCycleAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["decision", "opened_at", "closed_at", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["decision__series"]


# The action log is written by the workflow only.
@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["decision", "verb", "actor", "role", "at"]
    list_filter = ["verb", "role"]
    list_select_related = ["decision__series", "actor"]


# Sign-offs are made in the browser by their signers, never here.
@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
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
