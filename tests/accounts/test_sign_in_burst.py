"""One username's sign-in attempts sent at once are checked one after another.

Each attempt runs in its own thread and request, with a real PBKDF2 hash, so that
the password checks overlap unless something queues them. Before the fix, every
attempt passed the lockout check before any failure was counted: fifteen wrong
passwords and the right one, sent together, were all checked and the right one
signed in.

The property asserted does not depend on the order the threads happen to run in:
the password checks, in the order they were made, are never more than
AXES_FAILURE_LIMIT wrong ones, and the right one signs in only if it was checked
before the limit was reached; every attempt after that is refused unchecked.
"""

import threading

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse

from core.roles import Role
from tests.factories import PASSWORD
from tests.threads import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data", "not_in_memory"),
]

LIMIT = 5
ADDRESS = "10.0.0.9"


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 hasher, noting each password it checks and whether it was
    right. Fewer iterations than production's, to keep the test short; each check
    still takes far longer than the lockout check before it, so unqueued attempts
    overlap."""

    iterations = 100_000
    checks: list[bool] = []
    noting = threading.Lock()

    def verify(self, password, encoded):
        right = super().verify(password, encoded)
        with self.noting:
            self.checks.append(right)
        return right


HASHER = f"{__name__}.{CountingPBKDF2PasswordHasher.__qualname__}"


@pytest.fixture
def checks():
    """The password checks made, True for a right password, in the order made."""
    CountingPBKDF2PasswordHasher.checks = []
    with override_settings(PASSWORD_HASHERS=[HASHER]):
        yield CountingPBKDF2PasswordHasher.checks


def burst(url: str, username: str, passwords: list[str]) -> list[int]:
    """The passwords sent at once for one username from one address: the statuses."""

    def attempt(password):
        client = Client(REMOTE_ADDR=ADDRESS)
        return client.post(url, {"username": username, "password": password}).status_code

    return run_together(*[lambda p=p: attempt(p) for p in passwords])


def assert_checked_one_after_another(checks, statuses, *, signed_in: int, refused: int):
    assert all(isinstance(status, int) for status in statuses), statuses
    assert checks.count(False) == LIMIT, checks
    if True in checks:
        # The right password was checked, so before the limit was reached, and it
        # alone signed in.
        assert checks.index(True) < LIMIT, checks
        assert statuses.count(signed_in) == 1, statuses
    else:
        assert signed_in not in statuses, statuses
    # The first wrong passwords were refused as wrong, the one reaching the limit
    # with the lockout page, and every attempt after it by the lockout, unchecked.
    assert statuses.count(refused) == LIMIT - 1, statuses
    assert statuses.count(429) == len(statuses) - statuses.count(signed_in) - (LIMIT - 1)


def test_sign_in_burst_checks_no_more_wrong_passwords_than_the_limit(make_user, checks):
    """Fifteen wrong passwords and the right one at once (the review's repro)."""
    victim = make_user(Role.DMPC, username="victim")
    victim.set_password(PASSWORD)
    victim.save()
    passwords = [f"wrong guess {i}" for i in range(15)] + [PASSWORD]

    statuses = burst(reverse("login"), "victim", passwords)

    assert_checked_one_after_another(checks, statuses, signed_in=302, refused=400)
    assert AccessAttempt.objects.get(username="victim").failures_since_start >= LIMIT
    # The account is locked for this address now, the right password included.
    response = Client(REMOTE_ADDR=ADDRESS).post(
        reverse("login"), {"username": "victim", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_sign_in_burst_on_the_admin_login_checks_no_more_wrong_passwords_than_the_limit(
    make_user, checks
):
    administrator = make_user(Role.ADMINISTRATOR, username="admin", is_staff=True)
    administrator.set_password(PASSWORD)
    administrator.save()
    passwords = [f"wrong guess {i}" for i in range(9)] + [PASSWORD]

    statuses = burst(reverse("admin:login"), "admin", passwords)

    assert all(isinstance(status, int) for status in statuses), statuses
    # Django's admin login answers a wrong password with its page again, a 200.
    assert_checked_one_after_another(checks, statuses, signed_in=302, refused=200)


def test_sign_in_burst_for_a_username_with_no_account_is_still_counted(checks):
    """No account, no row to lock: the attempts are not queued, but axes counts
    each (no password is checked: Django hashes the one typed, to take as long)."""
    statuses = burst(reverse("login"), "nobody", ["wrong guess"] * 3)
    assert statuses == [400] * 3
    assert checks == []
    assert AccessAttempt.objects.get(username="nobody").failures_since_start == 3
