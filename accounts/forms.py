from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.db import transaction

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


class OneAttemptAtATimeMixin:
    """One username's sign-in attempts are checked one after another.

    The lockout check, the password check and the counting of a wrong password
    (django-axes, inside authenticate()) run in one transaction that first locks the
    named account's row, FOR NO KEY UPDATE, as the signing steps lock the signer's
    (approvals.lockout.signing_locked; the lock order is decisions.locking). Without
    it, attempts sent at once all passed the lockout check before any failure was
    counted, and fifteen wrong passwords and the right one sent together signed in.

    The account is found as authentication finds it (the USERNAME_FIELD, matched
    exactly). A username that names no account has nothing to protect: no lock and
    no transaction of its own (on SQLite a transaction takes the database's write
    lock), while axes still counts the failure.

    The form's refusal is raised after the transaction ends: raised inside, it would
    roll the failure's count back. Signing in itself (the session, the last sign-in)
    commits afterwards, in the view's transaction; the password was checked while
    the account was under the limit.
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        User = get_user_model()
        account = User._default_manager.filter(**{User.USERNAME_FIELD: username})
        if not account.exists():
            return super().clean()
        refusal = None
        with transaction.atomic():
            list(account.select_for_update(no_key=True).values_list("pk"))
            try:
                super().clean()
            except ValidationError as refused:
                refusal = refused
        if refusal is not None:
            raise refusal
        return self.cleaned_data


def username_field() -> UsernameField:
    """AuthenticationForm's username field, refusing control characters."""
    field = UsernameField(widget=forms.TextInput(attrs={"autofocus": True}))
    return refuse_control_characters_in(field)


class SignInForm(UsernameLengthMixin, OneAttemptAtATimeMixin, AuthenticationForm):
    username = username_field()


class AdminSignInForm(UsernameLengthMixin, OneAttemptAtATimeMixin, AdminAuthenticationForm):
    username = username_field()
