"""A record routed to an office its form type does not serve: said on the task list before
submission, refused on submission with the form that fits (issue 10 item 4)."""

import html
import re

import pytest
from django.urls import reverse

from approvals.services import decision_submit
from core.errors import DomainError
from decisions.models import Decision
from tests.factories import FormTypeFactory, ReferenceSeriesFactory, office

pytestmark = pytest.mark.django_db

# The default scheme sends £1,482,400.00 to the DMPC; a reserved matter to the Mayor.
TO_THE_MAYOR = (
    "This record goes to the Mayor of London, but a DMPC Decision form goes only to the "
    "Deputy Mayor for Policing and Crime. Start it on a Mayoral Decision form."
)


@pytest.fixture
def forms():
    """A DMPC Decision form serving the DMPC only, and a Mayoral Decision form serving the
    Mayor, both of the policing office."""
    dmpc_form = FormTypeFactory(offices=[office("dmpc")])
    mayoral = FormTypeFactory(
        name="Mayoral Decision",
        slug="mayoral-decision",
        series=ReferenceSeriesFactory(prefix="MD", name="Mayoral Decisions"),
        offices=[office("mayor")],
    )
    return dmpc_form, mayoral


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_submission_to_an_office_the_form_does_not_serve_is_refused(officer, ready_draft, forms):
    dmpc_form, _ = forms
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    with pytest.raises(DomainError) as refused:
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    assert str(refused.value) == TO_THE_MAYOR
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    assert decision.number is None
    assert decision.decision_maker is None


def test_a_record_the_form_serves_is_submitted(officer, ready_draft, forms):
    dmpc_form, _ = forms
    decision = ready_draft(form_type=dmpc_form)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.CLEARANCE
    assert decision.decision_maker == office("dmpc")


def test_no_form_of_the_body_serves_the_office(officer, ready_draft, forms):
    dmpc_form, mayoral = forms
    mayoral.offices.clear()
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    with pytest.raises(DomainError) as refused:
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    assert str(refused.value) == (
        "This record goes to the Mayor of London, but a DMPC Decision form goes only to the "
        "Deputy Mayor for Policing and Crime. No form of Mayor's Office for Policing and Crime "
        "goes to the Mayor of London: ask an administrator."
    )


def test_the_task_list_warns_before_submission(
    client, officer, ready_draft, forms, django_assert_max_num_queries
):
    dmpc_form, _ = forms
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    client.force_login(officer)
    # With a flag set and no justification given, one for whether the body needs one; and
    # one for whether its body has flags at all (the task list asks of them only then).
    with django_assert_max_num_queries(19):
        response = client.get(reverse("approvals:task_list", args=[decision.pk]))
    assert response.status_code == 200
    page = text_of(response)
    warning = page.split('id="form-type-mismatch"', 1)[1].split("</div>", 1)[0]
    assert TO_THE_MAYOR in re.sub(r"\s+", " ", warning)


def test_the_task_list_says_nothing_when_the_form_serves_the_route(
    client, officer, ready_draft, forms
):
    dmpc_form, _ = forms
    decision = ready_draft(form_type=dmpc_form)
    client.force_login(officer)
    page = text_of(client.get(reverse("approvals:task_list", args=[decision.pk])))
    assert "form-type-mismatch" not in page
    assert "To the Deputy Mayor for Policing and Crime" in page


def test_the_check_page_refuses_submission_beside_the_button(client, officer, ready_draft, forms):
    dmpc_form, _ = forms
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    client.force_login(officer)
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]), {"lock_version": decision.lock_version}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert f'<a href="#submit-for-clearance">{TO_THE_MAYOR}</a>' in page
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT


# A form that follows the route (FormType.follows_route).


@pytest.fixture
def following(forms):
    """The DMPC form follows the route; a Mayoral form of the same series serves the Mayor."""
    dmpc_form, mayoral = forms
    dmpc_form.follows_route = True
    dmpc_form.save(update_fields=["follows_route"])
    same_series = FormTypeFactory(
        name="Mayoral Decision (PCD)",
        slug="mayoral-decision-pcd",
        series=dmpc_form.series,
        offices=[office("mayor")],
    )
    return dmpc_form, mayoral, same_series


def test_a_form_that_follows_the_route_moves_on_submission(officer, ready_draft, following):
    dmpc_form, mayoral, same_series = following
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    assert decision.form_type == same_series  # never the Mayoral form of another series
    assert decision.series == dmpc_form.series
    assert decision.reference == "PCD 1070"
    assert decision.decision_maker == office("mayor")
    assert decision.status == Decision.Status.CLEARANCE


def test_the_task_list_says_where_a_following_form_moves(client, officer, ready_draft, following):
    dmpc_form, _, _ = following
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    client.force_login(officer)
    page = text_of(client.get(reverse("approvals:task_list", args=[decision.pk])))
    assert "form-type-mismatch" not in page
    assert (
        "This record goes to the Mayor of London: on submission it moves to the Mayoral "
        "Decision (PCD) form, which goes to that office." in page
    )


def test_a_following_form_without_a_form_of_its_series_is_refused(officer, ready_draft, forms):
    dmpc_form, _ = forms
    dmpc_form.follows_route = True
    dmpc_form.save(update_fields=["follows_route"])
    decision = ready_draft(form_type=dmpc_form, reserved_to_mayor=True)
    with pytest.raises(DomainError) as refused:
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    assert str(refused.value) == TO_THE_MAYOR
    decision.refresh_from_db()
    assert decision.form_type == dmpc_form
