import pytest

from decisions.roles import Role
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db):
    """A user holding the given roles: make_user("dmpc"), make_user() for none."""

    def make(*roles: str, **kwargs):
        return UserFactory(roles=[Role(role) for role in roles], **kwargs)

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.DRAFTING_OFFICER, username="officer")


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE, username="finance")


@pytest.fixture
def dmpc(make_user):
    return make_user(Role.DMPC, username="dmpc")


@pytest.fixture
def no_role_user(make_user):
    return make_user(username="norole")
