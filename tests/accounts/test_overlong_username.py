"""Finding H: a 100,000-character username was a 500 on PostgreSQL (axes could not
store it) and stored whole on SQLite (3 MB from three requests)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.db.models.functions import Length
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db

OVERLONG = "a" * 100_000
MESSAGE = "Username must be 150 characters or fewer"


def longest_stored_username() -> int:
    lengths = AccessAttempt.objects.annotate(n=Length("username")).values_list("n", flat=True)
    return max(lengths, default=0)


def test_finding_h_overlong_username_answers_400_beside_the_field(client):
    for _ in range(3):
        response = client.post(reverse("login"), {"username": OVERLONG, "password": "x"})
        assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'<a href="#id_username">{MESSAGE}</a>' in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {MESSAGE}</p>' in page
    # Refused before it is looked up, so axes has nothing to store.
    assert not AccessAttempt.objects.exists()


def test_finding_h_overlong_username_on_the_admin_sign_in_is_refused(client):
    response = client.post(reverse("admin:login"), {"username": OVERLONG, "password": "x"})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_finding_h_overlong_username_axes_stores_at_most_the_field_length():
    """Whatever path reports a failure, axes keeps at most an account's longest username."""
    request = RequestFactory().post("/login/", {"username": OVERLONG})
    request.user = None
    user_login_failed.send(sender=__name__, credentials={"username": OVERLONG}, request=request)
    assert AccessAttempt.objects.get().username == "a" * 150
    assert longest_stored_username() == 150


def test_a_username_at_the_limit_is_looked_up_as_usual(client, make_user, password):
    make_user(username="b" * 150)
    response = client.post(reverse("login"), {"username": "b" * 150, "password": password})
    assert response.status_code == 302
    response = client.post(reverse("login"), {"username": "b" * 150, "password": "wrong"})
    assert response.status_code == 400
    assert "Please enter a correct username and password." in response.content.decode()
    assert longest_stored_username() == 150
