from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UsernameField

from core.forms import refuse_control_characters_in


class UsernameLengthMixin:
    """Refuse a username longer than any account's before it is looked up.

    AuthenticationForm gives its field the model's max_length only after the field
    is made, so the length is never checked: an overlong username reached
    authenticate() and django-axes, which failed to store it on PostgreSQL (a 500)
    and stored it whole on SQLite.
    A username is one line too: control characters are refused as on every other
    one-line field.
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.username_field.max_length
        if limit and len(username) > limit:
            raise forms.ValidationError(
                f"Username must be {limit} characters or fewer", code="max_length"
            )
        return username


def username_field() -> UsernameField:
    """AuthenticationForm's username field, refusing control characters."""
    field = UsernameField(widget=forms.TextInput(attrs={"autofocus": True}))
    return refuse_control_characters_in(field)


class SignInForm(UsernameLengthMixin, AuthenticationForm):
    username = username_field()


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    username = username_field()
