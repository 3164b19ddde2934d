"""Form types as data, their sections: the library of kinds, a form type's sections in order
under its labels, sections that do not apply, the heading and the recommendations' heading,
lead-in and numbering; drawn on the record page, the check page, the task list and the
section forms (the PDF: tests/approvals/test_form_sections_pdf.py)."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.presenters import part_one_plain_text
from core.roles import Role
from decisions import services
from decisions.canonical import decision_content_hash
from decisions.drafting import task_groups
from decisions.models import Decision, FormSection, FormType
from decisions.part_one_size import part_one_texts
from decisions.sections import (
    PART_ONE_SECTIONS,
    form_heading,
    form_sections,
    heading_pattern_errors,
)
from tests.factories import (
    DecisionFactory,
    FormTypeFactory,
    RecommendationFactory,
    ReferenceSeriesFactory,
    office,
    policing_office,
)

pytestmark = pytest.mark.django_db

# A city authority's form: no commercial and no GDPR section, its own labels and order.
CITY_SECTIONS = [
    ("introduction", "Introduction and background"),
    ("issues_for_consideration", "Objectives and expected outcomes"),
    ("equality_comments", "Equality comments"),
    ("financial_comments", "Financial comments"),
    ("legal_comments", "Legal comments"),
    ("supporting_papers", "Appendices and supporting papers"),
]
MISSING = ["Commercial Issues", "GDPR and Data Privacy"]
SECRET_COMMERCIAL = "COMMERCIAL-TEXT-THE-FORM-DOES-NOT-HAVE"


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", response.content.decode())).split())


@pytest.fixture
def city_form():
    series = ReferenceSeriesFactory(prefix="MD", name="Mayoral Decisions", next_number=3000)
    form_type = FormType.objects.create(
        organisation=policing_office(),
        name="Mayoral Decision",
        slug="mayoral-decision",
        series=series,
        heading_pattern="Mayoral Decision {reference}",
        recommendations_heading="Decision",
        pluralise_heading=False,
        numbering_style="i",
        recommendations_lead_in="The Mayor is recommended to:",
    )
    for position, (kind, label) in enumerate(CITY_SECTIONS, start=1):
        FormSection.objects.create(
            form_type=form_type,
            position=position,
            kind=kind,
            label=label,
            may_be_not_applicable=kind == "legal_comments",
        )
    return form_type


@pytest.fixture
def city_record(city_form, officer):
    decision = DecisionFactory(
        form_type=city_form,
        drafting_officer=officer,
        introduction="The city needs a new depot.",
        issues_for_consideration="Two sites were considered.",
        financial_comments="Funded from reserves.",
        commercial_issues=SECRET_COMMERCIAL,
        equality_comments="No adverse effect.",
    )
    for text in ["approve the purchase", "delegate the contract", "note the risks"]:
        RecommendationFactory(decision=decision, text=text)
    return decision


# --- The library and the default form ------------------------------------------------


def test_a_form_type_made_as_the_migration_makes_them_prints_today_s_sections():
    form_type = FormTypeFactory()
    sections = form_sections(form_type)
    assert [(s.field, s.heading) for s in sections] == [tuple(s) for s in PART_ONE_SECTIONS]
    assert [s.number for s in sections] == list(range(1, 9))
    # Each kind has its own help for drafters.
    assert len({s.help_text for s in sections}) == 8


def test_the_migration_gives_every_form_type_without_sections_the_default_ones():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("decisions.migrations.0014_form_sections")
    bare = FormType.objects.create(
        organisation=policing_office(),
        name="Old form",
        slug="old-form",
        series=ReferenceSeriesFactory(prefix="OLD"),
    )
    migration.give_form_types_their_sections(apps, None)
    assert [s.field for s in form_sections(bare)] == [s.field for s in PART_ONE_SECTIONS]


def test_heading_patterns():
    assert heading_pattern_errors("{form} – {reference}") == []
    assert heading_pattern_errors("{office_short} Decision – {reference}") == []
    assert heading_pattern_errors("{form} {referense}") == [
        "{referense} is not a placeholder the heading knows; use {reference}, {form}, "
        "{office}, {office_short}"
    ]
    assert heading_pattern_errors("{form") != []
    assert heading_pattern_errors("{}") != []
    assert heading_pattern_errors("{form!r}") != []


def test_the_heading_follows_the_pattern(city_record):
    assert form_heading(city_record) == "Mayoral Decision MD (number given on submission)"
    city_record.number = 3001
    assert form_heading(city_record) == "Mayoral Decision MD 3001"
    city_record.form_type.heading_pattern = "{office_short} Decision – {reference}"
    assert form_heading(city_record, office_short="DMPC") == "DMPC Decision – MD 3001"
    # A pattern saved past the admin's check prints the default, never an error.
    city_record.form_type.heading_pattern = "{nonsense}"
    assert form_heading(city_record) == "Mayoral Decision – MD 3001"


# --- Pages drawn from the form's sections --------------------------------------------


def test_the_record_page_shows_the_form_s_sections_in_order_and_no_other(client, city_record):
    client.force_login(city_record.drafting_officer)
    text = text_of(client.get(reverse("approvals:detail", args=[city_record.pk])))
    positions = [text.index(f"{n}. {label}") for n, (_, label) in enumerate(CITY_SECTIONS, 1)]
    assert positions == sorted(positions)
    assert "4.1. Funded from reserves." in text
    assert "3.1. No adverse effect." in text
    for heading in MISSING:
        assert heading not in text
    assert SECRET_COMMERCIAL not in text
    assert "Mayoral Decision MD (number given on submission)" in text
    # The recommendations under the form's heading, lead-in and numbering.
    assert "Decision: The Mayor is recommended to: approve the purchase" in text
    assert "Decisions:" not in text
    page = client.get(reverse("approvals:detail", args=[city_record.pk])).content.decode()
    assert 'type="i"' in page and "app-list--i" in page


def test_the_check_page_shows_the_form_s_sections_in_order_and_no_other(client, city_record):
    client.force_login(city_record.drafting_officer)
    response = client.get(reverse("approvals:check", args=[city_record.pk]))
    assert response.status_code == 200
    text = text_of(response)
    summary = text[text.index("Part I: facts and advice") : text.index("Supporting report")]
    assert re.findall(r"[1-9]\. [A-Z][a-z]+", summary) == [
        f"{n}. {label.split()[0]}" for n, (_, label) in enumerate(CITY_SECTIONS, 1)
    ]
    for heading in MISSING:
        assert heading not in text
    assert SECRET_COMMERCIAL not in text
    page = response.content.decode()
    assert "part-one/equality-comments/" in page
    assert "part-one/commercial-issues/" not in page


def test_the_task_list_lists_the_form_s_sections_and_no_other(client, city_record):
    names = [
        task.name
        for group, tasks in task_groups(city_record)
        for task, _ in tasks
        if group == "Part I: facts and advice"
    ]
    assert names == [label for _, label in CITY_SECTIONS]
    client.force_login(city_record.drafting_officer)
    text = text_of(client.get(reverse("approvals:task_list", args=[city_record.pk])))
    for heading in MISSING:
        assert heading not in text
    assert "Objectives and expected outcomes" in text


def test_a_section_the_form_lacks_has_no_page_and_a_crafted_post_is_refused(client, city_record):
    client.force_login(city_record.drafting_officer)
    url = reverse("approvals:task_list", args=[city_record.pk]) + "part-one/commercial-issues/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"lock_version": city_record.lock_version, "text": "Sneaked in"})
    assert response.status_code == 400
    assert "The form Mayoral Decision has no such section" in text_of(response)
    city_record.refresh_from_db()
    assert city_record.commercial_issues == SECRET_COMMERCIAL
    # A kind no form has is no page at all.
    unknown = reverse("approvals:task_list", args=[city_record.pk]) + "part-one/title/"
    assert client.post(unknown, {"lock_version": city_record.lock_version}).status_code == 404


def test_the_section_form_is_numbered_and_labelled_as_the_form_has_it(client, city_record):
    client.force_login(city_record.drafting_officer)
    url = reverse("approvals:task_list", args=[city_record.pk]) + "part-one/financial-comments/"
    text = text_of(client.get(url))
    assert "Part I, section 4." in text
    assert "Financial comments" in text
    assert "What it costs, in which years" in text


# --- Sections that do not apply ------------------------------------------------------


def section_url(decision, slug: str) -> str:
    return reverse("approvals:task_list", args=[decision.pk]) + f"part-one/{slug}/"


def test_a_section_that_may_not_apply_offers_the_choice_with_a_reason(client, city_record):
    client.force_login(city_record.drafting_officer)
    page = client.get(section_url(city_record, "legal-comments")).content.decode()
    assert "This section does not apply" in page
    assert 'data-aria-controls="conditional-not-applicable"' in page
    assert "govuk-radios__conditional--hidden" in page
    # A section that may not be marked does not offer it.
    page = client.get(section_url(city_record, "financial-comments")).content.decode()
    assert "This section does not apply" not in page


def test_marking_a_section_not_applicable_publishes_its_reason(client, city_record):
    client.force_login(city_record.drafting_officer)
    before = decision_content_hash(decision=city_record)
    response = client.post(
        section_url(city_record, "legal-comments"),
        {
            "lock_version": city_record.lock_version,
            "applies": "not_applicable",
            "not_applicable_reason": "No legal powers are exercised.",
            "text": "",
        },
    )
    assert response.status_code == 302
    city_record.refresh_from_db()
    assert city_record.sections_not_applicable == {
        "legal_comments": "No legal powers are exercised."
    }
    # Signed: the content changed.
    assert decision_content_hash(decision=city_record) != before
    # Kept in the record's history.
    assert city_record.history.first().sections_not_applicable == {
        "legal_comments": "No legal powers are exercised."
    }
    for name in ["approvals:detail", "approvals:check"]:
        text = text_of(client.get(reverse(name, args=[city_record.pk])))
        assert "5. Legal comments Not applicable: No legal powers are exercised." in text, name
    statuses = {
        task.slug: status for _, tasks in task_groups(city_record) for task, status in tasks
    }
    assert statuses["legal-comments"] == "Completed"
    assert "Not applicable: No legal powers are exercised." in part_one_plain_text(
        decision=city_record
    )
    # The form comes back with the choice made.
    page = client.get(section_url(city_record, "legal-comments")).content.decode()
    assert re.search(r'value="not_applicable" checked', page)
    assert 'value="No legal powers are exercised."' in page
    # Writing the section again takes the mark away.
    response = client.post(
        section_url(city_record, "legal-comments"),
        {
            "lock_version": city_record.lock_version,
            "applies": "applies",
            "not_applicable_reason": "No legal powers are exercised.",
            "text": "The powers are in section 1.",
        },
    )
    assert response.status_code == 302
    city_record.refresh_from_db()
    assert city_record.sections_not_applicable == {}
    assert city_record.legal_comments == "The powers are in section 1."


def test_a_blank_section_that_may_not_apply_and_is_not_marked_is_not_done(city_record):
    statuses = {
        task.slug: status for _, tasks in task_groups(city_record) for task, status in tasks
    }
    assert statuses["legal-comments"] == "Not started"


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"applies": "not_applicable", "not_applicable_reason": "", "text": ""},
            "not_applicable_reason",
            "Enter why this section does not apply",
        ),
        (
            {"applies": "not_applicable", "not_applicable_reason": "None", "text": "Kept text."},
            "text",
            "Remove the text of this section, or choose to write it",
        ),
        (
            {"applies": "maybe", "text": ""},
            "applies",
            "Select whether to write this section or say it does not apply",
        ),
        ({"text": ""}, "applies", "Select whether to write this section"),
        (
            {"applies": "not_applicable", "not_applicable_reason": "x" * 256, "text": ""},
            "not_applicable_reason",
            "The reason must be 255 characters or fewer",
        ),
    ],
)
def test_bad_answers_are_refused_beside_the_field_and_kept(
    client, city_record, data, field, message
):
    client.force_login(city_record.drafting_officer)
    response = client.post(
        section_url(city_record, "legal-comments"),
        {"lock_version": city_record.lock_version, **data},
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</p>', page, re.S)
    assert error and message in unescape(error.group(1)), page
    if data.get("text"):
        assert data["text"] in page
    city_record.refresh_from_db()
    assert city_record.sections_not_applicable == {}
    assert city_record.legal_comments == ""


def test_the_service_refuses_a_reason_where_the_form_does_not_allow_one(city_record, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot be marked as not applicable"):
        services.decision_set_section(
            decision_id=city_record.pk,
            user=officer,
            lock_version=city_record.lock_version,
            field="financial_comments",
            text="",
            not_applicable_reason="No money",
        )
    with pytest.raises(ValidationError, match="Remove the text"):
        services.decision_set_section(
            decision_id=city_record.pk,
            user=officer,
            lock_version=city_record.lock_version,
            field="legal_comments",
            text="Some advice",
            not_applicable_reason="No advice",
        )


# --- Size bounds and search text over the form's sections ------------------------------


def test_size_and_search_text_read_only_the_form_s_sections(city_record):
    names = [name for name, _ in part_one_texts(city_record)]
    assert "Objectives and expected outcomes" in names
    assert "Commercial Issues" not in names
    city_record.commercial_issues = "word " * 100_000
    assert not any(text.startswith("word") for _, text in part_one_texts(city_record))
    plain = part_one_plain_text(decision=city_record)
    assert "Two sites were considered." in plain
    assert SECRET_COMMERCIAL not in plain


# --- Query counts -------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["approvals:detail", "approvals:check", "approvals:task_list"])
def test_pages_cost_the_same_queries_whatever_the_number_of_sections(
    client, officer, city_record, name
):
    # The default form's eight sections against the city form's six: one query for them.
    default = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    client.get(reverse("approvals:home"))
    assert count_queries(client, reverse(name, args=[default.pk])) == count_queries(
        client, reverse(name, args=[city_record.pk])
    )


# --- The admin ----------------------------------------------------------------------


def admin_form(**overrides) -> dict:
    series = ReferenceSeriesFactory(prefix="DD", name="Director's Decisions")
    data = {
        "organisation": policing_office().pk,
        "offices": [office("dmpc").pk],
        "name": "Director's Decision",
        "slug": "directors-decision",
        "series": series.pk,
        "description": "",
        "heading_pattern": "{form} {reference}",
        "recommendations_heading": "Decision",
        "pluralise_heading": "on",
        "numbering_style": "a",
        "recommendations_lead_in": "",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "clearance_lines-TOTAL_FORMS": "0",
        "clearance_lines-INITIAL_FORMS": "0",
        "clearance_lines-MIN_NUM_FORMS": "0",
        "clearance_lines-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def with_sections(data: dict, rows: list[tuple[int, str]]) -> dict:
    data = {**data, "sections-TOTAL_FORMS": str(len(rows))}
    for i, (position, kind) in enumerate(rows):
        data[f"sections-{i}-position"] = str(position)
        data[f"sections-{i}-kind"] = kind
        data[f"sections-{i}-label"] = ""
        data[f"sections-{i}-help_text"] = ""
    return data


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_the_admin_sets_up_a_form_type_with_its_sections(admin_client):
    data = with_sections(admin_form(), [(1, "introduction"), (2, "legal_comments")])
    response = admin_client.post(reverse("admin:decisions_formtype_add"), data)
    assert response.status_code == 302, text_of(response)
    form_type = FormType.objects.get(slug="directors-decision")
    assert [s.field for s in form_sections(form_type)] == ["introduction", "legal_comments"]
    assert form_type.numbering_style == "a"


def test_the_admin_refuses_a_form_type_without_sections_and_saves_nothing(admin_client):
    response = admin_client.post(reverse("admin:decisions_formtype_add"), admin_form())
    assert response.status_code == 200
    assert "Give the form at least one section" in text_of(response)
    assert not FormType.objects.filter(slug="directors-decision").exists()


def test_the_admin_refuses_an_unknown_placeholder_beside_the_field(admin_client):
    data = with_sections(admin_form(heading_pattern="{form} {number}"), [(1, "introduction")])
    response = admin_client.post(reverse("admin:decisions_formtype_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"field-heading_pattern.*?\{number\} is not a placeholder", page, re.S)
    assert not FormType.objects.filter(slug="directors-decision").exists()
    assert not FormSection.objects.filter(form_type__slug="directors-decision").exists()


@pytest.mark.parametrize(
    "rows, message",
    [
        ([(1, "introduction"), (2, "introduction")], "Please correct the duplicate data"),
        ([(1, "introduction"), (1, "legal_comments")], "Please correct the duplicate data"),
        ([(1, "nonsense")], "Select a valid choice"),
    ],
)
def test_the_admin_refuses_bad_section_lists(admin_client, rows, message):
    response = admin_client.post(
        reverse("admin:decisions_formtype_add"), with_sections(admin_form(), rows)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert not FormType.objects.filter(slug="directors-decision").exists()


def test_a_form_type_change_page_lists_its_sections(admin_client):
    form_type = FormTypeFactory()
    response = admin_client.get(reverse("admin:decisions_formtype_change", args=[form_type.pk]))
    assert response.status_code == 200
    assert "GDPR and Data Privacy" in response.content.decode()


def test_staff_without_the_admin_cannot_change_form_types(client, make_user):
    client.force_login(make_user(Role.DRAFTING_OFFICER))
    response = client.get(reverse("admin:decisions_formtype_add"))
    assert response.status_code == 302
    assert Decision.objects.count() == 0


def test_the_history_page_says_which_sections_were_marked_and_why(client, city_record):
    client.force_login(city_record.drafting_officer)
    client.post(
        section_url(city_record, "legal-comments"),
        {
            "lock_version": city_record.lock_version,
            "applies": "not_applicable",
            "not_applicable_reason": "No legal powers are exercised.",
            "text": "",
        },
    )
    text = text_of(client.get(reverse("approvals:history", args=[city_record.pk])))
    assert "Legal Comments: No legal powers are exercised." in text
    assert "{" not in text.split("Sections not applicable", 1)[-1][:200]


def test_a_form_without_a_papers_section_still_lists_the_published_papers(
    client, settings, tmp_path, officer
):
    from tests.factories import attach_paper
    from tests.register.test_register import on_register, page_text

    settings.MEDIA_ROOT = tmp_path
    decision = on_register(1200, drafting_officer=officer)
    FormSection.objects.filter(form_type=decision.form_type, kind="supporting_papers").delete()
    attach_paper(
        decision, title="Business case", name="case.pdf", publish=True, content=b"%PDF-1.7\n"
    )
    text = page_text(client.get(reverse("register:detail", args=[decision.slug])))
    assert "Background/supporting papers" not in text
    assert "Published with this decision: Business case (" in text
