"""Wrong signing passwords count towards the same lockout as wrong sign-in passwords.

A signature asks for the signer's password again, so the signing page could be
used to guess it from a session left open. Each wrong signing password is
reported to django-axes as a failed sign-in for that username from that
address; after AXES_FAILURE_LIMIT of them (sign-in and signing together) both
signing and signing in are refused for AXES_COOLOFF_TIME hours, or until an
administrator removes the access attempts in the admin (or runs
`manage.py axes_reset_username USERNAME`).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def locked_message() -> str:
    hours = settings.AXES_COOLOFF_TIME
    wait = "an hour" if hours == 1 else f"{hours:g} hours"
    return (
        "There were too many wrong passwords, so signing and signing in are locked for "
        f"this account. Try again in {wait}, or ask an administrator to unlock it"
    )


def signing_locked(request) -> bool:
    """Is the signed-in user locked out, from this address, by wrong passwords?"""
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
