from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SignOff


@admin.register(SignOff)
class SignOffAdmin(SimpleHistoryAdmin):
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
    readonly_fields = ["content_hash"]
