"""Related decisions on the register (issue 10, item 5): both records' pages, the
Part 1 PDF and the open data."""

import csv
import io
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from approvals import pdf
from approvals.selectors import decision_with_parts
from decisions.models import RelatedDecision
from decisions.services import related_decision_add
from tests.factories import DecisionFactory, SupportingReportFactory
from tests.register.test_register import at, on_register, page_text

pytestmark = pytest.mark.django_db


def link(source, target, relation="amends") -> RelatedDecision:
    return RelatedDecision.objects.create(
        from_decision=source,
        position=source.related_links.count() + 1,
        relation=relation,
        to_decision=target,
        to_reference=target.reference,
    )


@pytest.fixture
def pair(officer):
    """PCD 740 amends PCD 134, both on the register."""
    earlier = on_register(134, title="Delegation to the Chief Executive", drafting_officer=officer)
    later = on_register(
        740, title="Amended delegation", drafting_officer=officer, published_at=at(2024, 5, 1)
    )
    link(later, earlier)
    return earlier, later


def test_both_pages_show_the_link_and_link_to_each_other(client, pair):
    earlier, later = pair
    later_page = client.get(reverse("register:detail", args=["pcd-740"]))
    assert "Amends PCD 134" in page_text(later_page)
    assert 'href="http://testserver/decisions/pcd-134/">PCD 134</a>' in later_page.content.decode()
    earlier_page = client.get(reverse("register:detail", args=["pcd-134"]))
    assert "Amended by PCD 740" in page_text(earlier_page)
    assert (
        'href="http://testserver/decisions/pcd-740/">PCD 740</a>' in earlier_page.content.decode()
    )


def test_a_record_not_on_the_register_is_named_by_reference_only(client, officer, pair):
    earlier, later = pair
    # PCD 741 is approved but not published; it supersedes PCD 740 and amends PCD 134.
    hidden = DecisionFactory(number=741, title="Zorblatt secret title", submitted=True)
    link(hidden, later, "supersedes")
    link(hidden, earlier)
    # PCD 740, on the register, relates to PCD 741, which is not.
    link(later, hidden, "relates_to")
    text = page_text(client.get(reverse("register:detail", args=["pcd-740"])))
    assert "Relates to PCD 741" in text
    assert (
        "pcd-741" not in client.get(reverse("register:detail", args=["pcd-740"])).content.decode()
    )
    assert "Zorblatt" not in text
    # A later record not yet on the register does not show on the earlier one's page.
    assert "Superseded by" not in text
    assert "PCD 741" not in page_text(client.get(reverse("register:detail", args=["pcd-134"])))


def test_the_part_one_pdf_says_which_records_it_amends(officer, pair):
    earlier, _ = pair
    draft = DecisionFactory(drafting_officer=officer, title="A further amendment")
    SupportingReportFactory(decision=draft)
    related_decision_add(
        decision_id=draft.pk,
        user=officer,
        lock_version=draft.lock_version,
        relation="supersedes",
        reference="PCD 134",
    )
    data = pdf.render_part_one_pdf(decision=decision_with_parts(pk=draft.pk))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages
    )
    assert "Related decisions:" in text
    assert "Supersedes PCD 134" in text


def test_the_open_data_lists_each_records_links(client, pair):
    earlier, later = pair
    other = on_register(12, published_at=at(2020, 1, 1))
    link(later, other, "supersedes")
    rows = {
        row["reference"]: row
        for row in client.get(reverse("register:export_json")).json()["decisions"]
    }
    assert rows["PCD 740"]["related_decisions"] == [
        {"relation": "amends", "reference": "PCD 134"},
        {"relation": "supersedes", "reference": "PCD 12"},
    ]
    assert rows["PCD 134"]["related_decisions"] == []
    response = client.get(reverse("register:export_csv"))
    csv_rows = {
        row["reference"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    }
    assert csv_rows["PCD 740"]["related_decisions"] == "amends PCD 134; supersedes PCD 12"
    assert csv_rows["PCD 12"]["related_decisions"] == ""
    # Added at the end, before the published papers (added after it).
    assert list(csv_rows["PCD 740"])[-2:] == ["related_decisions", "published_papers"]
