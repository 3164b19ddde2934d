"""The demo's second body, the City of Northbridge Council, set up only through data: its
offices, series, form types and scheme, one record of each of its forms at a different
stage routed by its own scheme, and its published Mayoral Decision on the public register
beside the policing office's records.

The demo is loaded once for the module (the fixture of test_demo_data.py); load_demo's
idempotency for both bodies is tested in test_load_demo.py.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from approvals.models import Rule, Scheme, SignOff
from approvals.policies import holds_office
from approvals.selectors import awaiting_action, scheme_in_force
from decisions.models import Decision, DecisionStatus, Office, Organisation
from demo import northbridge
from tests.demo.test_demo_data import demo  # noqa: F401  (the module-scoped demo)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

# prefix: (form type name, office code, total, stage, number).
CITY_RECORDS = {
    "MD": ("Mayoral Decision", "mayor", Decimal("240000.00"), "published", 3187),
    "DD": ("Director's Decision", "director", Decimal("95000.00"), "decision_maker", 2410),
    "ADD": (
        "Assistant Director's Decision",
        "assistant_director",
        Decimal("32000.00"),
        "clearance",
        1562,
    ),
    "DAR": ("Director's Approval Record", "head_of_service", Decimal("7500.00"), "draft", None),
}


def city_record(prefix: str) -> Decision:
    return Decision.objects.get(series__prefix=prefix)


def assert_in_order(text: str, parts: list[str]) -> None:
    cursor = 0
    for part in parts:
        found = text.find(part, cursor)
        assert found >= 0, f"{part!r} not found after position {cursor}"
        cursor = found + len(part)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages
    )


# --- The body, its offices, forms and scheme ------------------------------------------


def test_both_bodies_exist_each_with_its_own_offices():
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"mopac", "northbridge"}
    city = Organisation.objects.get(slug="northbridge")
    assert (city.name, city.short_name) == ("City of Northbridge Council", "Northbridge")
    assert "Northbridge council website" in city.public_access_text
    offices = {office.code: office for office in city.offices.all()}
    assert [(o.code, o.title, o.rank) for o in city.offices.all()] == [
        ("mayor", "Mayor of Northbridge", 40),
        ("director", "Executive Director", 30),
        ("assistant_director", "Assistant Director", 20),
        ("head_of_service", "Head of Service", 10),
    ]
    # Only the Mayor's decisions are preceded by a statement: the Executive Director's.
    assert offices["mayor"].statement_by == offices["director"]
    assert offices["director"].statement_heading_text == "Executive Director"
    assert [o.code for o in offices.values() if o.statement_by_id] == ["mayor"]
    # Each office its own group, deciding and reading as reviewers do.
    for office in offices.values():
        permissions = set(office.group.permissions.values_list("codename", flat=True))
        assert {"take_decisions", "view_decision", "view_parttwo"} <= permissions
        assert ("sign_chief_executive" in permissions) is (office.code == "director")
        assert office.group.name.startswith("Northbridge ")
    assert not Office.objects.filter(organisation__slug="mopac", group__name__startswith="North")


def test_each_city_form_has_its_own_series_and_serves_its_one_office():
    for prefix, (name, code, *_rest) in CITY_RECORDS.items():
        form_type = Decision.objects.get(series__prefix=prefix).form_type
        assert (form_type.name, form_type.organisation.slug) == (name, "northbridge")
        assert form_type.series.prefix == prefix
        assert list(form_type.offices.values_list("code", flat=True)) == [code]


def test_the_city_scheme_routes_every_value_to_one_of_its_offices():
    city = Organisation.objects.get(slug="northbridge")
    scheme = scheme_in_force(organisation_id=city.pk, on=timezone.localdate())
    assert (scheme.name, scheme.version, str(scheme.effective_from)) == (
        "Northbridge Scheme of Delegation",
        "2024",
        "2024-04-01",
    )
    assert "illustrative" in scheme.notes
    rules = list(scheme.rules.all())
    assert [(r.condition, r.threshold, r.decision_maker.code) for r in rules] == [
        ("value_at_least", Decimal("150000.01"), "mayor"),
        ("value_at_least", Decimal("50000.01"), "director"),
        ("value_at_least", Decimal("10000.01"), "assistant_director"),
        ("otherwise", None, "head_of_service"),
    ]
    assert all(rule.flag == "" for rule in rules)
    # The policing office's scheme is untouched and routes nothing to the city.
    assert not Rule.objects.filter(
        scheme__organisation__slug="mopac", decision_maker__organisation=city
    ).exists()
    assert Scheme.objects.filter(organisation=city).count() == 1


# --- The records ----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", CITY_RECORDS)
def test_each_city_record_is_at_its_stage_numbered_in_its_own_series(prefix):
    name, code, total, stage, number = CITY_RECORDS[prefix]
    record = city_record(prefix)
    assert record.status == stage
    assert record.number == number
    assert record.reference == (f"{prefix} {number}" if number else "")
    assert sum(line.amount for line in record.expenditure_lines.all()) == total
    assert record.drafting_officer.username == "nb-officer"
    assert record.executive_summary and record.recommendations.exists()
    officer_line = record.declaration_lines.get(kind="drafting_officer")
    assert officer_line.ticked
    assert officer_line.statement == (
        "Fiona Marsden has drafted this report in accordance with Northbridge procedures."
    )
    if number is None:
        assert record.decision_maker is None and record.route_rule is None
        return
    # Routed by the city's own scheme to the office its form serves.
    assert record.decision_maker.code == code
    assert record.decision_maker.organisation.slug == "northbridge"
    assert record.route_rule.scheme.organisation.slug == "northbridge"
    assert record.route_rule.decision_maker == record.decision_maker
    assert record.route_reason.startswith(f"To the {record.decision_maker.title}: total £")
    assert "(Northbridge Scheme of Delegation, para " in record.route_reason
    assert record.series.next_number == number + 1


def test_the_series_of_the_draft_has_issued_no_number():
    draft = city_record("DAR")
    assert draft.series.next_number == 1
    assert not draft.publication_answered


def test_the_mayoral_decision_was_signed_by_the_city_offices_through_the_services():
    record = city_record("MD")
    statement = record.signoffs.get(kind=SignOff.Kind.CHIEF_EXECUTIVE)
    decision = record.signoffs.get(kind=SignOff.Kind.DECISION)
    assert statement.user.username == "nb-director"
    assert statement.statement == northbridge.EXECUTIVE_DIRECTOR_STATEMENT.replace(
        "{decision_maker}", "Mayor of Northbridge"
    )
    assert (decision.user.username, decision.outcome) == ("nb-mayor", "approved")
    assert decision.statement == "The above request has my approval."
    assert record.signoffs.filter(kind=SignOff.Kind.CLEARANCE).count() == 6
    assert [a.verb for a in record.actions.all()] == [
        "submitted",
        *["confirmed"] * 6,
        "chief_executive_signed",
        "approved",
        "published",
    ]


def test_the_directors_decision_goes_straight_to_the_director():
    record = city_record("DD")
    assert not record.signoffs.filter(kind=SignOff.Kind.CHIEF_EXECUTIVE).exists()
    director = User.objects.get(username="nb-director")
    assert holds_office(director, record.decision_maker)
    queues = awaiting_action(user=director, today=timezone.localdate())
    assert [(q.title, [i.decision for i in q.items]) for q in queues] == [
        ("Decisions to take", [record])
    ]
    # The policing office's holders do not hold the city's offices.
    for username in ("dmpc", "mayor", "ceo"):
        assert not holds_office(User.objects.get(username=username), record.decision_maker)


def test_the_city_users_are_in_their_office_groups():
    for code, fields in northbridge.OFFICES.items():
        group = Group.objects.get(name=fields["group"])
        usernames = list(group.user_set.values_list("username", flat=True))
        assert len(usernames) == 1 and usernames[0].startswith("nb-"), code
    assert User.objects.get(username="nb-officer").groups.filter(name="Drafting officer")


# --- The public register --------------------------------------------------------------


def test_the_public_register_lists_both_bodies(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/decisions/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "MD 3187" in text and "PCD 1069" in text
    # Nothing of the city that is not published.
    for reference in ("DD 2410", "ADD 1562"):
        assert reference not in text


def test_the_published_mayoral_decision_page_and_pdf(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = client.get("/decisions/md-3187/")
    assert page.status_code == 200
    assert "Mayor of Northbridge" in page.content.decode()
    response = client.get("/decisions/md-3187.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(
        b"".join(response.streaming_content if response.streaming else [response.content])
    )
    # The form's own heading, recommendations heading, lead-in and numbering.
    assert text.startswith("Mayoral Decision MD 3187 Title: Northbridge Riverside cycle route")
    assert_in_order(text, ["Decision:", "The Mayor of Northbridge is recommended to:", "i."])
    # Its own section labels, and the data protection section marked not applicable.
    assert_in_order(
        text,
        [
            "Procurement",
            "Data protection",
            "Not applicable: The contract involves no processing of personal data.",
            "Equalities implications",
        ],
    )
    # Its advisers confirmed their lines in the council's words.
    assert "Northbridge Legal Services" in text or "Corporate Finance has been consulted" in text
    assert "Not applicable: no personal data is processed." in text
    # The signature blocks: the Mayor's decision, and the Executive Director's statement
    # under its own heading, in its own words, each signed by the holder of the office.
    assert_in_order(
        text,
        [
            "Mayor of Northbridge I confirm I have considered",
            "The above request has my approval. Signature: Olivia Pennington Date 23/4/2026",
            "PART I - NON-CONFIDENTIAL FACTS AND ADVICE TO THE MAYOR",
            "Drafting Officer: Fiona Marsden has drafted this report in accordance with "
            "Northbridge procedures.",
            "Executive Director I have reviewed this proposal",
            "ready for the decision of the Mayor of Northbridge. Signature: Gareth Lloyd "
            "Date 17/4/2026",
        ],
    )
    for other in ("Chief Executive", "Deputy Mayor for Policing and Crime", "DMPC"):
        assert other not in text
    # The city's own public access paragraph, naming it by its short name.
    assert "published on the Northbridge council website" in text
    # The policing office is not named anywhere: its words are its own form types'.
    assert "MOPAC" not in text
    assert "GLA Group" not in text
    assert "Mayor's Office for Policing and Crime" not in text


def test_unpublished_city_records_are_not_on_the_register(client):
    for slug in ("dd-2410", "add-1562"):
        assert client.get(f"/decisions/{slug}/").status_code == 404


# --- The staff pages, for the city's office holders ----------------------------------


def test_only_the_executive_director_may_open_the_directors_decision_to_decide(client):
    record = city_record("DD")
    address = f"/records/{record.pk}/decide/"
    client.force_login(User.objects.get(username="nb-director"))
    page = client.get(address)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Library self-service kiosks replacement" in text
    assert "Executive Director" in text
    # Holders of the city's other offices, and the policing office's deciders, are not on
    # its route: to them the record is not there.
    for username in ("nb-mayor", "nb-assistant", "dmpc"):
        client.force_login(User.objects.get(username=username))
        assert client.get(address).status_code == 404, username


def test_the_city_drafting_officer_reads_their_draft_and_not_the_policing_draft(client):
    client.force_login(User.objects.get(username="nb-officer"))
    page = client.get(f"/records/{city_record('DAR').pk}/draft/")
    assert page.status_code == 200
    # The live route, by the city's scheme, before submission.
    assert (
        "To the Head of Service: total £7,500.00, under delegation "
        "(Northbridge Scheme of Delegation, para 7.1)"
    ) in page.content.decode()
    policing_draft = Decision.objects.get(series__prefix="PCD", status=DecisionStatus.DRAFT)
    assert client.get(f"/records/{policing_draft.pk}/draft/").status_code == 404
