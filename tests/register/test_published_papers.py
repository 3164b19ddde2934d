"""Background papers on the register (issue 10, item 6): each paper is marked for
publication or not, by default as the record's public access answers say; a marked
paper of a record on the register is served at its own stable address and listed on
the record's page; any other paper answers the same 404 as no paper at all."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.canonical import decision_canonical_content, decision_content_hash
from decisions.models import BackgroundPaper, Decision
from register.views import paper_public_name
from tests.factories import DecisionFactory, SupportingReportFactory, attach_paper
from tests.register.test_register import at, count_queries, on_register, page_text, withdraw

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def attach(decision: Decision, *, title: str, name: str, publish: bool, content=PDF):
    return attach_paper(decision, title=title, name=name, publish=publish, content=content)


def paper_address(decision: Decision, paper: BackgroundPaper) -> str:
    return reverse("register:paper", args=[decision.slug, paper.pk, paper_public_name(paper)])


@pytest.fixture
def ivma(officer):
    return on_register(
        1069,
        title="Accelerated IVMA Improvements",
        drafting_officer=officer,
        published_at=at(2021, 11, 6),
    )


# --- The mark, on the drafting page ------------------------------------------------------


def upload(client, decision, title="Business case"):
    decision.refresh_from_db()
    return client.post(
        reverse("decisions:draft_papers", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "title": title,
            "file": SimpleUploadedFile("Business Case.pdf", PDF, content_type="application/pdf"),
        },
    )


@pytest.mark.parametrize(
    ("answers", "published"),
    [
        ({"part1_deferred": False, "has_part_two": False}, True),
        ({"part1_deferred": False, "has_part_two": True}, False),
        ({"part1_deferred": True, "deferred_until": at(2030, 1, 1).date()}, False),
    ],
)
def test_the_default_follows_the_public_access_answers(client, officer, answers, published):
    draft = DecisionFactory(drafting_officer=officer, **answers)
    SupportingReportFactory(decision=draft)
    client.force_login(officer)
    page = client.get(reverse("decisions:draft_papers", args=[draft.pk])).content.decode()
    assert ("is published with the decision" in page) is published
    assert upload(client, draft).status_code == 302
    assert BackgroundPaper.objects.get(decision=draft).publish is published


def test_a_paper_is_marked_and_unmarked_on_the_drafting_page(client, officer):
    draft = DecisionFactory(drafting_officer=officer, has_part_two=True)
    SupportingReportFactory(decision=draft)
    client.force_login(officer)
    upload(client, draft)
    paper = BackgroundPaper.objects.get(decision=draft)
    assert not paper.publish
    url = reverse("decisions:draft_paper_publish", args=[draft.pk, paper.pk])
    for choice, expected in [("yes", True), ("no", False), ("yes", True)]:
        draft.refresh_from_db()
        response = client.post(url, {"lock_version": draft.lock_version, "publish": choice})
        assert response.status_code == 302
        paper.refresh_from_db()
        assert paper.publish is expected
    page = client.get(reverse("decisions:draft_papers", args=[draft.pk])).content.decode()
    assert "Published with the decision" in page


def test_marking_from_an_old_page_is_refused(client, officer):
    draft = DecisionFactory(drafting_officer=officer)
    SupportingReportFactory(decision=draft)
    client.force_login(officer)
    upload(client, draft)
    paper = BackgroundPaper.objects.get(decision=draft)
    url = reverse("decisions:draft_paper_publish", args=[draft.pk, paper.pk])
    response = client.post(url, {"lock_version": 1, "publish": "no"})
    assert response.status_code == 409
    paper.refresh_from_db()
    assert paper.publish


def test_the_mark_cannot_change_once_the_record_is_published(client, officer, ivma):
    paper = attach(ivma, title="Business case", name="case.pdf", publish=True)
    client.force_login(officer)
    url = reverse("decisions:draft_paper_publish", args=[ivma.pk, paper.pk])
    response = client.post(url, {"lock_version": ivma.lock_version, "publish": "no"})
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.publish


def test_the_mark_is_signed(officer):
    draft = DecisionFactory(drafting_officer=officer)
    before = decision_content_hash(decision=draft)
    paper = attach(draft, title="Business case", name="case.pdf", publish=False)
    unmarked = decision_content_hash(decision=draft)
    assert unmarked != before
    paper.publish = True
    paper.save()
    assert decision_content_hash(decision=draft) != unmarked


def test_a_paper_signed_before_the_mark_existed_keeps_its_hash(officer):
    # The mark's default is left out of the signed document, so sign-offs given before
    # the migration still match.
    draft = DecisionFactory(drafting_officer=officer)
    attach(draft, title="Business case", name="case.pdf", publish=False)
    (paper,) = decision_canonical_content(decision=draft)["papers"]
    assert "publish" not in paper


# --- Served on the register --------------------------------------------------------------


def test_a_published_paper_is_served_with_its_bytes_type_and_safe_name(client, ivma):
    paper = attach(ivma, title="Business case", name="Business Case v2.pdf", publish=True)
    url = paper_address(ivma, paper)
    assert url == f"/decisions/pcd-1069/papers/{paper.pk}-business-case-v2.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Business Case v2.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_a_withdrawn_records_published_papers_stay(client, ivma):
    # The withdrawn record's page stays, with its notice; so do the papers it listed.
    paper = attach(ivma, title="Business case", name="case.pdf", publish=True)
    withdraw(ivma, on=at(2022, 1, 1), reason="Superseded")
    assert client.get(paper_address(ivma, paper)).status_code == 200


def test_an_unpublished_paper_answers_the_same_404_as_none(client, ivma, officer):
    published = attach(ivma, title="Business case", name="case.pdf", publish=True)
    hidden = attach(ivma, title="Zorblatt appraisal", name="zorblatt.pdf", publish=False)
    draft = DecisionFactory(drafting_officer=officer, number=77)
    of_draft = attach(draft, title="Draft appraisal", name="draft.pdf", publish=True)
    urls = [
        paper_address(ivma, hidden),
        f"/decisions/pcd-1069/papers/{published.pk + 100}-case.pdf",
        f"/decisions/pcd-1069/papers/{published.pk}-other.pdf",
        f"/decisions/pcd-1070/papers/{published.pk}-case.pdf",
        paper_address(draft, of_draft),
    ]
    bodies = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"zorblatt" not in response.content.lower()
        bodies.add(response.content)
    assert len(bodies) == 1


def test_the_page_lists_only_published_papers(client, ivma):
    published = attach(ivma, title="Business case", name="case.pdf", publish=True)
    attach(ivma, title="Zorblatt appraisal", name="zorblatt.pdf", publish=False)
    response = client.get(reverse("register:detail", args=[ivma.slug]))
    text = page_text(response)
    assert "Published with this decision: Business case (" in text
    assert f'href="{paper_address(ivma, published)}"' in response.content.decode()
    assert "zorblatt" not in response.content.decode().lower()


def test_the_page_reads_its_papers_in_one_query_whatever_their_number(client, ivma):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("register:detail", args=[ivma.slug])).status_code == 200
        return count_queries(captured)

    attach(ivma, title="Paper 0", name="p0.pdf", publish=True)
    one = queries()
    for n in range(1, 8):
        attach(ivma, title=f"Paper {n}", name=f"p{n}.pdf", publish=n % 2 == 0)
    assert queries() == one


def test_the_open_data_lists_published_papers_by_title_and_address(client, ivma):
    first = attach(ivma, title="Business case", name="case.pdf", publish=True)
    attach(ivma, title="Zorblatt appraisal", name="zorblatt.pdf", publish=False)
    second = attach(ivma, title="=Risk register", name="risks.pdf", publish=True)
    addresses = [f"http://testserver{paper_address(ivma, p)}" for p in (first, second)]
    (row,) = json.loads(client.get(reverse("register:export_json")).content)["decisions"]
    assert list(row)[-1] == "published_papers"
    assert row["published_papers"] == [
        {"title": "Business case", "url": addresses[0]},
        {"title": "=Risk register", "url": addresses[1]},
    ]
    csv_body = client.get(reverse("register:export_csv")).content.decode()
    (csv_row,) = list(csv.DictReader(io.StringIO(csv_body)))
    assert csv_row["published_papers"] == (
        f"Business case <{addresses[0]}>; =Risk register <{addresses[1]}>"
    )
    for body in (csv_body, json.dumps(row)):
        assert "zorblatt" not in body.lower()
    # The addresses given are the papers' own.
    assert client.get(addresses[1]).status_code == 200
