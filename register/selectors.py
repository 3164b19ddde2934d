"""Reads for the public register: published and withdrawn records only, Part 1 only.

Every public page and export reads through this module, and every query here
starts from `_on_register()`, so a record that is not on the register (draft, in
approval, approved but deferred, not approved) can never reach the public. Nothing
here loads Part 2; of the background papers, only those marked for publication
(published_papers); of the money, only the lines not confidential leave
(published_decision_export), and a total only when no confidential amount counted in it.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from approvals.models import SignOff
from approvals.policies import on_register_filter
from decisions.models import PUBLIC_RELATIONS, BackgroundPaper, Decision, FormType, RelatedDecision
from decisions.selectors import money_totals, public_expenditure_lines, visible_total

# Longer searches are cut to this; a search of more words than this uses the first ones.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 12
# More than any register will hold: a LIMIT that only keeps a sub-select apart.
_SEARCH_FENCE = 10**9

# A public address part as Decision.slug makes it ("pcd-1069"): the series prefix in
# lower case, a hyphen, the number in ASCII digits, no leading zero, at most nine digits
# (a larger number is no record's, and no integer column's).
SLUG_REGEX = r"[a-z]{2,10}-[1-9][0-9]{0,8}"

# Fields a list, feed or export row needs: never search_text, which is the whole Part 1.
_ROW_FIELDS = (
    "series__prefix",
    "number",
    "title",
    "executive_summary",
    "form_type__name",
    "form_type__slug",
    "decision_maker__title",
    "decided_at",
    "status",
    "published_at",
    "published_pdf_sha256",
    "withdrawn_at",
    "withdrawal_reason",
)


def _on_register() -> QuerySet[Decision]:
    return Decision.objects.filter(on_register_filter())


def _with_date_signed(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    # The date the decision maker signed: decided_at, else the standing decision sign-off.
    signed = SignOff.objects.filter(
        decision=OuterRef("pk"), kind=SignOff.Kind.DECISION, voided_at__isnull=True
    ).order_by("-signed_at")
    return queryset.annotate(
        date_signed=Coalesce(F("decided_at"), Subquery(signed.values("signed_at")[:1]))
    )


def _rows(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    return _with_date_signed(
        queryset.select_related("series", "form_type", "decision_maker").only(*_ROW_FIELDS)
    ).order_by("-published_at", "-pk")


@dataclass(frozen=True)
class RegisterFilterOptions:
    """The values the register can be filtered by: only those some public record has."""

    years: list[int]
    form_types: list[tuple[str, str]]
    decision_makers: list[tuple[str, str]]


def published_decision_filter_options() -> RegisterFilterOptions:
    """Years of publication, form types and decision makers found on the register.

    The years run from the latest publication's back to the first's (in London time),
    read from the published_at index: three queries, whatever the number of records.
    """
    bounds = _on_register().aggregate(first=Min("published_at"), last=Max("published_at"))
    years = []
    if bounds["first"] is not None:
        first, last = (timezone.localtime(bounds[key]).year for key in ("first", "last"))
        years = list(range(last, first - 1, -1))
    form_types = (
        FormType.objects.filter(on_register_filter(prefix="decisions__"))
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    # By the office's code (the filter value, as in ?decision_maker=dmpc), highest office
    # first. Where two bodies' offices share a code (each body's "mayor"), each is its own
    # choice, by body and code ("northbridge.mayor"); the code alone still filters.
    offices = [
        row
        for row in _on_register()
        .order_by("-decision_maker__rank", "decision_maker__title")
        .values_list(
            "decision_maker__organisation__slug", "decision_maker__code", "decision_maker__title"
        )
        .distinct()
        if row[1]
    ]
    bodies_of: dict[str, set[str]] = {}
    for slug, code, _ in offices:
        bodies_of.setdefault(code, set()).add(slug)
    makers: dict[str, str] = {}
    for slug, code, title in offices:
        value = code if len(bodies_of[code]) == 1 else f"{slug}.{code}"
        makers.setdefault(value, title)
    return RegisterFilterOptions(
        years=years,
        form_types=list(form_types),
        decision_makers=list(makers.items()),
    )


def published_decision_list(
    *,
    q: str = "",
    year: int | None = None,
    form_type: str = "",
    decision_maker: str = "",
) -> QuerySet[Decision]:
    """Records on the register (published or withdrawn), newest publication first.

    `q` is a full-text search of the published Part 1 text (search_text). On
    PostgreSQL: web-search syntax ("a phrase", -not, or) with English stemming, through
    the GIN index of migration 0007; matches in the title first, then in the executive
    summary, then newest first; evaluate it inside search_plan(). Elsewhere: every word
    must appear (case-insensitive), newest first. `year` is the year of publication
    (London time), `form_type` a form type's slug, `decision_maker` an office's
    code. Each record carries `date_signed`. The Part 1 text itself is not loaded:
    published_decision_get reads one record for its page.
    """
    queryset = _rows(_on_register())
    if year is not None:
        queryset = queryset.filter(published_at__year=year)
    if form_type:
        queryset = queryset.filter(form_type__slug=form_type)
    if decision_maker:
        slug, _, code = decision_maker.rpartition(".")
        queryset = queryset.filter(decision_maker__code=code)
        if slug:
            queryset = queryset.filter(decision_maker__organisation__slug=slug)
    q = search_terms(q)
    if q:
        queryset = _search(queryset, q)
    return queryset


def search_terms(q: str) -> str:
    """A search as the register runs it: NUL removed, whitespace collapsed, at most
    SEARCH_MAX_LENGTH characters (PostgreSQL refuses NUL in text)."""
    return " ".join(q.replace("\x00", "").split())[:SEARCH_MAX_LENGTH].strip()


def _search(queryset: QuerySet[Decision], q: str) -> QuerySet[Decision]:
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, q)
    # Web-search quotes mean a phrase on PostgreSQL; here each word is simply looked for.
    for word in q.replace('"', " ").split()[:SEARCH_MAX_WORDS]:
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


def _search_postgresql(queryset: QuerySet[Decision], q: str) -> QuerySet[Decision]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    query = SearchQuery(q, config="english", search_type="websearch")
    # The match is a sub-select of its own, kept apart by its LIMIT (PostgreSQL does not
    # merge a limited sub-select into the outer query), so that it is planned on its own
    # and the GIN index of migration 0007 (on search_vector) finds the records.
    # Merged with the other filters, the planner may instead read the records a filter
    # selects and check the stored vector of each.
    matching = Decision.objects.filter(search_vector=query).order_by().values("pk")[:_SEARCH_FENCE]
    # Ranked by where the words stand, the title before the executive summary (both
    # short, their vectors computed for the matches only): a word in the title says
    # more of a record than the same word deep in its text.
    rank = SearchRank(
        SearchVector("title", weight="A", config="english")
        + SearchVector("executive_summary", weight="B", config="english"),
        query,
    )
    return (
        queryset.filter(pk__in=matching)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-pk")
    )


@contextmanager
def search_plan(*, q: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Evaluate a register search for `q` inside this, so that PostgreSQL finds the
    matches through the GIN index whatever it estimates.

    PostgreSQL underestimates what reading every record's stored vector costs (each is
    kept out of line, compressed), so it may choose to read the whole table rather
    than ask the index: 75 ms rather than 25 ms for a rare word in 5,000 records
    (bench/README.md). Within a transaction of its own (a savepoint, inside another),
    sequential scans are made a last resort for the queries run inside, and put back
    afterwards. Without a search, or elsewhere than
    PostgreSQL: nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or not search_terms(q):
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def published_decision_get(*, slug: str) -> Decision:
    """One record on the register by its public address ("pcd-1069"), with every part
    Part 1 shows loaded (report, its form's sections, recommendations, declaration lines,
    standing sign-offs) and its related decisions in seven queries, ready for
    presenters.part_one_context.

    Its links to earlier records carry `target_on_register` (the page links those, and
    names the others by reference only); `linked_from_on_register` holds the links to it
    from later records on the register, each with its `from_decision`'s series, never
    a draft's or an unpublished record's.

    Raises Decision.DoesNotExist when no published or withdrawn record has that address.
    """
    prefix, number = _parse_slug(slug)
    queryset = _with_date_signed(
        _on_register()
        .filter(series__prefix=prefix, number=number)
        .select_related(*PUBLIC_RELATIONS, "report")
        .prefetch_related(
            "form_type__sections",
            "recommendations",
            "declaration_lines",
            Prefetch(
                "related_links",
                queryset=RelatedDecision.objects.annotate(
                    target_on_register=Exists(_on_register().filter(pk=OuterRef("to_decision_id")))
                ),
            ),
            Prefetch(
                "linked_from",
                queryset=RelatedDecision.objects.filter(from_decision__in=_on_register())
                .select_related("from_decision__series")
                .only(
                    "relation",
                    "to_decision",
                    "from_decision__number",
                    "from_decision__series__prefix",
                )
                .order_by("from_decision__series__prefix", "from_decision__number", "pk"),
                to_attr="linked_from_on_register",
            ),
            Prefetch(
                "signoffs",
                queryset=SignOff.objects.filter(voided_at__isnull=True).order_by("signed_at", "pk"),
            ),
            Prefetch("papers", queryset=published_papers(), to_attr="published_papers"),
        )
    )
    return queryset.get()


# What the public may know of a paper: never the stored file's name or who uploaded it.
_PAPER_FIELDS = ("id", "decision_id", "title", "original_filename", "content_type", "size")


def published_papers() -> QuerySet[BackgroundPaper]:
    """The background papers marked for publication, in the record's order. Only ever
    read for records on the register."""
    return BackgroundPaper.objects.filter(publish=True).only(*_PAPER_FIELDS)


def published_paper_get(*, slug: str, paper_id: int) -> BackgroundPaper:
    """A paper marked for publication of a record on the register, with its file, in one
    query. Raises BackgroundPaper.DoesNotExist for any other paper (unpublished, of a
    record not on the register, or none), so that none can be told from another."""
    try:
        prefix, number = _parse_slug(slug)
    except Decision.DoesNotExist:
        raise BackgroundPaper.DoesNotExist(f"No record at {slug!r}") from None
    return (
        published_papers()
        .filter(
            pk=paper_id, decision__in=_on_register().filter(series__prefix=prefix, number=number)
        )
        .only(*_PAPER_FIELDS, "file", "uploaded_at")
        .get()
    )


def published_decision_pdf_get(*, slug: str) -> Decision:
    """The stored PDF's name, hash and date of a record on the register, in one query.

    Raises Decision.DoesNotExist when no published or withdrawn record has that address.
    """
    prefix, number = _parse_slug(slug)
    return (
        _on_register()
        .filter(series__prefix=prefix, number=number)
        .select_related("series")
        .only("series__prefix", "number", "published_pdf", "published_pdf_sha256", "published_at")
        .get()
    )


def published_decision_feed(*, limit: int = 50) -> list[Decision]:
    """The latest `limit` publications, newest first, for the Atom feed."""
    return list(_rows(_on_register())[:limit])


# The open data fields as read from the database (values, not model instances: an
# export reads every record on the register).
EXPORT_VALUES = (
    "series__prefix",
    "number",
    "published_pdf_sha256",
    "title",
    "form_type__name",
    "decision_maker__title",
    "date_signed",
    "published_at",
    "status",
    "withdrawn_at",
    "withdrawal_reason",
    "executive_summary",
)


# A public money line's fields, in the order the open data gives them.
PUBLIC_LINE_VALUES = ("kind", "financial_year", "funding_source", "amount")
_NO_MONEY = {"total_value": Decimal("0.00"), "public_value": Decimal("0.00")}


def published_decision_export() -> list[dict]:
    """Every record on the register, newest publication first, as dicts of EXPORT_VALUES,
    for the open data exports, each with its money as the public may see it:

    - `public_lines`: the lines not confidential, in the record's order, as dicts of
      PUBLIC_LINE_VALUES; a confidential line is not there at all;
    - `public_total`: the sum of those lines;
    - `total`: the record's total, or None when a confidential amount counted in it
      (decisions.selectors.visible_total, the rule of the staff pages, for a reader
      who may not see Part 2).

    - `related`: its links to earlier records, as dicts of relation and to_reference,
      in the record's order;
    - `published_papers`: its background papers marked for publication, in its order.

    Five queries, whatever the number of records, lines, links and papers: the records,
    their totals (read to apply visible_total, never handed on: one may count a
    confidential amount), every public line of the register at once, every link at
    once, and every published paper.
    """
    records = list(_rows(_on_register()).values("pk", *EXPORT_VALUES))
    totals = money_totals(decisions=_on_register())
    lines = defaultdict(list)
    for line in (
        public_expenditure_lines()
        .filter(decision__in=_on_register().values("pk"))
        .values("decision_id", *PUBLIC_LINE_VALUES)
    ):
        lines[line.pop("decision_id")].append(line)
    related = defaultdict(list)
    for link in (
        RelatedDecision.objects.filter(from_decision__in=_on_register().values("pk"))
        .order_by("from_decision", "position", "pk")
        .values("from_decision_id", "relation", "to_reference")
    ):
        related[link.pop("from_decision_id")].append(link)
    papers = defaultdict(list)
    for paper in published_papers().filter(decision__in=_on_register().values("pk")):
        papers[paper.decision_id].append(paper)
    for record in records:
        pk = record.pop("pk")
        record["published_papers"] = papers.get(pk, [])
        public_total, left_out = visible_total(**totals.get(pk, _NO_MONEY), may_see_part_two=False)
        record["public_lines"] = lines.get(pk, [])
        record["related"] = related.get(pk, [])
        record["public_total"] = public_total
        # A total that counts a confidential amount is not told: only the public lines' sum.
        record["total"] = None if left_out else public_total
    return records


def published_decision_sitemap() -> QuerySet:
    """Every record on the register as dicts of prefix, number and the dates a sitemap
    entry needs, newest publication first."""
    return (
        _on_register()
        .order_by("-published_at", "-pk")
        .values("series__prefix", "number", "published_at", "withdrawn_at")
    )


def public_slug(*, prefix: str, number: int) -> str:
    """The address part of a record from its series prefix and number, as Decision.slug."""
    return f"{prefix.lower()}-{number}"


def _parse_slug(slug: str) -> tuple[str, int]:
    if re.fullmatch(SLUG_REGEX, slug) is None:
        raise Decision.DoesNotExist(f"No record at {slug!r}")
    prefix, _, number = slug.partition("-")
    return prefix.upper(), int(number)
