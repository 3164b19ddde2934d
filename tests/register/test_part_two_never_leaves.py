"""Part 2 never leaves: no public output carries a word of it, nor a confidential amount.

Two records are published through the real services with a sentinel in every Part 2
field and a confidential amount among their money lines: one taken through the whole
approval chain and published on approval, one approved and published by
decision_publish, then withdrawn. A third, approved with its publication deferred,
is not on the register. Every public address is then read, anonymously and signed
in as someone allowed to see Part 2, and searched for the sentinels.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from approvals.publication import decision_publish
from approvals.services import chief_executive_sign, decision_submit, decision_take
from core.roles import Role
from decisions.models import BackgroundPaper, Decision, DeclarationLine, PartTwo
from register.views import paper_public_name
from tests import factories
from tests.factories import (
    PASSWORD,
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    PartTwoFactory,
    RecommendationFactory,
    SupportingReportFactory,
    office,
)
from tests.workflow import clear_all

pytestmark = pytest.mark.django_db

Status = Decision.Status

# One word of each is searched for on the register.
CONTENT_SENTINEL = "PT2-SENTINEL-CONTENT zorblattcontent bidder Quimby Holdings"
RATIONALE_SENTINEL = "PT2-SENTINEL-RATIONALE zorblattrationale section 43"
CONFIDENTIAL_AMOUNT = "987654.32"
PUBLIC_AMOUNT = "1000.00"
# The rest of the confidential money line: the open data leaves it out whole.
CONFIDENTIAL_FUNDING = "Zorblattfunding reserve"
CONFIDENTIAL_YEAR = "2031/32"
# The confidential amount alone, and the total it makes with the public line.
FORBIDDEN = [
    "PT2-SENTINEL",
    "zorblatt",
    "Quimby",
    "987,654.32",
    "987654.32",
    "987,654",
    "988,654.32",
    "988654.32",
    # The exemption ground the records cite (PartTwo.Exemption.SPECIFIED_INFORMATION).
    "Specified Information",
    "Elected Local Policing Bodies",
    "specified_info_order",
    CONFIDENTIAL_YEAR,
]
# A background paper not marked for publication: its title, file name and bytes
# (FORBIDDEN's "zorblatt" finds each), and one that is, published under its title.
HIDDEN_PAPER_TITLE = "Zorblattpaper options appraisal"
HIDDEN_PAPER_NAME = "zorblattfile appraisal.pdf"
PAPER_BYTES = b"%PDF-1.7\n% TITLE\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HIDDEN_PAPER_BYTES = PAPER_BYTES.replace(b"TITLE", b"zorblattbytes")
PUBLISHED_PAPER_TITLE = "Wombatpaper business case"
# Part 1 words, to show that the outputs searched do carry the records.
PART_ONE_WORD = "Wombatfleet"

DECIDER = {
    "dmpc": Role.DMPC,
    "mayor": Role.MAYOR,
    "chief_executive": Role.CHIEF_EXECUTIVE,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_secrets(decision: Decision) -> None:
    """Part 2 with a sentinel in each of its fields, and a confidential amount."""
    ExpenditureLineFactory(
        decision=decision,
        amount=Decimal(CONFIDENTIAL_AMOUNT),
        is_confidential=True,
        position=2,
        kind="revenue",
        financial_year=CONFIDENTIAL_YEAR,
        funding_source=CONFIDENTIAL_FUNDING,
    )
    PartTwoFactory(
        decision=decision,
        content=f"The exempt facts: {CONTENT_SENTINEL}, at £987,654.32 ({CONFIDENTIAL_AMOUNT}).",
        rationale=f"Not published because {RATIONALE_SENTINEL}.",
        exemption=PartTwo.Exemption.SPECIFIED_INFORMATION,
    )
    Decision.objects.filter(pk=decision.pk).update(has_part_two=True)
    # Background papers: one not marked for publication, its title, name and bytes
    # sentinels; one marked, to show the papers do reach the outputs searched.
    attach_paper(decision, title=HIDDEN_PAPER_TITLE, name=HIDDEN_PAPER_NAME, publish=False)
    attach_paper(decision, title=PUBLISHED_PAPER_TITLE, name="business case.pdf", publish=True)


def attach_paper(decision: Decision, *, title: str, name: str, publish: bool) -> BackgroundPaper:
    content = PAPER_BYTES if publish else HIDDEN_PAPER_BYTES
    return factories.attach_paper(
        decision, title=title, name=name, publish=publish, content=content
    )


def part_one(**fields) -> dict:
    return {
        "title": f"{PART_ONE_WORD} replacement of patrol tablets",
        "executive_summary": f"This decision seeks approval for the {PART_ONE_WORD} programme.",
        "introduction": "The fleet needs new tablets.\n\nThe amounts are in Part 2.",
        "financial_comments": f"The public cost is £{PUBLIC_AMOUNT}; the rest is confidential.",
        **fields,
    }


@pytest.fixture
def through_the_chain(officer, people, ready_draft, django_capture_on_commit_callbacks):
    """Drafted, submitted, cleared, signed and approved through the services; published
    on approval by the task the approval enqueues."""
    decision = ready_draft(amount=PUBLIC_AMOUNT, **part_one())
    SupportingReportFactory(decision=decision, title="Tablets for the fleet")
    add_secrets(decision)
    decision.refresh_from_db()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    with django_capture_on_commit_callbacks(execute=True):
        # Whatever the route: the Chief Executive's statement if asked, then the decision.
        for _ in range(2):
            decision.refresh_from_db()
            sign = {"decision_id": decision.pk, "lock_version": decision.lock_version}
            sign["password"] = PASSWORD
            if decision.status == Status.CHIEF_EXECUTIVE:
                chief_executive_sign(user=people[Role.CHIEF_EXECUTIVE], **sign)
            elif decision.status == Status.DECISION_MAKER:
                decision_take(
                    user=people[DECIDER[decision.decision_maker.code]], approve=True, **sign
                )
    decision.refresh_from_db()
    assert decision.status == Status.PUBLISHED
    return decision


def complete_record(officer, number: int, **fields) -> Decision:
    decision = DecisionFactory(
        drafting_officer=officer,
        number=number,
        decision_maker=office("dmpc"),
        publication_answered=True,
        **part_one(**fields),
    )
    RecommendationFactory(decision=decision, text=f"Approve the {PART_ONE_WORD} programme.")
    ExpenditureLineFactory(decision=decision, amount=Decimal(PUBLIC_AMOUNT))
    DeclarationLineFactory(
        decision=decision, kind=DeclarationLine.Kind.DRAFTING_OFFICER, ticked=True
    )
    add_secrets(decision)
    Decision.objects.filter(pk=decision.pk).update(
        status=Status.APPROVED, decided_at=timezone.now()
    )
    return decision


@pytest.fixture
def published_then_withdrawn(officer):
    decision = complete_record(officer, 2001, title=f"{PART_ONE_WORD} second record")
    decision_publish(decision_id=decision.pk)
    Decision.objects.filter(pk=decision.pk, status=Status.PUBLISHED).update(
        status=Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Replaced by a later decision.",
    )
    decision.refresh_from_db()
    assert decision.status == Status.WITHDRAWN
    return decision


@pytest.fixture
def deferred(officer):
    decision = complete_record(officer, 2002, title=f"{PART_ONE_WORD} deferred record")
    Decision.objects.filter(pk=decision.pk).update(
        part1_deferred=True,
        deferred_until=timezone.localdate() + datetime.timedelta(days=90),
        deferral_reason="The contract is not yet signed.",
    )
    decision_publish(decision_id=decision.pk)
    decision.refresh_from_db()
    assert decision.status == Status.APPROVED
    return decision


def pdf_text(decision: Decision) -> str:
    with default_storage.open(decision.published_pdf.name) as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def without_echo(body: str, q: str) -> str:
    """The page less the places it repeats the search asked for (field, title, heading)."""
    return body.replace(f'value="{q}"', "").replace(f"“{q}”", "")


def leaks(text: str) -> list[str]:
    found = [word for word in FORBIDDEN if word.lower() in text.lower()]
    # An amount may be broken across a line or spaced out in extracted text.
    if re.search(r"98[78]\s*,?\s*654", text):
        found.append("98x,654")
    return found


def test_part_two_reaches_no_public_output(
    client, officer, through_the_chain, published_then_withdrawn, deferred
):
    first, second = through_the_chain, published_then_withdrawn
    # Part 2 really holds the sentinels, and the records really carry a confidential amount.
    assert first.part_two.content.count("zorblattcontent") == 1
    assert second.part_two.rationale.count("zorblattrationale") == 1
    assert first.expenditure_lines.filter(is_confidential=True).count() == 1

    assert second.part_two.get_exemption_display().count("Specified Information") == 1
    searches = [
        "zorblattcontent",
        "zorblattrationale",
        "Quimby",
        CONFIDENTIAL_AMOUNT,
        "988654.32",
        "Specified Information",
        "zorblattpaper",
        "zorblattfile",
        "zorblattbytes",
    ]
    hidden_papers = BackgroundPaper.objects.filter(publish=False, title=HIDDEN_PAPER_TITLE)
    shown_papers = BackgroundPaper.objects.filter(publish=True, decision__in=[first, second])
    assert hidden_papers.count() == 3 and shown_papers.count() == 2

    def paper_address(paper: BackgroundPaper) -> str:
        args = [paper.decision.slug, paper.pk, paper_public_name(paper)]
        return reverse("register:paper", args=args)

    addresses = [
        reverse("register:list"),
        reverse("register:list") + f"?q={PART_ONE_WORD}",
        reverse("register:detail", args=[first.slug]),
        reverse("register:detail", args=[second.slug]),
        reverse("register:feed"),
        reverse("register:export_csv"),
        reverse("register:export_json"),
        reverse("register:open_data"),
        "/sitemap.xml",
        reverse("register:detail", args=[deferred.slug]),
        reverse("register:pdf", args=[deferred.slug]),
        "/decisions/pcd-999999/",
        *[paper_address(paper) for paper in shown_papers],
        *[paper_address(paper) for paper in hidden_papers],
    ]
    failures = []
    for signed_in in (False, True):
        if signed_in:
            # The drafting officer, who may read these records' Part 2 on the staff pages.
            client.force_login(officer)
        for url in addresses:
            response = client.get(url)
            body = b"".join(response).decode(errors="replace")
            assert response.status_code in (200, 404), url
            failures += [(url, signed_in, word) for word in leaks(body)]
        for q in searches:
            response = client.get(reverse("register:list"), {"q": q})
            assert response.context["page"].paginator.count == 0, q
            failures += [
                (q, signed_in, w) for w in leaks(without_echo(response.content.decode(), q))
            ]
        for decision in (first, second):
            response = client.get(reverse("register:pdf", args=[decision.slug]))
            assert response.status_code == 200
    assert failures == []
    # An unpublished paper's address answers 404, as for no paper at all.
    for paper in hidden_papers:
        assert client.get(paper_address(paper)).status_code == 404
    # A published one is served, and listed on its record's page and in the open data.
    for paper in shown_papers:
        assert client.get(paper_address(paper)).status_code == 200
        page = client.get(reverse("register:detail", args=[paper.decision.slug]))
        assert paper_address(paper) in page.content.decode()

    # The outputs did carry the published records: the sweep above saw them.
    found = client.get(reverse("register:list"), {"q": PART_ONE_WORD})
    assert {d.pk for d in found.context["page"].object_list} == {first.pk, second.pk}
    for name in ("register:feed", "register:export_csv", "register:export_json", "sitemap"):
        body = b"".join(client.get(reverse(name))).decode()
        assert first.slug in body and second.slug in body, name
    # The open data did carry their money: the public line, no total, no count of the other.
    exported = client.get(reverse("register:export_json")).json()["decisions"]
    for row in exported:
        assert row["total_gbp"] == ""
        assert row["public_money_lines_total_gbp"] == PUBLIC_AMOUNT
        assert row["public_money_lines_count"] == 1
        assert [line["amount_gbp"] for line in row["public_money_lines"]] == [PUBLIC_AMOUNT]
        assert [paper["title"] for paper in row["published_papers"]] == [PUBLISHED_PAPER_TITLE]
    csv_body = client.get(reverse("register:export_csv")).content.decode()
    assert csv_body.count(f": {PUBLIC_AMOUNT}") == 2
    # The page of a record not yet published says nothing of it.
    not_found = client.get(reverse("register:detail", args=[deferred.slug])).content.decode()
    assert PART_ONE_WORD not in not_found


def test_part_two_is_not_in_the_published_pdfs_or_the_search_text(
    through_the_chain, published_then_withdrawn
):
    for decision in (through_the_chain, published_then_withdrawn):
        text = pdf_text(decision)
        assert PART_ONE_WORD in text, "the PDF text was extracted"
        assert "Is there a Part 2 form – YES" in " ".join(text.split())
        assert f"Published with this decision: • {PUBLISHED_PAPER_TITLE}" in " ".join(text.split())
        assert leaks(text) == []
        assert leaks(decision.search_text) == []
        assert PART_ONE_WORD in decision.search_text
