"""The public register: list, search and filters, record page, PDF, feed, open data, sitemap.

Records here are put on the register directly (status, stored PDF and hash), which is
what approvals.publication leaves behind; test_part_two_never_leaves.py publishes
through the real service.
"""

import csv
import datetime
import hashlib
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils.html import strip_tags
from django.utils.http import http_date

from approvals.models import SignOff
from approvals.presenters import part_one_plain_text
from core.roles import Role
from decisions.models import Decision, RelatedDecision
from register import selectors as selectors_public
from register import views as views_public
from tests.factories import (
    DecisionFactory,
    FormTypeFactory,
    PartTwoFactory,
    RecommendationFactory,
    ReferenceSeriesFactory,
    SupportingReportFactory,
    office,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Decision.Status
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


def stored_pdf(number: int, content: bytes | None = None) -> tuple[str, bytes]:
    content = content or b"%PDF-1.7\n% PCD " + str(number).encode() + b"\n%%EOF\n"
    name = default_storage.save(f"published/pcd-{number}.pdf", ContentFile(content))
    return name, content


def on_register(
    number: int,
    *,
    published_at: datetime.datetime | None = None,
    search_text: str = "",
    **fields,
) -> Decision:
    """A record as publication leaves it: numbered, published, its PDF stored and hashed."""
    name, content = stored_pdf(number)
    fields.setdefault("decision_maker", office("dmpc"))
    fields.setdefault("decided_at", (published_at or at(2024, 3, 1)) - datetime.timedelta(days=1))
    decision = DecisionFactory(
        number=number,
        status=Status.PUBLISHED,
        published_at=published_at or at(2024, 3, 1),
        published_pdf=name,
        published_pdf_sha256=hashlib.sha256(content).hexdigest(),
        **fields,
    )
    decision.search_text = search_text or f"{decision.title} {decision.executive_summary}"
    decision.save(update_fields=["search_text"])
    return decision


def withdraw(decision: Decision, *, on: datetime.datetime, reason: str) -> Decision:
    # As approvals.publication's withdrawal leaves a record (that service is not used here).
    Decision.objects.filter(pk=decision.pk).update(
        status=Status.WITHDRAWN, withdrawn_at=on, withdrawal_reason=reason
    )
    decision.refresh_from_db()
    return decision


def page_text(response) -> str:
    """What a reader sees: tags gone, entities read, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def xml_of(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (the application's own response)


def count_queries(captured: CaptureQueriesContext) -> int:
    # Reads only: not search_plan's transaction and settings.
    return sum(1 for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT"))


def listed_references(response) -> list[str]:
    return [d.reference for d in response.context["page"].object_list]


@pytest.fixture
def ivma(officer):
    decision = on_register(
        1069,
        title="Accelerated IVMA Improvements",
        executive_summary="This decision seeks approval for further deployments of IVMA devices.",
        drafting_officer=officer,
        published_at=at(2021, 11, 6),
        decided_at=at(2021, 11, 5),
        search_text="Accelerated IVMA Improvements tablets fitted across the fleet",
    )
    RecommendationFactory(decision=decision, text="Approve the spend of £1,482,400.")
    SupportingReportFactory(decision=decision, organisation="Metropolitan Police Service")
    return decision


@pytest.fixture
def night_time(officer):
    return on_register(
        1070,
        title="Night-Time Economy Safety Fund 2026/27",
        executive_summary="Grants for safer late-night town centres.",
        drafting_officer=officer,
        published_at=at(2026, 3, 19),
        search_text="Night-Time Economy Safety Fund grants boroughs welfare hubs marshals",
    )


@pytest.fixture
def not_on_register(officer):
    """A record at every stage before publication (and not approved): none may be public.

    Each carries the search word and a PDF in storage, so that only its status keeps
    it off the register."""
    records = {}
    for number, status in enumerate(
        [
            Status.DRAFT,
            Status.CLEARANCE,
            Status.CHIEF_EXECUTIVE,
            Status.DECISION_MAKER,
            Status.APPROVED,
            Status.NOT_APPROVED,
        ],
        start=2001,
    ):
        name, content = stored_pdf(number)
        records[status] = DecisionFactory(
            number=number,
            status=status,
            title=f"Hidden {status} IVMA record",
            drafting_officer=officer,
            decision_maker=office("dmpc"),
            search_text="IVMA hidden record",
            published_pdf=name,
            published_pdf_sha256=hashlib.sha256(content).hexdigest(),
        )
    # Approved, its publication deferred to a date still to come.
    Decision.objects.filter(pk=records[Status.APPROVED].pk).update(
        part1_deferred=True, deferred_until=datetime.date(2099, 1, 1)
    )
    return records


# --- Access: public, published and withdrawn records only -------------------------------

REGISTER_URLS = [
    ("register:list", False),
    ("register:open_data", False),
    ("register:feed", False),
    ("register:export_csv", False),
    ("register:export_json", False),
    ("register:detail", True),
    ("register:pdf", True),
    ("sitemap", False),
]


def register_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) == "register":
            found += [(f"register:{p.name}", p) for p in entry.url_patterns]
        elif getattr(entry, "name", None) == "sitemap":
            found.append(("sitemap", entry))
    return found


def test_every_register_address_is_tested_here():
    # A published paper's address is tested in test_published_papers and the leak test.
    tested = [n for n, _ in REGISTER_URLS] + ["register:paper"]
    assert sorted(name for name, _ in register_patterns()) == sorted(tested)


@pytest.mark.parametrize(("name", "pattern"), register_patterns(), ids=lambda p: str(p))
def test_every_register_view_states_its_access_decision(name, pattern):
    assert pattern.callback.access == "public: published and withdrawn records only"


def register_url(name: str, needs_slug: bool, decision: Decision) -> str:
    return reverse(name, args=[decision.slug]) if needs_slug else reverse(name)


@pytest.mark.parametrize(("name", "needs_slug"), REGISTER_URLS)
def test_anonymous_visitors_read_the_register_without_signing_in(client, ivma, name, needs_slug):
    response = client.get(register_url(name, needs_slug, ivma))
    assert response.status_code == 200
    assert b"Sign out" not in b"".join(response)


@pytest.mark.parametrize(("name", "needs_slug"), REGISTER_URLS)
@pytest.mark.parametrize("role", [None, Role.DRAFTING_OFFICER, Role.DMPC, Role.ADMINISTRATOR])
def test_signed_in_staff_see_exactly_what_the_public_sees(
    client, make_user, ivma, night_time, not_on_register, name, needs_slug, role
):
    url = register_url(name, needs_slug, ivma)
    anonymous = client.get(url)
    client.force_login(make_user(*([role] if role else []), is_staff=True))
    signed_in = client.get(url)
    assert signed_in.status_code == anonymous.status_code == 200
    assert b"".join(signed_in) == b"".join(anonymous)
    # And a record not on the register is not found, whoever asks.
    if needs_slug:
        for decision in not_on_register.values():
            if decision.number:
                assert client.get(register_url(name, True, decision)).status_code == 404


@pytest.mark.parametrize("status", list(Status)[:6])
@pytest.mark.parametrize("name", ["register:detail", "register:pdf"])
def test_a_record_not_published_is_not_found(client, not_on_register, status, name):
    decision = not_on_register[status]
    response = client.get(reverse(name, args=[decision.slug]))
    assert response.status_code == 404
    assert decision.title not in response.content.decode()


def test_records_not_published_appear_nowhere_in_lists(client, ivma, not_on_register):
    hidden = [d.title for d in not_on_register.values()] + ["pcd-200"]
    for url in [
        reverse("register:list"),
        reverse("register:list") + "?q=IVMA",
        reverse("register:list") + "?q=hidden",
        reverse("register:feed"),
        reverse("register:export_csv"),
        reverse("register:export_json"),
        reverse("sitemap"),
    ]:
        body = b"".join(client.get(url)).decode()
        for text in hidden:
            assert text not in body, f"{text} in {url}"


@pytest.mark.parametrize("name", ["register:detail", "register:pdf"])
@pytest.mark.parametrize("slug", ["pcd-9999", "xyz-1069"])
def test_an_unknown_address_is_not_found(client, ivma, name, slug):
    assert client.get(reverse(name, args=[slug])).status_code == 404


@pytest.mark.parametrize(
    "path", ["/decisions/PCD-1069/", "/decisions/pcd-01069/", "/decisions/pcd-99999999999/"]
)
def test_addresses_are_exact(client, ivma, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("slug", ["pcd-99999999999", "pcd-1069x", "pcd-١٠٦٩", "-1069", "pcd-"])
def test_the_selector_refuses_addresses_that_are_no_record(ivma, slug):
    with pytest.raises(Decision.DoesNotExist):
        selectors_public.published_decision_get(slug=slug)
    with pytest.raises(Decision.DoesNotExist):
        selectors_public.published_decision_pdf_get(slug=slug)


def test_the_register_only_reads(client, ivma):
    for name, needs_slug in REGISTER_URLS:
        assert client.post(register_url(name, needs_slug, ivma)).status_code == 405


# --- The 404 page ------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_not_found_page_is_public_and_generic(client, make_user, not_on_register, signed_in):
    if signed_in:
        client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    hidden = not_on_register[Status.APPROVED]
    for path in [reverse("register:detail", args=[hidden.slug]), "/no-such-page/"]:
        response = client.get(path)
        body = response.content.decode()
        assert response.status_code == 404
        assert "Page not found" in body
        for staff_only in ["Sign out", "Administration", "/admin/", 'href="/"', "Records"]:
            assert staff_only not in body
        assert hidden.title not in body
        assert hidden.slug not in body


# --- The list: order, columns, pagination ------------------------------------------------


def test_the_register_lists_published_and_withdrawn_records_newest_first(client, ivma, night_time):
    withdraw(ivma, on=at(2022, 1, 10), reason="Superseded by PCD 1100.")
    response = client.get(reverse("register:list"))
    assert listed_references(response) == ["PCD 1070", "PCD 1069"]
    text = page_text(response)
    assert "2 decisions" in text
    assert (
        "PCD 1069: Accelerated IVMA Improvements Withdrawn Decision maker: Deputy Mayor for "
        "Policing and Crime Signed: 5 November 2021. Published: 6 November 2021."
    ) in text


def test_the_date_signed_is_the_standing_decision_signoff_when_not_on_the_record(
    client, ivma, officer
):
    Decision.objects.filter(pk=ivma.pk).update(decided_at=None)
    common = {"decision": ivma, "kind": SignOff.Kind.DECISION, "role": Role.DMPC, "user": officer}
    common |= {"statement": "Approved", "outcome": "approved", "content_hash": "0" * 64}
    SignOff.objects.create(
        **common, name_as_signed="Old", signed_at=at(2021, 10, 1), voided_at=at(2021, 10, 2)
    )
    SignOff.objects.create(**common, name_as_signed="Sophie Linden", signed_at=at(2021, 11, 4))
    text = page_text(client.get(reverse("register:list")))
    assert "Signed: 4 November 2021. Published: 6 November 2021." in text


def test_the_register_is_paginated_twenty_a_page(client, officer):
    for n in range(25):
        on_register(
            3000 + n,
            drafting_officer=officer,
            published_at=at(2024, 1, 1) + datetime.timedelta(days=n),
        )
    first = client.get(reverse("register:list"))
    assert len(first.context["page"].object_list) == 20
    assert listed_references(first)[0] == "PCD 3024"
    body = first.content.decode()
    assert 'class="govuk-pagination"' in body
    assert 'href="?page=2" rel="next"' in body
    assert "25 decisions" in page_text(first)
    second = client.get(reverse("register:list") + "?page=2")
    assert listed_references(second) == [f"PCD {3000 + n}" for n in range(4, -1, -1)]
    assert 'aria-current="page">2</a>' in second.content.decode()


def test_page_links_keep_the_search_and_filters_and_drop_bad_values(client, officer):
    for n in range(22):
        on_register(3000 + n, drafting_officer=officer, search_text="fleet tablets")
    response = client.get(reverse("register:list") + "?q=fleet&year=2024&form_type=nope")
    assert 'href="?q=fleet&amp;year=2024&amp;page=2" rel="next"' in response.content.decode()


@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("abc", 1, "That page number is not valid, so the first page is shown."),
        ("0", 1, "That page number is not valid, so the first page is shown."),
        ("-1", 1, "That page number is not valid, so the first page is shown."),
        ("1.5", 1, "That page number is not valid, so the first page is shown."),
        ("99999999999999999999", 2, "There are only 2 pages, so the last page is shown."),
        ("3", 2, "There are only 2 pages, so the last page is shown."),
        ("999999", 2, "There are only 2 pages, so the last page is shown."),
        ("9" * 5000, 2, "There are only 2 pages, so the last page is shown."),
        ("000", 1, "That page number is not valid, so the first page is shown."),
        ("02", 2, None),
        ("", 1, None),
        ("2", 2, None),
    ],
)
def test_a_bad_page_number_shows_the_nearest_page_and_says_so(client, officer, page, shown, notice):
    for n in range(21):
        on_register(3000 + n, drafting_officer=officer)
    response = client.get(reverse("register:list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert response.context["notices"] == ([notice] if notice else [])


def test_an_empty_register_says_so(client):
    response = client.get(reverse("register:list"), {"page": "7"})
    assert response.status_code == 200
    assert "0 decisions" in page_text(response)


# --- Search and filters ------------------------------------------------------------------


def test_search_finds_records_by_their_published_text(client, ivma, night_time):
    response = client.get(reverse("register:list"), {"q": "IVMA"})
    assert listed_references(response) == ["PCD 1069"]
    assert "1 decision found" in page_text(response)
    assert "For the search “IVMA”." in page_text(response)
    assert listed_references(client.get(reverse("register:list"), {"q": "marshals"})) == [
        "PCD 1070"
    ]


def test_search_needs_every_word(client, ivma, night_time):
    assert listed_references(client.get(reverse("register:list"), {"q": "fleet tablets"})) == [
        "PCD 1069"
    ]
    assert listed_references(client.get(reverse("register:list"), {"q": "fleet marshals"})) == []


def test_search_takes_quoted_words(client, ivma, night_time):
    response = client.get(reverse("register:list"), {"q": '"IVMA improvements"'})
    assert listed_references(response) == ["PCD 1069"]


def test_search_ignores_case(client, ivma):
    assert listed_references(client.get(reverse("register:list"), {"q": "ivma"})) == ["PCD 1069"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_search_on_postgresql_stems_and_ranks(client, ivma, officer):
    # Newer than PCD 1069, which has the word in its title: the word only in the text...
    on_register(
        1071,
        drafting_officer=officer,
        published_at=at(2025, 1, 1),
        search_text="improved custody improvements",
    )
    # ...and the word in the executive summary.
    on_register(
        1072,
        drafting_officer=officer,
        published_at=at(2024, 1, 1),
        executive_summary="An improvement to custody suites.",
    )
    response = client.get(reverse("register:list"), {"q": "improvement"})
    # Stemming matches improvement, improvements, improved; title, then summary, then text.
    assert listed_references(response) == ["PCD 1069", "PCD 1072", "PCD 1071"]
    # Web-search syntax: a minus excludes (PCD 1069's text mentions tablets).
    response = client.get(reverse("register:list"), {"q": "improvement -tablets"})
    assert sorted(listed_references(response)) == ["PCD 1071", "PCD 1072"]
    response = client.get(reverse("register:list"), {"q": '"custody suites"'})
    assert listed_references(response) == ["PCD 1072"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_search_on_postgresql_goes_through_the_gin_index(ivma, night_time):
    # Even on a table this small, where reading it all would look cheaper to the planner.
    with selectors_public.search_plan(q="fleet"):
        plan = selectors_public.published_decision_list(q="fleet", year=2021).explain()
    assert "decision_search_vector_gin" in plan
    assert "Seq Scan on decisions_decision" not in plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_stored_search_vector_follows_the_search_text(officer):
    decision = on_register(1071, drafting_officer=officer, search_text="Mounted branch horses")

    def vector() -> str:
        return Decision.objects.values_list("search_vector", flat=True).get(pk=decision.pk)

    assert vector() == "'branch':2 'hors':3 'mount':1"
    # A full save writes search_text again, and the trigger the vector from it.
    decision.refresh_from_db()
    decision.title = "Mounted branch"
    decision.search_vector = None  # what Python sends is overwritten by the trigger
    decision.save()
    assert vector() == "'branch':2 'hors':3 'mount':1"
    # A save of other fields leaves it; a new text replaces it.
    Decision.objects.filter(pk=decision.pk).update(title="Horses")
    assert vector() == "'branch':2 'hors':3 'mount':1"
    Decision.objects.filter(pk=decision.pk).update(search_text="River patrol boats")
    assert vector() == "'boat':3 'patrol':2 'river':1"
    assert selectors_public.published_decision_list(q='"patrol boats"').get() == decision
    assert not selectors_public.published_decision_list(q='"boats patrol"').exists()


def test_the_search_vector_is_not_in_the_history():
    assert "search_vector" not in {f.name for f in Decision.history.model._meta.fields}


def test_search_plan_does_nothing_without_a_search(django_assert_num_queries):
    with django_assert_num_queries(0), selectors_public.search_plan(q="  "):
        pass


def test_search_is_echoed_escaped(client, ivma):
    q = '<script>alert("x")</script> "IVMA'
    response = client.get(reverse("register:list"), {"q": q})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_a_very_long_search_is_cut_and_says_so(client, ivma):
    response = client.get(reverse("register:list"), {"q": "IVMA " + "x" * 10_000})
    assert response.status_code == 200
    assert response.context["filters"]["q"] == ("IVMA " + "x" * 10_000)[:200]
    assert response.context["notices"] == [
        "Your search was too long, so only its first 200 characters were used."
    ]
    assert len(response.content) < 50_000


def test_a_search_with_a_nul_character_is_not_an_error(client, ivma):
    response = client.get(reverse("register:list"), {"q": "IV\x00MA"})
    assert response.status_code == 200
    assert listed_references(response) == ["PCD 1069"]


@pytest.mark.parametrize("q", ["the", "&&&", "'", "!!", "-", '"', "a | b", "(", "*"])
def test_odd_searches_answer(client, ivma, q):
    assert client.get(reverse("register:list"), {"q": q}).status_code == 200


def test_filters_by_year_form_type_and_decision_maker_combine_with_search(client, officer):
    other_form = FormTypeFactory(name="Chief Executive Decision", slug="ced")
    on_register(1, drafting_officer=officer, published_at=at(2023, 5, 1), search_text="fleet")
    on_register(2, drafting_officer=officer, published_at=at(2024, 5, 1), search_text="fleet")
    on_register(
        3,
        drafting_officer=officer,
        published_at=at(2024, 6, 1),
        search_text="fleet",
        form_type=other_form,
        decision_maker=office("chief_executive"),
    )
    on_register(4, drafting_officer=officer, published_at=at(2024, 7, 1), search_text="horses")

    def refs(**query):
        return listed_references(client.get(reverse("register:list"), query))

    assert refs(year="2024") == ["PCD 4", "PCD 3", "PCD 2"]
    assert refs(year="2024", q="fleet") == ["PCD 3", "PCD 2"]
    assert refs(form_type="ced") == ["PCD 3"]
    assert refs(decision_maker="dmpc", year="2024") == ["PCD 4", "PCD 2"]
    assert refs(decision_maker="chief_executive", q="fleet", form_type="ced", year="2024") == [
        "PCD 3"
    ]
    response = client.get(reverse("register:list"), {"year": "2024", "q": "fleet"})
    assert "2 decisions found" in page_text(response)
    # The choices offered are those the register holds.
    form = response.context["form"]
    assert [c[0] for c in form.fields["year"].choices] == ["", 2024, 2023]
    assert [c[0] for c in form.fields["decision_maker"].choices] == [
        "",
        "dmpc",
        "chief_executive",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "1999"}, "Year published"),
        ({"year": "twenty"}, "Year published"),
        ({"year": "9" * 400}, "Year published"),
        ({"form_type": "<b>nope</b>"}, "Form type"),
        ({"decision_maker": "king"}, "Decision maker"),
    ],
)
def test_an_unknown_filter_is_set_aside_and_says_so(client, ivma, night_time, query, field):
    response = client.get(reverse("register:list"), query)
    assert response.status_code == 200
    assert listed_references(response) == ["PCD 1070", "PCD 1069"]
    assert response.context["notices"] == [
        f"{field}: that choice is not available, so it was not applied."
    ]
    body = response.content.decode()
    assert "govuk-error-message" not in body
    assert "<b>nope</b>" not in body


def test_the_register_links_to_its_open_data(client):
    body = client.get(reverse("register:list")).content.decode()
    for name in [
        "register:open_data",
        "register:export_csv",
        "register:export_json",
        "register:feed",
    ]:
        assert f'href="{reverse(name)}"' in body


# --- The record page ---------------------------------------------------------------------


def test_the_record_page_shows_part_one_as_the_pdf_does(client, ivma):
    response = client.get(reverse("register:detail", args=["pcd-1069"]))
    assert response.status_code == 200
    text = page_text(response)
    # The very text the publication wrote for search, from the Part 1 template the PDF
    # is made from, stands on the page.
    decision = selectors_public.published_decision_get(slug="pcd-1069")
    assert html.unescape(part_one_plain_text(decision=decision)) in text
    assert "Approve the spend of £1,482,400." in text
    assert "METROPOLITAN POLICE SERVICE" in text
    assert "Published 6 November 2021" in text
    assert "Signed 5 November 2021" in text
    assert ivma.published_pdf_sha256 in text
    body = response.content.decode()
    assert f'href="{reverse("register:pdf", args=["pcd-1069"])}"' in body
    assert f"PCD 1069 (PDF, {ivma.published_pdf.size} bytes)" in text
    assert "This decision was withdrawn" not in text


def test_a_withdrawn_record_keeps_its_page_with_a_notice(client, ivma):
    withdraw(ivma, on=at(2022, 1, 10), reason="Superseded by PCD 1100 & <b>its</b> terms.")
    response = client.get(reverse("register:detail", args=["pcd-1069"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="govuk-notification-banner"' in body
    assert "Reason: Superseded by PCD 1100 &amp; &lt;b&gt;its&lt;/b&gt; terms." in body
    text = page_text(response)
    assert "This decision was withdrawn on 10 January 2022." in text
    assert "Reason: Superseded by PCD 1100 & <b>its</b> terms." in text
    assert client.get(reverse("register:pdf", args=["pcd-1069"])).status_code == 200


def test_the_record_page_says_there_is_a_part_two_but_never_shows_it(client, officer):
    decision = on_register(1069, drafting_officer=officer, has_part_two=True)
    PartTwoFactory(decision=decision, content="SECRET-CONTENT-1", rationale="SECRET-WHY-1")
    text = page_text(client.get(reverse("register:detail", args=["pcd-1069"])))
    assert "Is there a Part 2 form – YES" in text
    assert "SECRET" not in text


def test_the_record_page_survives_a_missing_stored_pdf(client, ivma):
    default_storage.delete(ivma.published_pdf.name)
    response = client.get(reverse("register:detail", args=["pcd-1069"]))
    assert response.status_code == 200
    assert "PCD 1069 (PDF)" in page_text(response)


# --- The PDF -----------------------------------------------------------------------------


@pytest.fixture
def no_rendering(monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("The PDF was rendered on a request")

    monkeypatch.setattr("approvals.pdf.render_part_one_pdf", refuse)
    monkeypatch.setattr("approvals.publication.render_part_one_pdf", refuse)


def test_the_pdf_is_the_stored_file(client, ivma, no_rendering):
    with default_storage.open(ivma.published_pdf.name) as stored:
        expected = stored.read()
    response = client.get(reverse("register:pdf", args=["pcd-1069"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="pcd-1069.pdf"'
    assert response["Content-Length"] == str(len(expected))
    assert response["ETag"] == f'"{ivma.published_pdf_sha256}"'
    assert response["Last-Modified"] == http_date(ivma.published_at.timestamp())
    assert "public" in response["Cache-Control"]
    assert hashlib.sha256(expected).hexdigest() == ivma.published_pdf_sha256


def test_the_pdf_answers_a_conditional_get_with_304(client, ivma, no_rendering):
    url = reverse("register:pdf", args=["pcd-1069"])
    etag = f'"{ivma.published_pdf_sha256}"'
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    since = http_date(ivma.published_at.timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"another"').status_code == 200
    earlier = http_date((ivma.published_at - datetime.timedelta(days=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    assert client.head(url).status_code == 200


def test_the_pdf_costs_one_query(client, ivma, no_rendering):
    url = reverse("register:pdf", args=["pcd-1069"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert count_queries(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get(url, HTTP_IF_NONE_MATCH=f'"{ivma.published_pdf_sha256}"').status_code == 304
        )
    assert count_queries(queries) == 1


# --- The feed ----------------------------------------------------------------------------


def test_the_feed_is_atom_with_the_latest_publications(client, ivma, night_time):
    withdraw(night_time, on=at(2026, 4, 1), reason="Replaced.")
    response = client.get(reverse("register:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = xml_of(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "PCD 1070: Night-Time Economy Safety Fund 2026/27",
        "PCD 1069: Accelerated IVMA Improvements",
    ]
    ivma_entry = entries[1]
    assert ivma_entry.find(f"{ATOM}link").get("href") == "http://testserver/decisions/pcd-1069/"
    assert ivma_entry.findtext(f"{ATOM}updated") == "2021-11-06T12:00:00+00:00"
    assert ivma_entry.findtext(f"{ATOM}summary") == (
        "<p>This decision seeks approval for further deployments of IVMA devices.</p>"
    )
    assert (
        entries[0]
        .findtext(f"{ATOM}summary")
        .startswith("<p>Withdrawn on 1 April 2026. Reason: Replaced.</p>")
    )


def test_the_feed_holds_fifty_entries(client, officer):
    bulk_on_register(51, officer=officer)
    feed = xml_of(client.get(reverse("register:feed")).content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 50
    assert titles[0].startswith("PCD 5050:")


def test_the_feed_escapes_text(client, officer):
    on_register(
        1,
        drafting_officer=officer,
        title="Tom & Jerry <script>",
        executive_summary="Less < more & <b>bold</b>",
    )
    feed = xml_of(client.get(reverse("register:feed")).content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "PCD 1: Tom & Jerry <script>"
    assert entry.findtext(f"{ATOM}summary") == "<p>Less &lt; more &amp; &lt;b&gt;bold&lt;/b&gt;</p>"


# --- Open data ---------------------------------------------------------------------------

FIELDS = [name for name, _ in views_public.OPEN_DATA_FIELDS]
# The money of a record without money lines (test_open_data.py tests the money itself).
NO_MONEY = {
    "total_gbp": "0.00",
    "public_money_lines_total_gbp": "0.00",
    "public_money_lines_count": "0",
    "public_money_lines": "",
    "related_decisions": "",
    # Nor papers (test_published_papers.py tests those).
    "published_papers": "",
}


def test_the_fields_are_documented(client):
    text = page_text(client.get(reverse("register:open_data")))
    assert FIELDS[:13] == [
        "reference",
        "url",
        "pdf_url",
        "pdf_sha256",
        "title",
        "form_type",
        "decision_maker",
        "date_signed",
        "date_published",
        "status",
        "withdrawn_on",
        "withdrawal_reason",
        "executive_summary",
    ]
    for name, meaning in views_public.OPEN_DATA_FIELDS:
        assert f"{name} {meaning}" in text


def test_the_csv_export(client, ivma, night_time):
    withdraw(night_time, on=at(2026, 4, 1, 0), reason="Replaced by PCD 1080.")
    response = client.get(reverse("register:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == FIELDS
    assert [dict(zip(FIELDS, row, strict=True)) for row in rows[1:]] == [
        {
            "reference": "PCD 1070",
            "url": "http://testserver/decisions/pcd-1070/",
            "pdf_url": "http://testserver/decisions/pcd-1070.pdf",
            "pdf_sha256": night_time.published_pdf_sha256,
            "title": "Night-Time Economy Safety Fund 2026/27",
            "form_type": "DMPC Decision",
            "decision_maker": "Deputy Mayor for Policing and Crime",
            "date_signed": "2026-03-18",
            "date_published": "2026-03-19",
            "status": "withdrawn",
            "withdrawn_on": "2026-04-01",
            "withdrawal_reason": "Replaced by PCD 1080.",
            "executive_summary": "Grants for safer late-night town centres.",
            **NO_MONEY,
        },
        {
            "reference": "PCD 1069",
            "url": "http://testserver/decisions/pcd-1069/",
            "pdf_url": "http://testserver/decisions/pcd-1069.pdf",
            "pdf_sha256": ivma.published_pdf_sha256,
            "title": "Accelerated IVMA Improvements",
            "form_type": "DMPC Decision",
            "decision_maker": "Deputy Mayor for Policing and Crime",
            "date_signed": "2021-11-05",
            "date_published": "2021-11-06",
            "status": "published",
            "withdrawn_on": "",
            "withdrawal_reason": "",
            "executive_summary": (
                "This decision seeks approval for further deployments of IVMA devices."
            ),
            **NO_MONEY,
        },
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_guards_against_formula_injection(client, officer, start):
    on_register(
        1,
        drafting_officer=officer,
        title=f'{start}HYPERLINK("http://evil.example","Click")',
        executive_summary=f"{start}1+1",
    )
    Decision.objects.update(withdrawal_reason=f"{start}cmd|' /C calc'!A0")
    response = client.get(reverse("register:export_csv"))
    row = dict(
        zip(FIELDS, list(csv.reader(io.StringIO(response.content.decode())))[1], strict=True)
    )
    assert row["title"] == f'\'{start}HYPERLINK("http://evil.example","Click")'
    assert row["executive_summary"] == f"'{start}1+1"
    assert row["withdrawal_reason"] == f"'{start}cmd|' /C calc'!A0"
    # Only the CSV: JSON carries the text as it is.
    data = client.get(reverse("register:export_json")).json()
    assert data["decisions"][0]["title"] == f'{start}HYPERLINK("http://evil.example","Click")'


def test_the_csv_is_utf8(client, officer):
    on_register(1, drafting_officer=officer, title="Café – £50,000 “grants”")
    content = client.get(reverse("register:export_csv")).content
    assert "Café – £50,000 “grants”".encode() in content


def test_the_json_export(client, ivma, night_time):
    response = client.get(reverse("register:export_json"))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["count"] == 2
    assert [list(row) for row in data["decisions"]] == [FIELDS, FIELDS]
    first = data["decisions"][1]
    assert first["reference"] == "PCD 1069"
    assert first["url"] == "http://testserver/decisions/pcd-1069/"
    assert first["date_signed"] == "2021-11-05"
    assert first["withdrawn_on"] == ""
    assert first["status"] == "published"


# --- The sitemap -------------------------------------------------------------------------


def test_the_sitemap_lists_the_register_and_its_records(client, ivma, night_time, not_on_register):
    withdraw(night_time, on=at(2026, 4, 1), reason="Replaced.")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = xml_of(response.content).findall(f"{SITEMAP}url")
    assert [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in urls] == [
        ("http://testserver/decisions/", None),
        ("http://testserver/decisions/open-data/", None),
        ("http://testserver/decisions/pcd-1070/", "2026-04-01"),
        ("http://testserver/decisions/pcd-1069/", "2021-11-06"),
    ]


# --- Query counts ------------------------------------------------------------------------


def bulk_on_register(count: int, *, officer, start: int = 5000) -> None:
    """Many records on the register at once, sharing one stored PDF."""
    name, content = stored_pdf(start)
    form_type = FormTypeFactory()
    Decision.objects.bulk_create(
        Decision(
            form_type=form_type,
            series=form_type.series,
            number=start + n,
            title=f"Bulk decision {n}",
            executive_summary="Summary of a bulk decision.",
            drafting_officer=officer,
            decision_maker=office("dmpc"),
            status=Status.PUBLISHED,
            published_at=at(2024, 1, 1) + datetime.timedelta(hours=n),
            decided_at=at(2023, 12, 1),
            published_pdf=name,
            published_pdf_sha256=hashlib.sha256(content).hexdigest(),
            search_text="bulk decision fleet",
        )
        for n in range(count)
    )


PAGES = [
    reverse("register:list"),
    reverse("register:list") + "?q=fleet&year=2024&decision_maker=dmpc",
    reverse("register:list") + "?page=2",
    reverse("register:detail", args=["pcd-5000"]),
    reverse("register:pdf", args=["pcd-5000"]),
    reverse("register:feed"),
    reverse("register:export_csv"),
    reverse("register:export_json"),
    reverse("register:open_data"),
    "/sitemap.xml",
]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response)
    assert response.status_code == 200, url
    return count_queries(queries)


def test_query_counts_do_not_grow_with_the_register(client, officer):
    bulk_on_register(2, officer=officer)
    # Page 2 exists only with more than 20 records: measure it after the others grow.
    small = {url: queries_for(client, url) for url in PAGES if "page=2" not in url}
    bulk_on_register(23, officer=officer, start=5002)
    large = {url: queries_for(client, url) for url in PAGES}
    assert large.pop(PAGES[2]) == large[PAGES[0]]
    assert small == large
    # The most is the record page's 8 (test_the_detail_page_loads_its_parts_...).
    assert max(large.values()) <= 8, large


def test_the_detail_page_loads_its_parts_in_a_fixed_number_of_queries(client, ivma):
    for n in range(10):
        RecommendationFactory(decision=ivma, text=f"Recommendation {n}")
        # Links both ways, to and from records on the register and off it.
        earlier = on_register(100 + n)
        later = on_register(2000 + n)
        unpublished = DecisionFactory(number=3000 + n)
        for source, target in [(ivma, earlier), (later, ivma), (ivma, unpublished)]:
            RelatedDecision.objects.create(
                from_decision=source,
                relation="amends",
                to_decision=target,
                to_reference=target.reference,
            )
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("register:detail", args=["pcd-1069"]))
    # The record with its report, and its form's sections, recommendations, declaration
    # lines, links to earlier records, later records' links to it, sign-offs and
    # published papers.
    assert count_queries(queries) == 8
    assert (
        re.search("part ?two|parttwo", " ".join(q["sql"] for q in queries.captured_queries), re.I)
        is None
    )


def test_two_bodies_offices_of_one_code_are_told_apart_in_the_filter(client):
    """Each body's "mayor": two choices, by body; ?decision_maker=mayor still finds both."""
    from django.contrib.auth.models import Group

    from decisions.models import Office, Organisation

    city = Organisation.objects.create(name="City Council", short_name="City", slug="city")
    city_mayor = Office.objects.create(
        organisation=city,
        code="mayor",
        title="Mayor of the City",
        short_title="Mayor",
        group=Group.objects.create(name="City Mayor"),
        rank=40,
    )
    city_form = FormTypeFactory(
        organisation=city,
        name="City decision",
        slug="city-decision",
        series=ReferenceSeriesFactory(prefix="CD", name="City decisions"),
        offices=[city_mayor],
    )
    london = on_register(9001, title="London reserved matter", decision_maker=office("mayor"))
    local = on_register(
        9002,
        title="City matter",
        decision_maker=city_mayor,
        form_type=city_form,
        series=city_form.series,
    )
    options = selectors_public.published_decision_filter_options()
    assert ("mopac.mayor", "Mayor of London") in options.decision_makers
    assert ("city.mayor", "Mayor of the City") in options.decision_makers
    assert "mayor" not in dict(options.decision_makers)

    def titles(query: str) -> set[str]:
        return {d.title for d in selectors_public.published_decision_list(decision_maker=query)}

    assert titles("city.mayor") == {local.title}
    assert titles("mopac.mayor") == {london.title}
    assert titles("mayor") == {local.title, london.title}
    page = client.get("/decisions/?decision_maker=city.mayor")
    assert page.status_code == 200
    assert "City matter" in page.content.decode()
    assert "London reserved matter" not in page.content.decode()
