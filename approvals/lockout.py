"""Wrong signing passwords count towards the same lockout as wrong sign-in passwords.

A signature asks for the signer's password again, so the signing page could be
used to guess it from a session left open. Each wrong signing password is
reported to django-axes as a failed sign-in for that username from that
address; after AXES_FAILURE_LIMIT of them (sign-in and signing together) both
signing and signing in are refused for AXES_COOLOFF_TIME, or until an
administrator removes the access attempts in the admin (or runs
`manage.py axes_reset_username USERNAME`). The address is the client's
(accounts.client_ip), so wrong passwords typed elsewhere for someone's username
do not stop them signing.
"""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def _duration(delta: datetime.timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes % 60:
        return f"{minutes} minutes" if minutes != 1 else "a minute"
    hours = minutes // 60
    return "an hour" if hours == 1 else f"{hours} hours"


def locked_message(request=None) -> str:
    """What a locked signer is told: the lock's length, not the time left, which
    axes does not give."""
    cool_off = get_cool_off(request)
    until = f"Try again within {_duration(cool_off)}, or ask" if cool_off else "Ask"
    return (
        "There were too many wrong passwords, so signing and signing in are locked for "
        f"this account from this address. {until} an administrator to unlock it"
    )


def signing_locked(request) -> bool:
    """Is the signed-in user locked out, from this address, by wrong passwords?

    Call inside transaction.atomic(), around the signature and the counting of a
    wrong password (record_wrong_password) too: the user's row is locked first, until
    that transaction ends, so one person's signing attempts sent at once are checked
    and counted one after another, and cannot all pass the check before the failures
    are counted. (On SQLite the IMMEDIATE transaction runs them one at a time anyway.)

    The lock is FOR NO KEY UPDATE, the first lock of every signing transaction (the
    order is in decisions.locking): it queues the same user's attempts, but does not
    conflict with the FOR KEY SHARE that another transaction's foreign-key checks take
    on the user's row when it writes a row naming this user (a history row, an Action)
    while holding a record's row. FOR UPDATE did, and closed a cycle: finding B.
    """
    User = get_user_model()
    list(User.objects.select_for_update(no_key=True).filter(pk=request.user.pk).values_list("pk"))
    if not settings.AXES_ENABLED:
        return False
    return AxesProxyHandler.is_locked(request, _credentials(request.user))


def record_wrong_password(request) -> bool:
    """Count a wrong signing password; whether the account is now locked.

    axes marks the request as locked out when this failure reaches the limit,
    and its middleware would then replace the page with the sign-in lockout
    page. The signing page tells the user itself, keeping the form, so the mark
    is taken off once read.
    """
    user_login_failed.send(sender=__name__, credentials=_credentials(request.user), request=request)
    locked = bool(getattr(request, "axes_locked_out", False))
    request.axes_locked_out = False
    return locked
