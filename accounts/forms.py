from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class UsernameLengthMixin:
    """Refuse a username longer than any account's before it is looked up.

    AuthenticationForm gives its field the model's max_length only after the field
    is made, so the length is never checked: an overlong username reached
    authenticate() and django-axes, which failed to store it on PostgreSQL (a 500)
    and stored it whole on SQLite.
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.username_field.max_length
        if limit and len(username) > limit:
            raise forms.ValidationError(
                f"Username must be {limit} characters or fewer", code="max_length"
            )
        return username


class SignInForm(UsernameLengthMixin, AuthenticationForm):
    pass


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass
