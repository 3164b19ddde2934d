"""The admin site: Django's, with its password pages held to the sign-in lockout.

Imported when admin.site is first used (config.apps.AdminConfig), after the apps
are loaded.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.forms import AdminSignInForm
from approvals.lockout import locked_message, record_wrong_password, signing_locked


class LockoutPasswordChangeForm(AdminPasswordChangeForm):
    """The old password is checked like a signing password (approvals.lockout): each
    wrong one counts towards the sign-in lockout, and a locked account cannot change
    its password here, even with the right one."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.locked = False

    def clean_old_password(self):
        error = None
        # The failure is counted inside the block and the error raised after it: an
        # exception inside would roll the count back.
        with transaction.atomic():
            if signing_locked(self.request):
                self.locked = True
            else:
                try:
                    return super().clean_old_password()
                except ValidationError as wrong:
                    error = wrong
                    self.locked = record_wrong_password(self.request)
        if self.locked:
            raise ValidationError(locked_message(self.request), code="locked")
        raise error


class LockoutPasswordChangeView(PasswordChangeView):
    form_class = LockoutPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        # The new password, its history row and the session's new hash together.
        with transaction.atomic():
            return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response


# The admin's pages answer these; any other method is refused with 405 and an Allow
# header before the sign-in check (Django's admin views would show the page to a PUT).
ADMIN_METHODS = ["GET", "HEAD", "POST"]
only_admin_methods = require_http_methods(ADMIN_METHODS)


class AdminSite(admin.AdminSite):
    login_form = AdminSignInForm

    def admin_view(self, view, cacheable=False):
        return only_admin_methods(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        return only_admin_methods(super().login)(request, extra_context)

    def password_change(self, request, extra_context=None):
        request.current_app = self.name
        defaults = {
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        return LockoutPasswordChangeView.as_view(**defaults)(request)
