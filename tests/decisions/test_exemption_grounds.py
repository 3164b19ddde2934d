"""Part 2's exemption grounds include the one the policing office's records cite:
paragraph 2(2) of the Elected Local Policing Bodies (Specified Information) Order 2011.
Staff who may see Part 2 read it; the register never prints it
(tests/register/test_part_two_never_leaves.py)."""

import html

import pytest
from django.urls import reverse

from decisions.models import PartTwo
from tests.decisions.test_drafting_views import publication_post
from tests.factories import DecisionFactory, SupportingReportFactory

pytestmark = pytest.mark.django_db

GROUND = "Paragraph 2(2) of the Elected Local Policing Bodies (Specified Information) Order 2011"


@pytest.fixture
def draft(officer):
    decision = DecisionFactory(drafting_officer=officer)
    SupportingReportFactory(decision=decision)
    return decision


def test_the_part_two_form_offers_and_accepts_the_specified_information_ground(
    client, officer, draft
):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    form = html.unescape(client.get(url).content.decode())
    assert f'<option value="specified_info_order">{GROUND}</option>' in form
    data = publication_post(
        draft,
        has_part_two="True",
        part_two_content="The bids received.",
        part_two_exemption="specified_info_order",
        part_two_rationale="Commercial information the Order lets the office withhold.",
    )
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.part_two.exemption == PartTwo.Exemption.SPECIFIED_INFORMATION
    # Check your answers and the staff record page print the ground in full.
    for page in ("approvals:check", "approvals:detail"):
        response = client.get(reverse(page, args=[draft.pk]))
        assert response.status_code == 200
        assert GROUND in html.unescape(response.content.decode()), page


def test_staff_without_part_two_rights_do_not_see_the_ground(
    client, reader_without_part_two, officer
):
    decision = DecisionFactory(drafting_officer=officer, submitted=True, has_part_two=True)
    PartTwo.objects.create(
        decision=decision,
        content="The bids received.",
        exemption=PartTwo.Exemption.SPECIFIED_INFORMATION,
        rationale="Withheld under the Order.",
    )
    client.force_login(reader_without_part_two)
    response = client.get(reverse("approvals:detail", args=[decision.pk]))
    assert response.status_code == 200
    assert "Specified Information" not in html.unescape(response.content.decode())
