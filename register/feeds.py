"""The register's Atom feed: the latest publications, Part 1 summaries only."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join

from approvals.policies import is_withdrawn
from core.text import split_paragraphs
from decisions.models import Decision

from .selectors import published_decision_feed

FEED_LENGTH = 50


class RegisterFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("register:list")
    feed_url = reverse_lazy("register:feed")
    language = "en-GB"

    def title(self) -> str:
        return f"{settings.ORGANISATION_SHORT_NAME} decisions"

    def subtitle(self) -> str:
        return f"Decisions published by the {settings.ORGANISATION_NAME}, newest first."

    def author_name(self) -> str:
        return settings.ORGANISATION_NAME

    def items(self) -> list[Decision]:
        return published_decision_feed(limit=FEED_LENGTH)

    def item_title(self, item: Decision) -> str:
        # Atom titles are text, escaped once by the feed writer.
        return f"{item.reference}: {item.title}"

    def item_link(self, item: Decision) -> str:
        return reverse("register:detail", args=[item.slug])

    def item_description(self, item: Decision) -> str:
        # The summary is HTML in Atom: each paragraph of the executive summary, escaped.
        paragraphs = split_paragraphs(item.executive_summary)
        if is_withdrawn(item):
            on = date_format(timezone.localtime(item.withdrawn_at), "j F Y")
            withdrawn = f"Withdrawn on {on}. Reason: {item.withdrawal_reason}"
            paragraphs.insert(0, withdrawn)
        return format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs))

    def item_pubdate(self, item: Decision):
        return item.published_at

    def item_updateddate(self, item: Decision):
        return item.published_at
