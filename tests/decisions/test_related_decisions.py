"""Related decisions (issue 10, item 5): links from a record to earlier ones, by reference."""

import pytest
from django.urls import reverse

from core.roles import Role
from decisions.canonical import decision_canonical_content, decision_content_hash
from decisions.models import Decision, RelatedDecision
from decisions.selectors import decision_with_parts
from decisions.services import related_decision_add
from tests.factories import DecisionFactory, SupportingReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    decision = DecisionFactory(drafting_officer=officer)
    SupportingReportFactory(decision=decision)
    return decision


@pytest.fixture
def earlier():
    return DecisionFactory(number=134, title="Delegation to the Chief Executive")


def url(decision) -> str:
    return reverse("decisions:draft_related", args=[decision.pk])


def post(client, decision, **data):
    decision.refresh_from_db()
    return client.post(url(decision), {"lock_version": decision.lock_version, **data})


def test_a_link_is_added_by_reference_and_listed(client, officer, draft, earlier):
    client.force_login(officer)
    response = post(client, draft, relation="amends", reference=" pcd134 ")
    assert response.status_code == 302
    link = RelatedDecision.objects.get()
    assert (link.from_decision, link.to_decision, link.relation, link.to_reference) == (
        draft,
        earlier,
        "amends",
        "PCD 134",
    )
    page = client.get(url(draft)).content.decode()
    assert "Amends" in page and "PCD 134" in page
    task_list = client.get(reverse("approvals:task_list", args=[draft.pk])).content.decode()
    assert "Related decisions" in task_list
    # Part 1 as the drafter checks it and as staff read it says so too.
    for name in ("approvals:check", "approvals:detail"):
        page = client.get(reverse(name, args=[draft.pk])).content.decode()
        assert "Related decisions:" in page and "Amends PCD 134" in " ".join(page.split())


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("PCD 999", "There is no record PCD 999"),
        ("134", "Enter a reference like PCD 134"),
        ("PCD one", "Enter a reference like PCD 134"),
        ("", "Enter the reference of the earlier record"),
        ("PCD 12345678901", "Enter a reference like PCD 134"),
        ("P" * 31, "Enter a reference like PCD 134"),
    ],
)
def test_a_reference_that_names_no_record_is_refused_beside_the_field(
    client, officer, draft, earlier, reference, message
):
    client.force_login(officer)
    response = post(client, draft, relation="amends", reference=reference)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'href="#id_reference"' in page
    # What was typed stays in the field.
    if reference:
        assert f'value="{reference}"' in page
    assert not RelatedDecision.objects.exists()


def test_a_link_to_itself_is_refused(client, officer, draft):
    draft.number = 1500
    draft.save()
    client.force_login(officer)
    response = post(client, draft, relation="relates_to", reference="PCD 1500")
    assert response.status_code == 400
    assert "cannot be linked to itself" in response.content.decode()
    assert not RelatedDecision.objects.exists()


def test_a_second_link_to_the_same_record_is_refused(client, officer, draft, earlier):
    client.force_login(officer)
    assert post(client, draft, relation="amends", reference="PCD 134").status_code == 302
    response = post(client, draft, relation="supersedes", reference="PCD 134")
    assert response.status_code == 400
    assert "already linked to PCD 134" in response.content.decode()
    assert RelatedDecision.objects.count() == 1


def test_a_circle_of_supersedes_and_amends_is_refused(client, officer, draft, earlier):
    """Draft supersedes PCD 134 would close a circle when PCD 134 (through PCD 200)
    already amends the draft."""
    draft.number = 1500
    draft.save()
    middle = DecisionFactory(number=200)
    RelatedDecision.objects.create(
        from_decision=earlier, relation="supersedes", to_decision=middle, to_reference="PCD 200"
    )
    RelatedDecision.objects.create(
        from_decision=middle, relation="amends", to_decision=draft, to_reference="PCD 1500"
    )
    client.force_login(officer)
    response = post(client, draft, relation="supersedes", reference="PCD 134")
    assert response.status_code == 400
    assert "go round in a circle" in response.content.decode()
    assert not RelatedDecision.objects.filter(from_decision=draft).exists()
    # "Relates to" has no direction: it closes no circle.
    assert post(client, draft, relation="relates_to", reference="PCD 134").status_code == 302


def test_an_unknown_relation_is_refused(client, officer, draft, earlier):
    client.force_login(officer)
    response = post(client, draft, relation="eats", reference="PCD 134")
    assert response.status_code == 400
    assert not RelatedDecision.objects.exists()


def test_a_stale_form_is_refused_and_nothing_saved(client, officer, draft, earlier):
    client.force_login(officer)
    Decision.objects.filter(pk=draft.pk).update(lock_version=5)
    response = client.post(
        url(draft),
        {"lock_version": 4, "relation": "amends", "reference": "PCD 134"},
    )
    assert response.status_code == 409
    assert not RelatedDecision.objects.exists()


def test_a_link_is_removed(client, officer, draft, earlier):
    client.force_login(officer)
    post(client, draft, relation="amends", reference="PCD 134")
    link = RelatedDecision.objects.get()
    draft.refresh_from_db()
    response = client.post(
        reverse("decisions:draft_related_remove", args=[draft.pk, link.pk]),
        {"lock_version": draft.lock_version},
    )
    assert response.status_code == 302
    assert not RelatedDecision.objects.exists()
    # Another record's link (or none) is not found.
    other = RelatedDecision.objects.create(
        from_decision=earlier, relation="amends", to_decision=draft, to_reference="PCD 1"
    )
    draft.refresh_from_db()
    response = client.post(
        reverse("decisions:draft_related_remove", args=[draft.pk, other.pk]),
        {"lock_version": draft.lock_version},
    )
    assert response.status_code == 404


def test_someone_who_may_not_edit_the_draft_cannot_link_it(client, make_user, draft, earlier):
    client.force_login(make_user(Role.DRAFTING_OFFICER))
    response = post(client, draft, relation="amends", reference="PCD 134")
    assert response.status_code in (403, 404)
    assert not RelatedDecision.objects.exists()
    # Nor remove its links.
    link = RelatedDecision.objects.create(
        from_decision=draft, relation="amends", to_decision=earlier, to_reference="PCD 134"
    )
    response = client.post(
        reverse("decisions:draft_related_remove", args=[draft.pk, link.pk]),
        {"lock_version": draft.lock_version},
    )
    assert response.status_code in (403, 404)
    assert RelatedDecision.objects.filter(pk=link.pk).exists()
    # Nor anyone without a drafting role.
    client.force_login(make_user())
    assert client.get(url(draft)).status_code == 403


def test_links_are_signed_and_a_record_without_links_keeps_its_hash(officer, draft, earlier):
    before = decision_content_hash(decision=decision_with_parts(pk=draft.pk))
    related_decision_add(
        decision_id=draft.pk,
        user=officer,
        lock_version=Decision.objects.get(pk=draft.pk).lock_version,
        relation="amends",
        reference="PCD 134",
    )
    after = decision_with_parts(pk=draft.pk)
    assert decision_content_hash(decision=after) != before
    assert [link.to_reference for link in after.related_links.all()] == ["PCD 134"]
    # The earlier record's content is not changed by a later one's link to it.
    assert "related" not in decision_canonical_content(decision=decision_with_parts(pk=earlier.pk))
