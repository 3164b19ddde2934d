from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.shortcuts import redirect

from core.admin import HistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(HistoryAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]

    # Administrators give roles (groups) to others. Only a superuser makes superusers
    # or grants single permissions, and nobody changes their own roles here. The
    # signing roles, and the accounts that hold them, are a superuser's alone: see
    # approvals.admin, which registers this class's subclass.
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            readonly += ["groups", "is_staff", "is_active"]
        return readonly

    # One's own password is changed on the admin's password page, which asks for the
    # old one and counts wrong ones (config.admin): this form, which does not, would
    # let anyone at a session left open take the account.
    def user_change_password(self, request, id, form_url=""):
        if unquote(id) == str(request.user.pk):
            return redirect("admin:password_change")
        # The password, its history row and the admin's log entry together (there is
        # no transaction per request).
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)
