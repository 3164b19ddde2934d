import html
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from decisions.drafting import TASKS
from decisions.models import BackgroundPaper, Decision, ExpenditureLine
from tests.factories import (
    DecisionFactory,
    ExpenditureLineFactory,
    FormTypeFactory,
    PartTwoFactory,
    RecommendationFactory,
    SupportingReportFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "SENTINEL-PART-TWO-c41d"


@pytest.fixture
def draft(officer):
    decision = DecisionFactory(drafting_officer=officer, title="Accelerated IVMA Improvements")
    SupportingReportFactory(decision=decision)
    return decision


def draft_urls(decision) -> list[str]:
    base = reverse("approvals:task_list", args=[decision.pk])
    return [base, reverse("approvals:check", args=[decision.pk])] + [base + t.path for t in TASKS]


def errors_in(page: str) -> list[str]:
    """The error summary's messages, as a user reads them."""
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#[^"]*">([^<]*)</a>', summary)


def error_links(page: str) -> list[str]:
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]*)">', summary)


# The four permission cases (and administrators), for every page of a draft.


def test_anonymous_is_sent_to_sign_in_from_every_draft_page(client, draft):
    for url in draft_urls(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_user_without_a_role_is_refused_every_draft_page(client, make_user, draft):
    client.force_login(make_user())
    for url in draft_urls(draft):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.FINANCE, Role.DMPC, Role.CHIEF_EXECUTIVE])
def test_other_roles_are_refused_every_draft_page(client, make_user, draft, role):
    client.force_login(make_user(role))
    for url in draft_urls(draft):
        assert client.get(url).status_code == 403, url
        # A page that takes no POST (the task list, check your answers) refuses the
        # method first: 405, its Allow header without POST.
        posted = client.post(url, {"lock_version": draft.lock_version})
        if posted.status_code == 405:
            assert "POST" not in posted["Allow"], url
        else:
            assert posted.status_code == 403, url


def test_another_drafting_officer_is_told_no_draft_page_exists(client, make_user, draft):
    # Someone else's draft is not theirs to read (approvals.policies.can_read_record):
    # 404, as for a record that does not exist.
    client.force_login(make_user(Role.DRAFTING_OFFICER))
    for url in draft_urls(draft):
        assert client.get(url).status_code == 404, url


def test_the_drafting_officer_reaches_every_draft_page(client, officer, draft):
    client.force_login(officer)
    for url in draft_urls(draft):
        assert client.get(url).status_code == 200, url


def test_an_administrator_reaches_every_draft_page(client, make_user, draft):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    for url in draft_urls(draft):
        assert client.get(url).status_code == 200, url


def test_a_submitted_record_cannot_be_drafted_any_more(client, officer, draft):
    Decision.objects.filter(pk=draft.pk).update(status=Decision.Status.CLEARANCE, number=1070)
    client.force_login(officer)
    response = client.get(reverse("approvals:task_list", args=[draft.pk]))
    assert response.status_code == 403
    assert (
        "This record has been submitted: it can no longer be changed." in response.content.decode()
    )


def test_an_unknown_record_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("approvals:task_list", args=[424242])).status_code == 404


# Starting a record.


def test_a_drafting_officer_starts_a_record_that_they_own(client, officer):
    form_type = FormTypeFactory()
    client.force_login(officer)
    response = client.post(
        reverse("decisions:start"), {"form_type": form_type.pk, "title": "Body worn video"}
    )
    decision = Decision.objects.get(title="Body worn video")
    assert response.status_code == 302
    assert response.url == reverse("approvals:task_list", args=[decision.pk])
    assert decision.drafting_officer == officer
    assert decision.status == Decision.Status.DRAFT
    assert decision.number is None
    assert decision.series == form_type.series


def test_starting_without_answers_shows_both_errors(client, officer):
    FormTypeFactory()
    client.force_login(officer)
    response = client.post(reverse("decisions:start"), {"title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == [
        "Select the form for this decision",
        "Enter the title of the decision",
    ]
    assert error_links(page) == ["id_form_type_0", "id_title"]
    assert 'id="id_form_type_0"' in page and 'id="id_title"' in page


@pytest.mark.parametrize("user_roles", [[], [Role.FINANCE]])
def test_only_drafting_officers_start_records(client, make_user, user_roles):
    client.force_login(make_user(*user_roles))
    assert client.get(reverse("decisions:start")).status_code == 403


def test_anonymous_cannot_start_a_record(client):
    assert client.get(reverse("decisions:start")).status_code == 302


# Validation: the message beside the field, a 4xx, nothing lost.


def post_section(client, decision, path: str, data: dict):
    url = reverse("approvals:task_list", args=[decision.pk]) + path
    return client.post(url, {"lock_version": decision.lock_version, **data})


def test_empty_required_fields_are_refused_with_messages_and_the_input_kept(client, officer, draft):
    client.force_login(officer)
    response = post_section(client, draft, "title-summary/", {"title": "", "executive_summary": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == ["Enter the title of the decision", "Enter the executive summary"]
    assert 'id="id_title-error"' in page
    assert 'aria-describedby="id_title-error"' in page
    assert "govuk-input--error" in page
    draft.refresh_from_db()
    assert draft.title == "Accelerated IVMA Improvements"


def test_html_and_script_are_kept_as_text_and_never_run(client, officer, draft):
    client.force_login(officer)
    text = '<script>alert("x")</script> and <b>bold</b>'
    response = post_section(client, draft, "part-one/introduction/", {"text": text})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.introduction == text
    page = client.get(reverse("approvals:check", args=[draft.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_100000_character_paragraph_is_refused_and_kept_on_screen(client, officer, draft):
    client.force_login(officer)
    text = "x" * 100_000
    response = post_section(client, draft, "part-one/introduction/", {"text": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == ["Introduction and background must be 20,000 characters or fewer"]
    assert text in page
    assert "maxlength" not in page  # a browser would cut a paste silently
    draft.refresh_from_db()
    assert draft.introduction == "First paragraph.\n\nSecond paragraph."


def money_post(lines: list[dict], lock_version: int, action: str = "save") -> dict:
    data = {
        "lock_version": lock_version,
        "action": action,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": len(lines),
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 1000,
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            if key == "is_confidential" and not value:
                continue
            data[f"lines-{i}-{key}"] = value
    return data


def line(amount="1482400.00", year="2021/22", **extra) -> dict:
    return {
        "kind": "capital",
        "financial_year": year,
        "amount": amount,
        "funding_source": "MOPAC Approved Digital Policing (DP) Capital Budget",
        **extra,
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "Amount must be more than £0"),
        ("0", "Amount must be more than £0"),
        ("1e9", "Amount must be an amount of money, like 1482400.00"),
        ("12.345", "Amount must be in pounds and pence, with no more than 2 decimal places"),
        ("", "Enter the amount in pounds and pence"),
        ("NaN", "Amount must be an amount of money, like 1482400.00"),
    ],
)
def test_bad_amounts_are_refused_with_the_input_kept(client, officer, draft, amount, message):
    client.force_login(officer)
    url = reverse("decisions:draft_money", args=[draft.pk])
    response = client.post(url, money_post([line(amount=amount)], draft.lock_version))
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == [message]
    assert error_links(page) == ["id_lines-0-amount"]
    assert f'value="{amount}"' in page or amount == ""
    assert not ExpenditureLine.objects.filter(decision=draft).exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("£1,482,400.00", Decimal("1482400.00")),
        ("1482400", Decimal("1482400.00")),
        ("1,482,400.5", Decimal("1482400.50")),
        (" 0.01 ", Decimal("0.01")),
    ],
)
def test_amounts_as_people_write_them_are_taken_exactly(client, officer, draft, typed, stored):
    client.force_login(officer)
    url = reverse("decisions:draft_money", args=[draft.pk])
    response = client.post(url, money_post([line(amount=typed)], draft.lock_version))
    assert response.status_code == 302
    assert ExpenditureLine.objects.get(decision=draft).amount == stored


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2021/23", "The financial year must cover two consecutive years, like 2021/22"),
        ("21/22", "Enter the financial year like 2021/22"),
        ("", "Enter the financial year, like 2021/22"),
    ],
)
def test_bad_financial_years_are_refused(client, officer, draft, year, message):
    client.force_login(officer)
    url = reverse("decisions:draft_money", args=[draft.pk])
    response = client.post(url, money_post([line(year=year)], draft.lock_version))
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [message]


@pytest.mark.parametrize("year", ["２０２１/２２", "٢٠٢١/٢٢"])
def test_a_financial_year_takes_only_ascii_digits(client, officer, year):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_money", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "action": "save",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-kind": "capital",
            "lines-0-financial_year": year,
            "lines-0-amount": "５",
            "lines-0-funding_source": "Budget",
        },
    )
    assert response.status_code == 400
    assert not decision.expenditure_lines.exists()


def test_money_lines_are_added_and_removed_without_javascript(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_money", args=[draft.pk])
    # Add a second line: nothing is saved, the first line's typing is kept.
    response = client.post(url, money_post([line(amount="£100")], draft.lock_version, "add"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="£100"' in page
    assert 'name="lines-1-amount"' in page
    assert not ExpenditureLine.objects.exists()
    # Save two lines, one confidential.
    lines = [line(amount="100"), line(amount="50.50", kind="revenue", is_confidential="on")]
    assert client.post(url, money_post(lines, draft.lock_version)).status_code == 302
    saved = list(draft.expenditure_lines.order_by("position"))
    assert [(s.kind, s.amount, s.is_confidential) for s in saved] == [
        ("capital", Decimal("100.00"), False),
        ("revenue", Decimal("50.50"), True),
    ]
    # Remove the first line, then save: one line is left.
    draft.refresh_from_db()
    response = client.post(url, money_post(lines, draft.lock_version, "remove-0"))
    assert 'name="lines-1-amount"' not in response.content.decode()
    assert client.post(url, money_post(lines[1:], draft.lock_version)).status_code == 302
    assert [line.amount for line in draft.expenditure_lines.all()] == [Decimal("50.50")]


def recommendations_post(texts: list[str], lock_version: int, action: str = "save") -> dict:
    data = {
        "lock_version": lock_version,
        "action": action,
        "recommendations-TOTAL_FORMS": len(texts),
        "recommendations-INITIAL_FORMS": len(texts),
        "recommendations-MIN_NUM_FORMS": 0,
        "recommendations-MAX_NUM_FORMS": 1000,
    }
    data.update({f"recommendations-{i}-text": text for i, text in enumerate(texts)})
    return data


def test_recommendations_are_added_reordered_and_removed(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_recommendations", args=[draft.pk])
    response = client.post(
        url, recommendations_post(["First", "Second"], draft.lock_version, "down-0")
    )
    page = response.content.decode()
    assert page.index("\nSecond</textarea>") < page.index("\nFirst</textarea>")
    assert (
        client.post(url, recommendations_post(["Second", "First"], draft.lock_version)).status_code
        == 302
    )
    assert [r.text for r in draft.recommendations.all()] == ["Second", "First"]
    draft.refresh_from_db()
    assert client.post(url, recommendations_post(["First"], draft.lock_version)).status_code == 302
    assert [r.text for r in draft.recommendations.all()] == ["First"]


def test_at_least_one_recommendation_is_needed(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_recommendations", args=[draft.pk])
    response = client.post(url, recommendations_post([""], draft.lock_version))
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == ["Enter the recommendation, or remove it"]
    response = client.post(url, recommendations_post([], draft.lock_version))
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == ["Enter at least one recommendation"]


def test_a_list_button_with_an_odd_index_is_ignored(client, officer):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_recommendations", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "action": "remove-²",
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-INITIAL_FORMS": "0",
            "recommendations-0-text": "Kept",
        },
    )
    assert response.status_code == 200
    assert "Kept</textarea>" in response.content.decode()


def publication_post(decision, **data) -> dict:
    return {
        "lock_version": decision.lock_version,
        "part1_deferred": "False",
        "has_part_two": "False",
        **data,
    }


def test_a_deferral_needs_a_reason_and_a_future_date(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    data = publication_post(
        draft,
        part1_deferred="True",
        deferred_until_day=yesterday.day,
        deferred_until_month=yesterday.month,
        deferred_until_year=yesterday.year,
    )
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == [
        "Enter the reason for deferring publication",
        "The date publication is deferred until must be in the future",
    ]
    assert error_links(page)[1] == "id_deferred_until_day"
    assert f'value="{yesterday.year}"' in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2030", "Deferred until must be a real date"),
        ("1", "", "2030", "Deferred until must include a month"),
        ("x", "1", "2030", "Deferred until must be a real date"),
        ("", "", "", "Enter the date until which publication is deferred"),
    ],
)
def test_a_deferral_date_must_be_a_real_date(client, officer, draft, day, month, year, message):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    data = publication_post(
        draft,
        part1_deferred="True",
        deferral_reason="Operational",
        deferred_until_day=day,
        deferred_until_month=month,
        deferred_until_year=year,
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [message]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("99999999999999999999", "1", "2021"), ("31", "2", "2021"), ("٣", "1", "2030")],
)
def test_dates_that_are_not_real_are_refused_not_crashed(client, officer, day, month, year):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_report_details", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "protective_marking": "OFFICIAL – PUBLIC",
            "meeting_date_day": day,
            "meeting_date_month": month,
            "meeting_date_year": year,
        },
    )
    assert response.status_code == 400
    assert "Date of the meeting must be a real date" in response.content.decode()


def test_a_deferral_and_a_part_two_are_saved(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    data = publication_post(
        draft,
        part1_deferred="True",
        deferral_reason="Procurement under way",
        deferred_until_day="30",
        deferred_until_month="6",
        deferred_until_year="2099",
        has_part_two="True",
        part_two_content=SECRET,
        part_two_exemption="commercial",
        part_two_rationale="Section 43 FOIA",
    )
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.part1_deferred and draft.deferred_until.isoformat() == "2099-06-30"
    assert draft.has_part_two and draft.part_two.content == SECRET
    assert draft.publication_answered


def test_a_part_two_needs_its_content_and_rationale(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    response = client.post(url, publication_post(draft, has_part_two="True"))
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "Enter the exempt facts and advice of Part 2",
        "Enter the legal rationale for not publishing Part 2",
    ]


def test_unanswered_publication_questions_are_asked_again(client, officer, draft):
    client.force_login(officer)
    url = reverse("decisions:draft_publication", args=[draft.pk])
    response = client.post(url, {"lock_version": draft.lock_version})
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "Select yes if publication of Part 1 is to be deferred",
        "Select yes if there is a Part 2",
    ]


# Background papers.


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, decision, name: str, content: bytes, title: str = "Business case"):
    return client.post(
        reverse("decisions:draft_papers", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "title": title,
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


@pytest.mark.parametrize(
    ("name", "content"), [("case.pdf", pdf_bytes()), ("case.docx", docx_bytes())]
)
def test_a_paper_is_uploaded_under_a_safe_name_and_downloaded(
    client, officer, draft, name, content
):
    client.force_login(officer)
    response = upload(client, draft, f"../../etc/{name}", content)
    assert response.status_code == 302
    paper = BackgroundPaper.objects.get(decision=draft)
    assert paper.original_filename == name
    assert re.fullmatch(r"papers/[0-9a-f]{32}\.(pdf|docx)", paper.file.name)
    download = client.get(reverse("decisions:paper_download", args=[draft.pk, paper.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert f'filename="{name}"' in download["Content-Disposition"]


def test_an_executable_renamed_pdf_is_refused(client, officer, draft):
    client.force_login(officer)
    response = upload(client, draft, "report.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_in(page) == ["The selected file must be a PDF, DOCX, ODT or XLSX document"]
    assert 'value="Business case"' in page
    assert not BackgroundPaper.objects.exists()


def test_a_zip_that_is_no_office_document_is_refused(client, officer, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    client.force_login(officer)
    assert upload(client, draft, "report.docx", buffer.getvalue()).status_code == 400


def test_a_file_over_20_mb_is_refused(client, officer, draft):
    client.force_login(officer)
    response = upload(client, draft, "big.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024))
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == ["The selected file must be smaller than 20 MB"]


def test_a_paper_is_removed_with_its_file(
    client, officer, draft, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    upload(client, draft, "case.pdf", pdf_bytes())
    paper = BackgroundPaper.objects.get()
    storage, name = paper.file.storage, paper.file.name
    draft.refresh_from_db()
    url = reverse("decisions:draft_paper_remove", args=[draft.pk, paper.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"lock_version": draft.lock_version})
    assert response.status_code == 302
    assert not BackgroundPaper.objects.exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("roles", "status"),
    # A draft never submitted: its officer's alone (and administrators'); others get 404.
    [
        (None, 302),
        ([], 403),
        ([Role.FINANCE], 404),
        ([Role.DRAFTING_OFFICER], 404),
        ([Role.ADMINISTRATOR], 200),
    ],
)
def test_paper_download_permissions(client, make_user, officer, draft, roles, status):
    client.force_login(officer)
    upload(client, draft, "case.pdf", pdf_bytes())
    paper = BackgroundPaper.objects.get()
    client.logout()
    if roles is not None:
        client.force_login(make_user(*roles))
    assert (
        client.get(reverse("decisions:paper_download", args=[draft.pk, paper.pk])).status_code
        == status
    )


# No lost updates.


def test_a_save_from_an_old_version_is_refused_and_the_text_kept(client, officer, make_user, draft):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, first_name="Ada", last_name="Admin")
    old_version = draft.lock_version
    client.force_login(admin_user)
    assert (
        post_section(client, draft, "part-one/introduction/", {"text": "Admin's text"}).status_code
        == 302
    )

    client.force_login(officer)
    response = client.post(
        reverse("decisions:draft_part_one", args=[draft.pk, "introduction"]),
        {"lock_version": old_version, "text": "Officer's careful text"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ada Admin changed this record at" in page
    assert "Your changes have not been saved" in page
    assert "Officer&#x27;s careful text" in page
    draft.refresh_from_db()
    assert draft.introduction == "Admin's text"


def test_a_stale_list_save_is_refused_too(client, officer, draft):
    client.force_login(officer)
    old_version = draft.lock_version
    post_section(client, draft, "part-one/introduction/", {"text": "New"})
    url = reverse("decisions:draft_money", args=[draft.pk])
    response = client.post(url, money_post([line()], old_version))
    assert response.status_code == 409
    assert "You changed this record at" in response.content.decode()
    assert 'value="1482400.00"' in response.content.decode()
    assert not ExpenditureLine.objects.exists()


def test_saving_unchanged_content_writes_nothing(client, officer, draft):
    client.force_login(officer)
    version, history = draft.lock_version, draft.history.count()
    data = {"title": draft.title, "executive_summary": draft.executive_summary}
    assert post_section(client, draft, "title-summary/", data).status_code == 302
    draft.refresh_from_db()
    assert (draft.lock_version, draft.history.count()) == (version, history)


# Task list and check your answers.


def test_the_task_list_shows_each_status(client, officer, draft):
    client.force_login(officer)
    post_section(client, draft, "part-one/introduction/", {"text": "Why."})
    page = client.get(reverse("approvals:task_list", args=[draft.pk])).content.decode()

    def status_of(slug: str) -> str:
        block = page.split(f'id="task-{slug}-status">', 1)[1].split("</div>", 1)[0]
        return re.sub(r"<[^>]+>", "", block).strip()

    assert status_of("introduction") == "Completed"
    assert status_of("money") == "Not started"
    assert status_of("title-summary") == "Completed"
    assert status_of("report-details") == "In progress"  # the protective marking has a default
    assert status_of("publication") == "Not started"


def test_check_your_answers_previews_part_one_without_part_two(client, officer, draft):
    draft.has_part_two = True
    draft.save()
    PartTwoFactory(decision=draft, content=SECRET, rationale=SECRET)
    ExpenditureLineFactory(decision=draft, amount="98765.43", is_confidential=True)
    client.force_login(officer)
    page = client.get(reverse("approvals:check", args=[draft.pk])).content.decode()
    answers, preview = page.split("Part 1 as the public will see it", 1)
    assert SECRET in answers  # the drafter checks their own Part 2
    assert SECRET not in preview
    assert "98,765.43" not in preview
    assert "Is there a <strong>Part 2</strong> form – YES" in preview
    assert "1.1.</span> First paragraph." in preview


def test_check_your_answers_previews_the_form_s_fixed_sentences(client, officer, draft):
    # The preview is given only what it names: the wording must be among it.
    client.force_login(officer)
    page = client.get(reverse("approvals:check", args=[draft.pk])).content.decode()
    preview = html.unescape(page.split("Part 1 as the public will see it", 1)[1])
    assert (
        "I confirm I have considered whether or not I have any personal or prejudicial interest "
        "in this matter and take the proposed decision in compliance with the Code of Conduct. "
        "Any such interests are recorded below." in preview
    )
    assert "The above request has my approval." in preview
    assert "Not written yet." not in preview


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["approvals:task_list", "approvals:check"])
def test_draft_pages_cost_the_same_queries_however_big_the_record(client, officer, name):
    small = DecisionFactory(drafting_officer=officer)
    large = DecisionFactory(drafting_officer=officer, has_part_two=True)
    PartTwoFactory(decision=large)
    SupportingReportFactory(decision=large)
    SupportingReportFactory(decision=small)
    for _ in range(10):
        RecommendationFactory(decision=large)
        ExpenditureLineFactory(decision=large)
        BackgroundPaper.objects.create(
            decision=large,
            title="Paper",
            file="papers/x.pdf",
            original_filename="x.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=officer,
        )
    small.has_part_two = True
    small.save()
    PartTwoFactory(decision=small)
    client.force_login(officer)
    client.get(reverse("approvals:home"))
    assert count_queries(client, reverse(name, args=[small.pk])) == count_queries(
        client, reverse(name, args=[large.pk])
    )


def test_line_ends_from_browsers_are_stored_as_newlines(client, officer, draft):
    client.force_login(officer)
    post_section(
        client, draft, "part-one/introduction/", {"text": "One.\r\n\r\nTwo.\r\nStill two."}
    )
    draft.refresh_from_db()
    assert draft.introduction == "One.\n\nTwo.\nStill two."


def test_the_task_list_shows_the_route_live(client, officer, draft):
    ExpenditureLineFactory(decision=draft, amount="499999.99")
    client.force_login(officer)
    url = reverse("approvals:task_list", args=[draft.pk])
    assert (
        "To the Chief Executive: total £499,999.99, under delegation"
        in client.get(url).content.decode()
    )
    post_section(
        client,
        draft,
        "route/",
        {
            "significant_public_interest": "on",
            "significant_public_interest_justification": "A delegation to the Chief Executive.",
        },
    )
    assert (
        "To the Deputy Mayor for Policing and Crime: the matter is of significant public "
        "interest, contentious or novel — A delegation to the Chief Executive. "
        "(Scheme of Delegation and Consent, para 4.9)" in client.get(url).content.decode()
    )


def test_a_flag_that_needs_a_reason_is_refused_without_one_and_the_input_kept(
    client, officer, draft
):
    client.force_login(officer)
    response = post_section(client, draft, "route/", {"significant_public_interest": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    reason = "the matter is of significant public interest, contentious or novel"
    assert errors_in(page) == [f"Enter why {reason}"]
    assert 'id="id_significant_public_interest_justification-error"' in page
    # The box stays ticked, and the justification it reveals stays open.
    assert re.search(r'name="significant_public_interest" type="checkbox"[^>]*checked', page)
    assert (
        'class="govuk-checkboxes__conditional" id="conditional-id_significant_public_interest"'
        in page
    )
    draft.refresh_from_db()
    assert draft.significant_public_interest is False
    assert draft.flag_justifications == {}


def test_the_flags_and_their_reasons_are_saved(client, officer, draft):
    client.force_login(officer)
    response = post_section(
        client,
        draft,
        "route/",
        {
            "reserved_to_mayor": "on",
            # A reason for a flag not set is not kept.
            "significant_public_interest_justification": "Not ticked.",
            "reserved_to_mayor_justification": "Appointing the Commissioner.",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.reserved_to_mayor is True
    assert draft.significant_public_interest is False
    assert draft.flag_justifications == {"reserved_to_mayor": "Appointing the Commissioner."}
    page = client.get(reverse("approvals:task_list", args=[draft.pk])).content.decode()
    assert (
        "To the Mayor of London: the matter is reserved to the Mayor — Appointing the "
        "Commissioner. (Scheme of Delegation and Consent, para 1.1)" in html.unescape(page)
    )


def test_the_flags_offered_and_their_words_are_the_body_s(client, officer, draft):
    from decisions.models import EscalationFlag

    EscalationFlag.objects.filter(code="reserved_to_mayor").delete()
    EscalationFlag.objects.filter(code="significant_public_interest").update(
        label="The matter is a governance decision", reason="it is a governance decision"
    )
    client.force_login(officer)
    page = client.get(reverse("approvals:task_list", args=[draft.pk]) + "route/").content.decode()
    assert "The matter is a governance decision" in page
    assert 'name="reserved_to_mayor"' not in page
    post_section(
        client,
        draft,
        "route/",
        {
            "significant_public_interest": "on",
            "significant_public_interest_justification": "A delegation.",
        },
    )
    page = client.get(reverse("approvals:task_list", args=[draft.pk])).content.decode()
    assert "To the Deputy Mayor for Policing and Crime: it is a governance decision — A " in (
        html.unescape(page)
    )
