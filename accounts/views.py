from django.contrib.auth import views as auth_views
from django.db import transaction

from core.views import HTTP_METHODS

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    """Django's login, answering a wrong username or password with 400, not 200, and
    any method but GET, HEAD, POST and OPTIONS with 405 (LoginView would take a PUT as
    a POST)."""

    form_class = SignInForm
    http_method_names = HTTP_METHODS

    def form_valid(self, form):
        # The sign-in's writes (the user's last sign-in and its history row, the new
        # session) together: there is no transaction per request. The password was
        # checked, and a wrong one counted, in the form's own transaction, holding the
        # account's row (accounts.forms.OneAttemptAtATimeMixin).
        with transaction.atomic():
            return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
