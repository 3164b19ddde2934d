"""What django-axes counts and keeps about a failed sign-in.

Two limits, either of which locks: AXES_FAILURE_LIMIT wrong passwords for one
username from one address (the AXES_LOCKOUT_PARAMETERS), and
AXES_ADDRESS_FAILURE_LIMIT wrong passwords from one address over every username,
so that an address cannot try a few passwords on each of many accounts. axes has
one limit for all its lockout parameters, hence the handler below.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum


def attempt_username(request, credentials: dict | None = None) -> str | None:
    """The username axes records (AXES_USERNAME_CALLABLE): the one typed, cut to the
    longest an account may have, so a 100,000-character one is neither stored whole
    nor too long for axes' column."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    User = get_user_model()
    return username[: User._meta.get_field(User.USERNAME_FIELD).max_length]


class AttemptsHandler(AxesDatabaseHandler):
    """axes' database handler, also locking an address that reached
    AXES_ADDRESS_FAILURE_LIMIT wrong passwords over all usernames."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        # axes locks when the count reaches its limit: an address over its own
        # limit counts as reaching it.
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def address_failures(request) -> int:
    """Wrong passwords from the request's address, for any username, within the
    cool-off time."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
