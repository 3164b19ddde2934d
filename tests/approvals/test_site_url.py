"""Links in mail and the PDFs' base address come from the configured site address
(settings.SITE_URL, DJANGO_SITE_URL), never from the development default (issue 10
item 9). Production's refusal without it is tested in tests/test_security.py."""

import pytest
from django.test import override_settings
from django.urls import reverse

from approvals.pdf import document_base_url, static_base_url
from approvals.services import decision_return, decision_submit
from core.roles import Role

pytestmark = pytest.mark.django_db

SITE = "https://decisions.example.org"


@override_settings(SITE_URL=SITE)
def test_mail_links_use_the_configured_site_address(
    officer, people, ready_draft, django_capture_on_commit_callbacks, mailoutbox
):
    decision = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        decision_return(
            decision_id=decision.pk,
            user=people[Role.FINANCE],
            reason="Please add the costs.",
            lock_version=decision.lock_version,
        )
    link = f"{SITE}{reverse('approvals:detail', args=[decision.pk])}"
    # The advisers told of the submission, and the officer told of the return.
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert link in message.body
        assert "127.0.0.1" not in message.body


@override_settings(SITE_URL=SITE + "/")
def test_a_trailing_slash_in_the_site_address_makes_no_double_slash_in_the_pdf_base():
    assert document_base_url() == SITE + "/"
    assert static_base_url().startswith(SITE + "/")
    assert "//" not in static_base_url().removeprefix("https://")
