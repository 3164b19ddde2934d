"""Bodies, their offices and their schemes are data (issue 10 items 1, 2 and 4).

A second body is set up here as an administrator would: its own office (held by its own
group), form type and scheme. Nothing in code names it, and the first body's records
route, and are signed, as before.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from approvals import policies
from approvals.models import Rule, Scheme
from approvals.selectors import awaiting_action, live_route
from approvals.services import decision_submit
from core.roles import Role
from decisions.models import Office, Organisation, ReferenceSeries
from tests.approvals.test_admin import scheme_form
from tests.factories import (
    DecisionFactory,
    ExpenditureLineFactory,
    FormTypeFactory,
    office,
    policing_office,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """A city authority: one office (its Executive Director, held by its own group), one
    form type, and a scheme that sends everything to that office."""
    body = Organisation.objects.create(
        name="City of Northbridge Council",
        short_name="Northbridge",
        slug="northbridge",
        public_access_paragraph="This form will be published on the {short_name} website.",
    )
    group = Group.objects.create(name="Northbridge Executive Director")
    group.permissions.add(Permission.objects.get(codename="take_decisions"))
    director = Office.objects.create(
        organisation=body,
        code="director",
        title="Executive Director of Place",
        short_title="Director",
        group=group,
        rank=30,
    )
    series = ReferenceSeries.objects.create(prefix="DD", name="Director's Decisions")
    form_type = FormTypeFactory(
        organisation=body,
        name="Director's Decision",
        slug="directors-decision",
        series=series,
        offices=[director],
    )
    scheme = Scheme.objects.create(
        organisation=body,
        name="Scheme of Delegation",
        version="2024",
        effective_from=datetime.date(2024, 4, 1),
    )
    Rule.objects.create(
        scheme=scheme, priority=1, paragraph="D1", decision_maker=director, condition="otherwise"
    )
    return {"body": body, "director": director, "group": group, "form_type": form_type}


def draft_of(amount: str, **fields):
    decision = DecisionFactory(**fields)
    ExpenditureLineFactory(decision=decision, amount=Decimal(amount))
    return decision


def test_a_second_body_s_scheme_never_reroutes_the_first_body_s_drafts(city):
    """Why: adding a second body's scheme switched a £620,000 draft from the DMPC."""
    draft = draft_of("620000.00")
    route = live_route(decision=draft)
    assert route.decision_maker == office("dmpc")
    assert route.rule.scheme.organisation == policing_office()
    assert "Deputy Mayor for Policing and Crime" in route.reason


def test_a_record_of_the_second_body_routes_by_its_own_scheme(city):
    draft = draft_of("620000.00", form_type=city["form_type"])
    route = live_route(decision=draft)
    assert route.decision_maker == city["director"]
    assert route.reason == (
        "To the Executive Director of Place: total £620,000.00, under delegation "
        "(Scheme of Delegation, para D1)"
    )


def test_submission_without_a_scheme_of_the_body_names_the_body(officer, ready_draft, city):
    Scheme.objects.filter(organisation=city["body"]).delete()
    draft = ready_draft()
    draft.form_type = city["form_type"]
    draft.series = city["form_type"].series
    draft.save()
    with pytest.raises(Exception, match="No scheme of delegation of City of Northbridge Council"):
        decision_submit(decision_id=draft.pk, user=officer, lock_version=draft.lock_version)


def test_only_a_member_of_the_office_s_group_holding_the_permission_decides(make_user, city):
    record = DecisionFactory(
        form_type=city["form_type"],
        status="decision_maker",
        decision_maker=city["director"],
        submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    director = make_user(username="director")
    director.groups.add(city["group"])
    dmpc = make_user(Role.DMPC, username="dmpc-user")
    assert policies.why_not_decide(director, record, []) is None
    assert policies.why_not_decide(dmpc, record, []) == (
        "Only the Executive Director of Place decides this record."
    )
    # In the group but without the permission: a group an administrator made is not enough.
    plain_group = Group.objects.create(name="Look-alike")
    lookalike = Office.objects.create(
        organisation=city["body"],
        code="lookalike",
        title="Look-alike",
        short_title="L",
        group=plain_group,
    )
    record.decision_maker = lookalike
    member = make_user(username="member")
    member.groups.add(plain_group)
    assert policies.why_not_decide(member, record, []) is not None
    # The queue offers the record to the office's holder only.
    record.decision_maker = city["director"]
    record.save()
    titles = {
        g.title: [i.decision.title for i in g.items]
        for g in awaiting_action(
            user=type(director).objects.get(pk=director.pk), today=datetime.date(2026, 1, 2)
        )
    }
    assert titles == {"Decisions to take": [record.title]}
    assert all(
        record.title not in [i.decision.title for i in g.items]
        for g in awaiting_action(user=dmpc, today=datetime.date(2026, 1, 2))
    )


def test_the_statement_is_signed_by_the_office_that_precedes_the_decision_maker(make_user):
    record = DecisionFactory(
        status="chief_executive",
        decision_maker=office("mayor"),
        submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    ceo = make_user(Role.CHIEF_EXECUTIVE, username="ceo")
    dmpc = make_user(Role.DMPC, username="dmpc-user")
    assert policies.statement_office(record) == office("chief_executive")
    assert policies.why_not_sign_chief_executive(ceo, record, []) is None
    assert policies.why_not_sign_chief_executive(dmpc, record, []) == (
        "Only the Chief Executive signs this statement."
    )
    # The Chief Executive decides with no statement before: next_stage skips it.
    assert (
        policies.statement_office(DecisionFactory(decision_maker=office("chief_executive"))) is None
    )


# The admin: offices are a superuser's; a scheme must route every value to its own offices.


@pytest.fixture
def administrator_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="admin", is_staff=True))
    return client


def test_an_administrator_cannot_add_or_change_an_office(administrator_client):
    assert administrator_client.get(reverse("admin:decisions_office_add")).status_code == 403
    dmpc = office("dmpc")
    change = reverse("admin:decisions_office_change", args=[dmpc.pk])
    # They may see it, not change it (a change would say who signs).
    page = administrator_client.get(change)
    assert page.status_code == 200
    response = administrator_client.post(change, {"title": "Anyone", "group": dmpc.group_id})
    assert response.status_code == 403
    dmpc.refresh_from_db()
    assert dmpc.title == "Deputy Mayor for Policing and Crime"


def test_an_administrator_sets_up_a_body(administrator_client):
    response = administrator_client.post(
        reverse("admin:decisions_organisation_add"),
        {
            "name": "City of Northbridge Council",
            "short_name": "Northbridge",
            "slug": "northbridge",
            "website": "https://northbridge.example",
            "public_access_paragraph": "Published on the {short_name} website.",
            "legal_team_name": "the Northbridge legal team",
        },
    )
    assert response.status_code == 302
    body = Organisation.objects.get(slug="northbridge")
    assert body.public_access_text == "Published on the Northbridge website."


def test_a_scheme_that_leaves_values_unrouted_is_refused_beside_the_rules(administrator_client):
    scheme = Scheme.objects.get()
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    data = scheme_form(scheme)
    # Delete the "otherwise" rule (the last): records under £500,000 have no office.
    last = scheme.rules.count() - 1
    data[f"rules-{last}-DELETE"] = "on"
    response = administrator_client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(
        str(e)
        for formset in response.context["inline_admin_formsets"]
        for e in formset.formset.non_form_errors()
    )
    assert "Some records would have no decision maker" in errors
    assert scheme.rules.count() == last + 1


def test_a_rule_naming_another_body_s_office_is_refused_beside_it(administrator_client, city):
    scheme = Scheme.objects.get(organisation=policing_office())
    url = reverse("admin:approvals_scheme_change", args=[scheme.pk])
    data = scheme_form(scheme, **{"rules-0-decision_maker": city["director"].pk})
    response = administrator_client.post(url, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors["decision_maker"] == [
        "Choose an office of Mayor's Office for Policing and Crime"
    ]
    assert scheme.rules.get(priority=10).decision_maker == office("mayor")


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    return client


def office_form(office: Office, **changes) -> dict:
    data = {
        "organisation": office.organisation_id,
        "code": office.code,
        "title": office.title,
        "short_title": office.short_title,
        "group": office.group_id,
        "rank": office.rank,
        "statement_by": office.statement_by_id or "",
        "statement_heading": office.statement_heading,
        "statement_wording": office.statement_wording,
        "declaration": office.declaration,
        "approval_statement": office.approval_statement,
        "refusal_statement": office.refusal_statement,
    }
    data.update(changes)
    return data


def test_a_circle_of_statements_is_refused_beside_the_field(superuser_client):
    """The DMPC's statement is the Chief Executive's: the Chief Executive's cannot be the
    DMPC's, directly or through a third office."""
    ceo = office("chief_executive")
    url = reverse("admin:decisions_office_change", args=[ceo.pk])
    response = superuser_client.post(url, office_form(ceo, statement_by=office("dmpc").pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["statement_by"]
    assert "round in a circle" in errors[0]
    ceo.refresh_from_db()
    assert ceo.statement_by is None
    # Itself, too.
    response = superuser_client.post(url, office_form(ceo, statement_by=ceo.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["statement_by"]


def test_a_form_type_serving_another_body_s_office_is_refused(superuser_client, city):
    form_type = FormTypeFactory()
    url = reverse("admin:decisions_formtype_change", args=[form_type.pk])
    page = superuser_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    response = superuser_client.post(
        url,
        {
            **data,
            "organisation": form_type.organisation_id,
            "series": form_type.series_id,
            "offices": [city["director"].pk],
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
            "clearance_lines-TOTAL_FORMS": "0",
            "clearance_lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["offices"] == [
        "Choose offices of Mayor's Office for Policing and Crime: not Executive Director of Place"
    ]
    assert list(form_type.offices.all()) == list(policing_office().offices.all())


def test_a_new_scheme_naming_another_body_s_office_is_refused(administrator_client, city):
    """The add page's rules have no saved scheme yet: they are checked all the same."""
    data = {
        "organisation": policing_office().pk,
        "name": "Scheme of Delegation and Consent",
        "version": "2030",
        "effective_from": "2030-04-01",
        "effective_until": "",
        "notes": "",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-priority": "1",
        "rules-0-paragraph": "1",
        "rules-0-decision_maker": city["director"].pk,
        "rules-0-condition": "otherwise",
        "rules-0-threshold": "",
        "rules-0-flag": "",
        "rules-0-description": "",
    }
    response = administrator_client.post(reverse("admin:approvals_scheme_add"), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors["decision_maker"] == [
        "Choose an office of Mayor's Office for Policing and Crime"
    ]
    assert not Scheme.objects.filter(version="2030").exists()


def test_a_form_and_its_body_read_as_their_records_were_signed(
    administrator_client, officer, ready_draft
):
    """Review finding: rewording a form type, its sections or lines, or its body's wording,
    changed what a signed record printed without voiding a signature; moving the form to
    another body did the same. Once a record is submitted on it, they stay as they are."""
    draft = ready_draft()
    form_type = draft.form_type
    url = reverse("admin:decisions_formtype_change", args=[form_type.pk])
    before = administrator_client.get(url)
    assert before.context["adminform"].form.fields.get("heading_pattern") is not None
    decision_submit(decision_id=draft.pk, user=officer, lock_version=draft.lock_version)

    page = administrator_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for frozen in ("organisation", "name", "series", "heading_pattern", "numbering_style"):
        assert frozen not in form.fields
    # Its sections and clearance lines are shown, not offered for change.
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission
    # The body's wording too.
    body = reverse("admin:decisions_organisation_change", args=[form_type.organisation_id])
    form = administrator_client.get(body).context["adminform"].form
    assert "public_access_paragraph" not in form.fields
    assert "short_name" not in form.fields


def test_an_office_reads_as_its_records_were_signed(client, make_user, officer, ready_draft):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    draft = ready_draft()
    decision_submit(decision_id=draft.pk, user=officer, lock_version=draft.lock_version)
    page = client.get(reverse("admin:decisions_office_change", args=[office("dmpc").pk]))
    form = page.context["adminform"].form
    assert "declaration" not in form.fields
    assert "title" not in form.fields
    # Who holds it may still change (a new DMPC), by a superuser.
    assert "group" in form.fields


def test_a_form_without_a_report_and_a_body_without_flags_ask_for_neither(client, officer, city):
    """Found by the browser tests: the city's task lists asked for the policing form's
    supporting report and its reserved and significant matters, and two tasks were called
    Background papers."""
    form_type = city["form_type"]
    form_type.has_supporting_report = False
    form_type.recommendations_heading = "Decision"
    form_type.pluralise_heading = False
    form_type.save()
    draft = DecisionFactory(form_type=form_type, series=form_type.series, drafting_officer=officer)
    client.force_login(officer)
    page = client.get(reverse("approvals:task_list", args=[draft.pk])).content.decode()
    for task in (
        "Report details",
        "Facts and advice",
        "Reserved and significant matters",
        "Recommendations",
    ):
        assert task not in page
    tasks = re.findall(r'class="govuk-link govuk-task-list__link"[^>]*>([^<]+)</a>', page)
    assert "Decision" in tasks
    assert "Papers to attach" in page
    for name in ("report-details", "report-summary", "report-advice"):
        url = f"/records/{draft.pk}/draft/{name}/"
        assert client.get(url).status_code == 404
    assert client.get(f"/records/{draft.pk}/draft/recommendations/").context["title"] == (
        "Decision"
    )


def test_an_office_holder_of_another_body_neither_returns_nor_acts_on_a_record(
    make_user, officer, people, ready_draft, city
):
    from tests.workflow import clear_all

    draft = ready_draft()
    decision_submit(decision_id=draft.pk, user=officer, lock_version=draft.lock_version)
    record = clear_all(draft, people)
    director = make_user(username="city-director")
    director.groups.add(city["group"])
    assert policies.why_not_return(director, record) is not None
    assert policies.why_not_decide(director, record, []) is not None
    assert not policies.can_read_workings(director, record)
    # The record's own reviewers still may.
    assert policies.why_not_return(people[Role.CHIEF_EXECUTIVE], record) is None
