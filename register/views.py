"""The public register: no sign-in, published (and withdrawn) records only, Part 1 only.

Every view here is wrapped in `public`: the one access decision of the register,
"anyone, and the same for everyone". Which records may be seen is decided by
register.selectors, which reads published and withdrawn records only; any other
address answers 404.
"""

import csv
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from approvals.presenters import part_one_context
from core.views import get_or_404
from decisions.models import BackgroundPaper, Decision
from decisions.uploads import download_name

from . import selectors
from .forms import RegisterSearchForm

PAGE_SIZE = 20

# What the public may do here, said once: read, without signing in.
ACCESS = "public: published and withdrawn records only"

NOT_ON_REGISTER = "No such decision on the register"
NO_SUCH_PAPER = "No such paper on the register"


def public(view: Callable) -> Callable:
    """Open to anyone, and the same page for everyone: a signed-in member of staff sees
    exactly what the public sees (the request is treated as anonymous), so nothing on a
    public page can depend on who is asking. Read-only (GET and HEAD)."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.user = AnonymousUser()
        return view(request, *args, **kwargs)

    wrapped.access = ACCESS
    return wrapped


@public
def decision_list(request):
    form = RegisterSearchForm(request.GET, options=selectors.published_decision_filter_options())
    filters, notices = form.filters()
    with selectors.search_plan(q=filters["q"]):
        page, page_notice = paginate(selectors.published_decision_list(**filters), request.GET)
    context = {
        "form": form.for_display(filters),
        "filters": filters,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        ),
        "notices": [*notices, page_notice] if page_notice else notices,
        "nav": "register",
    }
    return render(request, "register/decision_list.html", context)


@public
def decision_detail(request, slug: str):
    decision = get_or_404(selectors.published_decision_get, slug=slug, not_found=NOT_ON_REGISTER)
    page_url = absolute_address(request, "register:detail")
    # A link to a record on the register goes to its page; any other is named by reference.
    for link in decision.related_links.all():
        prefix, _, number = link.to_reference.partition(" ")
        link.public_url = (
            page_url(selectors.public_slug(prefix=prefix, number=int(number)))
            if link.target_on_register and number.isdigit()
            else ""
        )
    for link in decision.linked_from_on_register:
        link.from_reference = link.from_decision.reference
        link.public_url = page_url(link.from_decision.slug)
    # On this page (only) the background papers section links each published paper.
    for paper in decision.published_papers:
        paper.public_url = paper_url(decision, paper)
    context = {
        **part_one_context(decision=decision),
        "pdf_size": stored_pdf_size(decision),
        "nav": "register",
    }
    return render(request, "register/decision_detail.html", context)


def _pdf_record(request: HttpRequest, slug: str) -> Decision:
    # Asked for by the conditional-GET checks and by the view: one query for all three.
    if getattr(request, "_register_pdf", None) is None:
        request._register_pdf = get_or_404(
            selectors.published_decision_pdf_get, slug=slug, not_found=NOT_ON_REGISTER
        )
    return request._register_pdf


@public
@cache_control(public=True, max_age=86400)
@condition(
    etag_func=lambda request, slug: _pdf_record(request, slug).published_pdf_sha256,
    last_modified_func=lambda request, slug: _pdf_record(request, slug).published_at,
)
def decision_pdf(request, slug: str):
    # The PDF stored at publication, byte for byte: never rendered on a request.
    decision = _pdf_record(request, slug)
    return FileResponse(
        decision.published_pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{decision.slug}.pdf",
    )


def paper_public_name(paper: BackgroundPaper) -> str:
    """The last part of a published paper's address: its safe name (the one staff
    download it under) as a slug with its type's extension, "business-case.pdf". Made
    from what never changes after upload, so the address is stable."""
    name = download_name(paper.original_filename, paper.content_type)
    stem, dot, extension = name.rpartition(".")
    stem, extension = (stem, extension) if dot else (name, "")
    slug = slugify(stem)[:100] or "paper"
    return f"{slug}.{extension.lower()}" if extension else slug


def paper_url(decision: Decision, paper: BackgroundPaper) -> str:
    return reverse("register:paper", args=[decision.slug, paper.pk, paper_public_name(paper)])


@public
@cache_control(public=True, max_age=86400)
def paper_download(request, slug: str, paper_id: int, name: str):
    # The same 404 for a paper not marked for publication, of a record not on the
    # register, or that does not exist, and for the right paper under a wrong name.
    try:
        paper = selectors.published_paper_get(slug=slug, paper_id=paper_id)
    except BackgroundPaper.DoesNotExist:
        raise Http404(NO_SUCH_PAPER) from None
    if name != paper_public_name(paper):
        raise Http404(NO_SUCH_PAPER)
    response = FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=download_name(paper.original_filename, paper.content_type),
        content_type=paper.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def open_data(request):
    return render(request, "register/open_data.html", {"fields": OPEN_DATA_FIELDS, "nav": "data"})


@public
def export_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    writer = csv.writer(response)
    writer.writerow(name for name, _ in OPEN_DATA_FIELDS)
    for row in open_data_rows(request):
        row["public_money_lines_count"] = str(row["public_money_lines_count"])
        row["public_money_lines"] = csv_lines(row["public_money_lines"])
        row["related_decisions"] = "; ".join(
            f"{link['relation']} {link['reference']}" for link in row["related_decisions"]
        )
        row["published_papers"] = "; ".join(
            f"{paper['title']} <{paper['url']}>" for paper in row["published_papers"]
        )
        writer.writerow(csv_safe(value) for value in row.values())
    return response


@public
def export_json(request):
    rows = open_data_rows(request)
    return JsonResponse(
        {"count": len(rows), "decisions": rows}, json_dumps_params={"ensure_ascii": False}
    )


# --- Helpers ---------------------------------------------------------------------------


def _nearest_page(paginator: Paginator, query) -> tuple[Page, str | None]:
    asked = query.get("page", "1").strip() or "1"
    if not asked.isdecimal() or not asked.strip("0"):
        return paginator.page(1), "That page number is not valid, so the first page is shown."
    # Ten digits or more is past any last page (and int() of thousands of digits fails).
    if len(asked) > 9 or int(asked) > paginator.num_pages:
        last = paginator.num_pages
        notice = f"There {'is only 1 page' if last == 1 else f'are only {last} pages'}"
        return paginator.page(last), f"{notice}, so the last page is shown."
    return paginator.page(int(asked)), None


def paginate(queryset, query) -> tuple[Page, str | None]:
    """The page asked for, read now, or the nearest there is with a notice saying so."""
    page, notice = _nearest_page(Paginator(queryset, PAGE_SIZE), query)
    page.object_list = list(page.object_list)
    return page, notice


def stored_pdf_size(decision: Decision) -> int | None:
    try:
        return decision.published_pdf.size
    except OSError:
        return None  # the page still shows; the PDF address reports the fault


# The open data fields, in the order of the CSV columns, with their meaning.
OPEN_DATA_FIELDS: list[tuple[str, str]] = [
    ("reference", "The decision's reference, such as PCD 1069."),
    ("url", "The address of the decision's page on this register."),
    ("pdf_url", "The address of the published Part 1 PDF."),
    ("pdf_sha256", "The SHA-256 checksum of the PDF, in hexadecimal, to check a copy."),
    ("title", "The title of the decision."),
    ("form_type", "The kind of decision form, such as DMPC Decision."),
    ("decision_maker", "Who took the decision, such as the Deputy Mayor for Policing and Crime."),
    ("date_signed", "The date the decision maker signed the decision (YYYY-MM-DD)."),
    ("date_published", "The date the decision was published on this register (YYYY-MM-DD)."),
    ("status", "published, or withdrawn if the decision was withdrawn after publication."),
    ("withdrawn_on", "The date the decision was withdrawn (YYYY-MM-DD); empty if it was not."),
    ("withdrawal_reason", "Why the decision was withdrawn; empty if it was not."),
    ("executive_summary", "The executive summary of the decision form."),
    # The money, as the public may see it; amounts in pounds as plain decimals (1482400.00).
    (
        "total_gbp",
        "The total of the decision's money lines, in pounds (0.00 when no money is involved);"
        " empty when part of it is confidential (stated only in Part 2), so that no"
        " confidential amount can be worked out from it.",
    ),
    (
        "public_money_lines_total_gbp",
        "The total of the money lines published below, in pounds: the whole total when"
        " no amount is confidential, else the public part of it.",
    ),
    ("public_money_lines_count", "How many money lines are published below."),
    (
        "public_money_lines",
        "The money lines, in the order of the form, confidential ones left out entirely."
        " In the JSON, a list of objects with kind (capital or revenue), financial_year"
        " (such as 2021/22), funding_source and amount_gbp. In the CSV, one text value:"
        ' each line as "kind financial_year, funding_source: amount", separated by "; "'
        " (use the JSON to read the lines by machine).",
    ),
    # New fields are only ever added at the end.
    (
        "related_decisions",
        "The earlier decisions this one amends, supersedes, revokes or relates to. In the"
        " JSON, a list of objects with relation (amends, supersedes, revokes or relates_to)"
        ' and reference (such as PCD 134). In the CSV, one text value: "relation reference"'
        ' for each, separated by "; ", such as "amends PCD 134; supersedes PCD 12".',
    ),
    (
        "published_papers",
        "The background papers published with the decision, in the order of the form."
        " In the JSON, a list of objects with title and url (the paper's address on this"
        ' register). In the CSV, one text value: each paper as "title <url>", separated'
        ' by "; ".',
    ),
]


def _iso_date(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def absolute_address(request: HttpRequest, name: str) -> Callable[[str], str]:
    """slug → the absolute address of register:`name` for that record. reverse() runs
    once, not once a row: the address is made for a placeholder, then filled in."""
    head, _, tail = request.build_absolute_uri(reverse(name, args=["zz-1"])).rpartition("zz-1")
    return lambda slug: f"{head}{slug}{tail}"


def open_data_rows(request: HttpRequest) -> list[dict]:
    """One dict a record on the register, keyed and ordered as OPEN_DATA_FIELDS."""
    page_url = absolute_address(request, "register:detail")
    pdf_url = absolute_address(request, "register:pdf")
    # reverse() once, as absolute_address does: the address is made for placeholders.
    head, _, tail = request.build_absolute_uri(
        reverse("register:paper", args=["zz-1", 1, "zz"])
    ).partition("zz-1")
    papers_base, _, _ = tail.rpartition("1-zz")

    def paper_address(slug: str, paper_id: int, name: str) -> str:
        return f"{head}{slug}{papers_base}{paper_id}-{name}"

    rows = []
    for row in selectors.published_decision_export():
        slug = selectors.public_slug(prefix=row["series__prefix"], number=row["number"])
        rows.append(
            {
                "reference": f"{row['series__prefix']} {row['number']}",
                "url": page_url(slug),
                "pdf_url": pdf_url(slug),
                "pdf_sha256": row["published_pdf_sha256"],
                "title": row["title"],
                "form_type": row["form_type__name"],
                "decision_maker": row["decision_maker__title"] or "",
                "date_signed": _iso_date(row["date_signed"]),
                "date_published": _iso_date(row["published_at"]),
                "status": row["status"],
                "withdrawn_on": _iso_date(row["withdrawn_at"]),
                "withdrawal_reason": row["withdrawal_reason"],
                "executive_summary": row["executive_summary"],
                "total_gbp": _gbp(row["total"]),
                "public_money_lines_total_gbp": _gbp(row["public_total"]),
                "public_money_lines_count": len(row["public_lines"]),
                "public_money_lines": [
                    {
                        "kind": line["kind"],
                        "financial_year": line["financial_year"],
                        "funding_source": line["funding_source"],
                        "amount_gbp": _gbp(line["amount"]),
                    }
                    for line in row["public_lines"]
                ],
                "related_decisions": [
                    {"relation": link["relation"], "reference": link["to_reference"]}
                    for link in row["related"]
                ],
                "published_papers": [
                    {
                        "title": paper.title,
                        "url": paper_address(slug, paper.pk, paper_public_name(paper)),
                    }
                    for paper in row["published_papers"]
                ],
            }
        )
    return rows


def _gbp(amount: Decimal | None) -> str:
    # Pounds and pence as a plain decimal: no symbol, no thousands separator.
    return "" if amount is None else f"{amount:.2f}"


def csv_lines(lines: list[dict[str, str]]) -> str:
    """Money lines as the one CSV value: "capital 2021/22, Capital budget: 1000.00; ..."."""
    return "; ".join(
        f"{line['kind']} {line['financial_year']}, {line['funding_source']}: {line['amount_gbp']}"
        for line in lines
    )


# A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
