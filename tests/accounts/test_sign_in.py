import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_page_needs_no_account(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_staff_member_signs_in_and_lands_on_the_records(client, finance, password):
    response = client.post(reverse("login"), {"username": "finance", "password": password})
    assert response.status_code == 302
    assert response.url == reverse("approvals:home")


def test_a_wrong_password_is_refused_with_a_message_and_the_username_kept(client, finance):
    response = client.post(reverse("login"), {"username": "finance", "password": "wrong"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Please enter a correct username and password." in page
    assert 'value="finance"' in page


def test_repeated_wrong_passwords_lock_the_username(client, finance, password):
    for _ in range(5):
        client.post(reverse("login"), {"username": "finance", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "finance", "password": password})
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()


def test_sign_out_is_a_post(client, finance):
    client.force_login(finance)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("approvals:home")).status_code == 302
