"""The open data's money, decision maker and dates (issue 10, item 7).

Records are put on the register directly, as test_register.py does;
test_part_two_never_leaves.py publishes through the real services and sweeps the
exports for confidential amounts and Part 2.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import publication
from approvals.models import SignOff
from approvals.publication import decision_publish
from decisions.models import (
    BackgroundPaper,
    Decision,
    ExpenditureLine,
    RelatedDecision,
)
from decisions.selectors import decision_list_with_visible_totals
from tests.factories import ExpenditureLineFactory, office
from tests.register.test_register import (
    at,
    bulk_on_register,
    on_register,
    queries_for,
)

pytestmark = pytest.mark.django_db

# The fields as issue 9 left them: names and order are a public contract.
EXISTING_FIELDS = [
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
MONEY_FIELDS = [
    "total_gbp",
    "public_money_lines_total_gbp",
    "public_money_lines_count",
    "public_money_lines",
]
RELATED_FIELDS = ["related_decisions"]
# Issue 10, item 6: the background papers published with the record.
PAPER_FIELDS = ["published_papers"]
# A confidential line: its amount, the total it makes with the public line, its words.
SECRET_AMOUNT = Decimal("987654.32")
SECRET_WORDS = ["987654.32", "987,654", "988654.32", "Zorblattfund", "2029/30"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_rows(client) -> list[dict[str, str]]:
    response = client.get(reverse("register:export_csv"))
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    return list(reader)


def json_rows(client) -> list[dict]:
    return client.get(reverse("register:export_json")).json()["decisions"]


def line(decision, position: int, **fields) -> ExpenditureLine:
    return ExpenditureLineFactory(decision=decision, position=position, **fields)


@pytest.fixture
def ivma(officer):
    decision = on_register(1069, drafting_officer=officer, title="Accelerated IVMA Improvements")
    line(
        decision,
        1,
        kind="capital",
        financial_year="2021/22",
        amount=Decimal("1482400.00"),
        funding_source="Digital Policing Capital Budget",
    )
    line(decision, 2, kind="revenue", financial_year="2022/23", amount=Decimal("250.5"))
    return decision


@pytest.fixture
def with_secret(officer):
    decision = on_register(1070, drafting_officer=officer, title="Tablets, part confidential")
    line(decision, 1, amount=Decimal("1000.00"), funding_source="Public fund")
    line(
        decision,
        2,
        kind="revenue",
        financial_year="2029/30",
        amount=SECRET_AMOUNT,
        funding_source="Zorblattfund reserve",
        is_confidential=True,
    )
    return decision


def test_open_data_existing_fields_keep_their_names_and_order(client, ivma):
    header = client.get(reverse("register:export_csv")).content.decode().splitlines()[0]
    assert header.split(",") == EXISTING_FIELDS + MONEY_FIELDS + RELATED_FIELDS + PAPER_FIELDS
    assert list(json_rows(client)[0]) == (
        EXISTING_FIELDS + MONEY_FIELDS + RELATED_FIELDS + PAPER_FIELDS
    )


def test_open_data_a_record_with_only_public_lines_has_its_total_and_lines(client, ivma):
    [row] = csv_rows(client)
    assert {name: row[name] for name in MONEY_FIELDS} == {
        "total_gbp": "1482650.50",
        "public_money_lines_total_gbp": "1482650.50",
        "public_money_lines_count": "2",
        "public_money_lines": (
            "capital 2021/22, Digital Policing Capital Budget: 1482400.00; "
            "revenue 2022/23, Digital Policing Capital Budget: 250.50"
        ),
    }
    [record] = json_rows(client)
    assert {name: record[name] for name in MONEY_FIELDS} == {
        "total_gbp": "1482650.50",
        "public_money_lines_total_gbp": "1482650.50",
        "public_money_lines_count": 2,
        "public_money_lines": [
            {
                "kind": "capital",
                "financial_year": "2021/22",
                "funding_source": "Digital Policing Capital Budget",
                "amount_gbp": "1482400.00",
            },
            {
                "kind": "revenue",
                "financial_year": "2022/23",
                "funding_source": "Digital Policing Capital Budget",
                "amount_gbp": "250.50",
            },
        ],
    }


def test_open_data_a_confidential_line_leaves_only_the_public_lines(client, with_secret):
    [row] = csv_rows(client)
    assert {name: row[name] for name in MONEY_FIELDS} == {
        "total_gbp": "",
        "public_money_lines_total_gbp": "1000.00",
        "public_money_lines_count": "1",
        "public_money_lines": "capital 2021/22, Public fund: 1000.00",
    }
    [record] = json_rows(client)
    assert record["total_gbp"] == ""
    assert record["public_money_lines_total_gbp"] == "1000.00"
    assert record["public_money_lines_count"] == 1
    assert [item["amount_gbp"] for item in record["public_money_lines"]] == ["1000.00"]
    for name in ("register:export_csv", "register:export_json"):
        body = client.get(reverse(name)).content.decode()
        assert [word for word in SECRET_WORDS if word.lower() in body.lower()] == [], name


def test_open_data_total_is_the_one_staff_without_part_two_see(
    client, ivma, with_secret, reader_without_part_two
):
    # One rule (decisions.selectors.visible_total): the export tells the total exactly
    # when the staff list tells it to a reader who may not see Part 2 whole.
    staff = {d.pk: d for d in decision_list_with_visible_totals(user=reader_without_part_two)}
    exported = {r["reference"]: r for r in json_rows(client)}
    for decision in (ivma, with_secret):
        seen = staff[decision.pk]
        row = exported[decision.reference]
        assert row["public_money_lines_total_gbp"] == f"{seen.visible_total:.2f}"
        assert (row["total_gbp"] == "") is seen.hides_confidential_amount


def test_open_data_a_record_without_money_says_zero(client, officer):
    on_register(1, drafting_officer=officer)
    [row] = json_rows(client)
    assert row["total_gbp"] == "0.00"
    assert row["public_money_lines_count"] == 0
    assert row["public_money_lines"] == []


def test_open_data_decision_maker_and_dates(client, officer):
    # Signed late on 30 June (UTC), which is 1 July in London; published 2 July.
    on_register(
        1,
        drafting_officer=officer,
        decision_maker=office("mayor"),
        decided_at=datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC),
        published_at=at(2024, 7, 2, 9),
    )
    for row in (csv_rows(client)[0], json_rows(client)[0]):
        assert row["decision_maker"] == "Mayor of London"
        assert row["date_signed"] == "2024-07-01"
        assert row["date_published"] == "2024-07-02"


def test_open_data_query_counts_do_not_grow_with_records_and_lines(client, officer):
    exports = [reverse("register:export_csv"), reverse("register:export_json")]

    def with_lines(count: int, start: int) -> None:
        bulk_on_register(count, officer=officer, start=start)
        for decision_id in Decision.objects.filter(number__gte=start).values_list("pk", flat=True):
            ExpenditureLine.objects.bulk_create(
                ExpenditureLine(
                    decision_id=decision_id,
                    position=n,
                    kind="capital",
                    financial_year="2024/25",
                    amount=Decimal("10.00"),
                    is_confidential=n == 3,
                )
                for n in range(1, 4)
            )
            RelatedDecision.objects.bulk_create(
                RelatedDecision(
                    from_decision_id=decision_id,
                    position=n,
                    relation="amends",
                    to_reference=f"PCD {n}",
                )
                for n in range(1, 3)
            )
            BackgroundPaper.objects.bulk_create(
                BackgroundPaper(
                    decision_id=decision_id,
                    title=f"Paper {n}",
                    file=f"papers/{decision_id}-{n}.pdf",
                    original_filename=f"paper {n}.pdf",
                    content_type="application/pdf",
                    size=10,
                    uploaded_by=officer,
                    publish=n != 2,
                )
                for n in range(1, 4)
            )

    with_lines(1, 5000)
    small = [queries_for(client, url) for url in exports]
    with_lines(12, 5001)
    large = [queries_for(client, url) for url in exports]
    assert small == large == [5, 5]
    assert json.loads(client.get(exports[1]).content)["count"] == 13


def test_open_data_decision_maker_and_dates_of_a_record_signed_through_the_services(
    client, approve, monkeypatch
):
    # Approved and published through the real services: the date signed is the decision
    # maker's sign-off, the maker named as the record page names them. The PDF is not
    # what is tested here: a few bytes stand in for it (tests/approvals' fake_renderer).
    monkeypatch.setattr(
        publication, "render_part_one_pdf", lambda *, decision, draft=False: b"%PDF-fake"
    )
    decision = approve(amount="620000.00")
    decision_publish(decision_id=decision.pk)
    decision.refresh_from_db()
    signed = decision.signoffs.get(kind=SignOff.Kind.DECISION, voided_at__isnull=True)
    for row in (csv_rows(client)[0], json_rows(client)[0]):
        assert row["decision_maker"] == decision.decision_maker_title
        assert row["date_signed"] == timezone.localdate(signed.signed_at).isoformat()
        assert row["date_published"] == timezone.localdate(decision.published_at).isoformat()
        assert row["total_gbp"] == "620000.00"
