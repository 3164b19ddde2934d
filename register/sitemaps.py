"""The sitemap: the register's own pages and every record on it."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property

from .selectors import public_slug, published_decision_sitemap


class RegisterPagesSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["register:list", "register:open_data"]

    def location(self, item: str) -> str:
        return reverse(item)


class RegisterDecisionsSitemap(Sitemap):
    def items(self):
        return published_decision_sitemap()

    @cached_property
    def _address(self) -> tuple[str, str]:
        # reverse() once for the whole sitemap, not once a record.
        head, _, tail = reverse("register:detail", args=["zz-1"]).rpartition("zz-1")
        return head, tail

    def location(self, item: dict) -> str:
        head, tail = self._address
        return f"{head}{public_slug(prefix=item['series__prefix'], number=item['number'])}{tail}"

    def lastmod(self, item: dict):
        return item["withdrawn_at"] or item["published_at"]


SITEMAPS = {"register": RegisterPagesSitemap, "decisions": RegisterDecisionsSitemap}
