"""core/views.py on its own: the 404 helper and the bases, with a stand-in record and service."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from core.errors import DomainError, NotAllowed, StaleRecord
from core.forms import VersionedForm
from core.views import RecordFormView, get_or_404

RECORD = SimpleNamespace(pk=7, lock_version=3)
SIGNED_IN = SimpleNamespace(is_authenticated=True, pk=1)


def no_record(*, user, pk):
    raise Group.DoesNotExist


def test_get_or_404_calls_the_selector_with_its_arguments():
    assert get_or_404(lambda *, user, pk: (user, pk), user="u", pk=7) == ("u", 7)


def test_get_or_404_turns_does_not_exist_into_a_404():
    with pytest.raises(Http404, match="No such record"):
        get_or_404(no_record, user="u", pk=7)


@pytest.mark.django_db
def test_get_or_404_takes_a_queryset():
    group = Group.objects.create(name="Somebody")
    assert get_or_404(Group.objects.all(), pk=group.pk) == group
    with pytest.raises(Http404, match="No such record"):
        get_or_404(Group.objects.all(), pk=group.pk + 1)


class Page(RecordFormView):
    """A page whose service is `service` (set per test), on RECORD, for role holders."""

    role = staticmethod(lambda user: getattr(user, "holds_role", True))
    permission_denied_message = "Not your role."
    selector = staticmethod(
        lambda *, user, pk: RECORD if pk == RECORD.pk else no_record(user=user, pk=pk)
    )
    form_class = VersionedForm
    template_name = "base.html"
    success_url = "/done/"
    service = staticmethod(lambda **kwargs: kwargs)

    def act(self, form):
        return self.service(**self.versioned(form))


def call(method: str, *, user=SIGNED_IN, pk: int = RECORD.pk, data=None, **attrs):
    factory = RequestFactory()
    request = factory.post("/page/", data or {}) if method == "post" else factory.get("/page/")
    request.user = user
    return Page.as_view(**attrs)(request, pk=pk)


def test_anonymous_visitors_are_sent_to_sign_in():
    for method in ("get", "post"):
        response = call(method, user=AnonymousUser())
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next=/page/"


def test_without_the_role_the_answer_is_403_with_the_reason():
    with pytest.raises(PermissionDenied, match="Not your role."):
        call("get", user=SimpleNamespace(is_authenticated=True, holds_role=False))


def test_an_unknown_record_is_a_404():
    with pytest.raises(Http404):
        call("get", pk=RECORD.pk + 1)


def test_the_form_carries_the_record_and_its_version():
    response = call("get")
    assert response.status_code == 200
    context = response.context_data
    assert context["decision"] is RECORD
    assert context["nav"] == "records"
    assert context["form"].initial["lock_version"] == RECORD.lock_version
    assert context["errors"] == []


def test_a_valid_form_calls_the_service_once_and_redirects():
    calls = []
    response = call("post", data={"lock_version": "3"}, service=lambda **kw: calls.append(kw))
    assert response.status_code == 302
    assert response.url == "/done/"
    assert calls == [{"decision_id": RECORD.pk, "user": SIGNED_IN, "lock_version": 3}]


def test_an_invalid_form_is_a_400_and_calls_nothing():
    calls = []
    response = call("post", data={}, service=lambda **kw: calls.append(kw))
    assert response.status_code == 400
    assert response.context_data["errors"]
    assert calls == []


def raises(error):
    def service(**kwargs):
        raise error

    return service


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("Not now."), 400),
        (ValidationError("Not like that."), 400),
        (NotAllowed("Not you."), 403),
        (StaleRecord(changed_by="Sam", changed_at=datetime.datetime(2026, 1, 2, 3, 4)), 409),
    ],
)
def test_a_refusal_from_the_service_is_a_form_error_with_its_status(error, status):
    response = call("post", data={"lock_version": "3"}, service=raises(error))
    assert response.status_code == status
    form = response.context_data["form"]
    assert form.non_field_errors()
    assert response.context_data["errors"] == form.error_list()
