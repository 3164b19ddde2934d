"""The staff pages that only read a record (the record page, its history, the PDF preview):
they answer GET, refuse other methods, and 404 a record that does not exist."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

READ_PAGES = ["approvals:detail", "approvals:history", "approvals:pdf_preview"]


@pytest.fixture
def record(ready_draft):
    return ready_draft()


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_read_page_refuses_a_post(client, officer, record, name):
    client.force_login(officer)
    assert client.post(reverse(name, args=[record.pk])).status_code == 405


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_read_page_of_no_record_is_a_404(client, officer, record, name):
    client.force_login(officer)
    assert client.get(reverse(name, args=[record.pk + 1000])).status_code == 404


@pytest.mark.parametrize("name", ["approvals:detail", "approvals:history"])
def test_a_read_page_shows_the_record(client, officer, record, name):
    client.force_login(officer)
    response = client.get(reverse(name, args=[record.pk]))
    assert response.status_code == 200
    assert response.context["decision"] == record
    assert response.context["nav"] == "records"


def test_the_pdf_preview_is_never_cached_not_even_its_redirect_to_sign_in(client, record):
    response = client.get(reverse("approvals:pdf_preview", args=[record.pk]))
    assert response.status_code == 302
    assert "no-cache" in response["Cache-Control"]
