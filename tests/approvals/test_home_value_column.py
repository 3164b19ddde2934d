"""The "All records" Value column on the staff home (approvals:home, issue 10 item 9).

A member of staff who may not see Part 2 sees only the public total of a record with a
confidential line, never a total that counts the confidential amount; one who may see
Part 2 sees the whole total. The column asks decisions.selectors.with_visible_total,
as the record page does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DecisionFactory, ExpenditureLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_confidential_line(officer):
    decision = DecisionFactory(drafting_officer=officer, submitted=True, title="Fleet renewal")
    ExpenditureLineFactory(decision=decision, amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="987654.32", is_confidential=True)
    return decision


def value_cell(client, decision) -> str:
    """The Value cell of the record's row on the home page, as printed."""
    response = client.get(reverse("approvals:home"))
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index("All records, newest first") :]
    row = table[table.index(decision.title) :]
    row = row[: row.index("</tr>")]
    return row[row.rindex('<td class="govuk-table__cell govuk-table__cell--numeric">') :]


def test_value_column_without_part_two_shows_only_the_public_total(
    client, reader_without_part_two, with_confidential_line
):
    client.force_login(reader_without_part_two)
    cell = value_cell(client, with_confidential_line)
    assert "£1,000.00" in cell
    assert "and a confidential amount" in cell
    for whole in ("988,654.32", "988654.32", "987,654.32", "987654.32"):
        assert whole not in cell
    # Nor anywhere else on the page.
    page = client.get(reverse("approvals:home")).content.decode()
    assert "988,654.32" not in page and "987,654.32" not in page


def test_value_column_with_part_two_shows_the_whole_total(client, finance, with_confidential_line):
    client.force_login(finance)
    cell = value_cell(client, with_confidential_line)
    assert "£988,654.32" in cell
    assert "confidential" not in cell


def test_value_column_query_count_does_not_grow_with_the_records(
    client, reader_without_part_two, with_confidential_line
):
    client.force_login(reader_without_part_two)
    client.get(reverse("approvals:home"))  # the first request of a session does more

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("approvals:home")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(10):
        decision = DecisionFactory(submitted=True)
        ExpenditureLineFactory(decision=decision, amount="10.00")
        ExpenditureLineFactory(decision=decision, amount="20.00", is_confidential=True)
    assert count() == few
