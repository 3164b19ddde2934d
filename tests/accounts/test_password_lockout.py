"""Finding G and the sign-in limits: every place that checks a password counts its
failures towards one lockout (django-axes), per username and address and per
address over all usernames; new passwords must pass the password validators."""

import html

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import reverse

from accounts.models import User
from approvals.lockout import locked_message
from core.roles import Role
from demo.users import DEMO_PASSWORD, DEMO_USERS
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
ADDRESS_LIMIT = 20
NEW_PASSWORD = "a fresh and quite long passphrase"


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin", is_staff=True)


def change_own_password(client, old: str, new: str = NEW_PASSWORD):
    return client.post(
        reverse("admin:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def form_errors(response) -> list[str]:
    form = response.context["form"]
    return [error for errors in form.errors.values() for error in errors]


def test_finding_g_wrong_old_passwords_lock_the_admin_password_change_and_sign_in(
    client, administrator
):
    """Twelve wrong old passwords, then the right one, changed it."""
    client.force_login(administrator)
    for _ in range(LIMIT - 1):
        response = change_own_password(client, "wrong guess")
        assert response.status_code == 200
        assert form_errors(response) == [
            "Your old password was entered incorrectly. Please enter it again."
        ]
    response = change_own_password(client, "wrong guess")
    assert response.status_code == 429
    assert form_errors(response) == [locked_message()]

    # The right old password no longer changes it…
    response = change_own_password(client, PASSWORD)
    assert response.status_code == 429
    assert form_errors(response) == [locked_message()]
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)
    assert AccessAttempt.objects.get(username="admin").failures_since_start == LIMIT

    # …and signing in is locked too, from this address.
    client.logout()
    response = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()


def test_wrong_sign_in_passwords_count_towards_the_password_change_lock(client, administrator):
    for _ in range(LIMIT - 1):
        client.post(reverse("login"), {"username": "admin", "password": "wrong guess"})
    client.force_login(administrator)
    assert change_own_password(client, "wrong guess").status_code == 429


def test_finding_g_one_s_own_password_is_not_set_without_the_old_one(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[administrator.pk])
    assert client.get(url).url == reverse("admin:password_change")
    response = client.post(
        url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


def test_the_right_old_password_changes_it_below_the_limit(client, administrator):
    client.force_login(administrator)
    for _ in range(LIMIT - 2):
        change_own_password(client, "wrong guess")
    response = change_own_password(client, PASSWORD)
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("password", "This password is too common."),
        ("k3q9x", "This password is too short. It must contain at least 8 characters."),
        ("8302749137", "This password is entirely numeric."),
        ("okonjo2026", "The password is too similar to the last name."),
    ],
)
def test_a_weak_password_is_refused_on_the_admin_s_password_change(
    client, administrator, weak, message
):
    administrator.last_name = "Okonjo"
    administrator.save()
    client.force_login(administrator)
    response = change_own_password(client, PASSWORD, new=weak)
    assert response.status_code == 200
    assert message in form_errors(response)
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


def test_a_weak_password_is_refused_when_an_administrator_sets_or_creates_one(
    client, administrator, make_user
):
    plain = make_user(username="plain")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[plain.pk]),
        {"password1": "password", "password2": "password", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "This password is too common." in html.unescape(response.content.decode())
    plain.refresh_from_db()
    assert plain.check_password(PASSWORD)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "password1": "12345678",
            "password2": "12345678",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "This password is entirely numeric." in html.unescape(response.content.decode())
    assert not User.objects.filter(username="newcomer").exists()


def test_the_demo_and_test_passwords_pass_the_validators(make_user):
    for demo in DEMO_USERS:
        user = User(username=demo.username, first_name=demo.first_name, email=demo.email)
        user.last_name = demo.last_name
        validate_password(DEMO_PASSWORD, user=user)
    validate_password(PASSWORD, user=make_user(username="finance"))


def sign_in(username: str, password: str, address: str):
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_a_few_passwords_on_many_usernames_is_locked_out(make_user):
    usernames = [make_user(username=f"staff{i}").username for i in range(10)]
    statuses = [
        sign_in(username, guess, "203.0.113.9").status_code
        for username in usernames
        for guess in ["Summer2026!", "Password1"]
    ]
    # The twentieth wrong password from that address locks it.
    assert statuses == [400] * (ADDRESS_LIMIT - 1) + [429]
    # Two wrong passwords each: no username reached its own limit, the address has.
    assert all(
        attempt.failures_since_start == 2
        for attempt in AccessAttempt.objects.filter(ip_address="203.0.113.9")
    )
    response = sign_in("staff0", PASSWORD, "203.0.113.9")
    assert response.status_code == 429
    assert sign_in(make_user(username="other").username, PASSWORD, "203.0.113.9").status_code == 429
    # Elsewhere, the same people sign in.
    assert sign_in("staff0", PASSWORD, "198.51.100.4").status_code == 302


def test_below_the_address_limit_others_at_that_address_sign_in(make_user):
    make_user(username="careful")
    for i in range(ADDRESS_LIMIT - 1):
        sign_in(f"typo{i}", "wrong", "203.0.113.9")
    assert sign_in("careful", PASSWORD, "203.0.113.9").status_code == 302


def test_the_username_and_address_lock_is_unchanged(make_user):
    make_user(username="finance")
    make_user(username="legal")
    statuses = [sign_in("finance", "wrong", "203.0.113.9").status_code for _ in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]
    assert sign_in("finance", PASSWORD, "203.0.113.9").status_code == 429
    # Another person at that address, and the same person elsewhere, are not locked.
    assert sign_in("legal", PASSWORD, "203.0.113.9").status_code == 302
    assert sign_in("finance", PASSWORD, "198.51.100.4").status_code == 302


def test_axes_counts_the_address_limit_within_the_cool_off(make_user, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3
    make_user(username="someone")
    for name in ["a", "b", "c"]:
        sign_in(name, "wrong", "203.0.113.9")
    assert sign_in("someone", PASSWORD, "203.0.113.9").status_code == 429
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")
    assert sign_in("someone", PASSWORD, "203.0.113.9").status_code == 302
