import pytest
from django.urls import reverse

from core.roles import Role

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_make_themselves_superuser_or_change_their_roles(client, make_user):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, username="admin")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page
    # Another user's roles are theirs to give, but never superuser.
    other = make_user(username="someone")
    page = client.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()
    assert 'name="groups"' in page
    assert 'name="is_superuser"' not in page
