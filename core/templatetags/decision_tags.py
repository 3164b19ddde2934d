from decimal import Decimal

from django import template

from core.text import split_paragraphs

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    return split_paragraphs(text)


@register.filter
def pounds(amount: Decimal | None) -> str:
    """£1,482,400.00: exact pounds and pence with thousands separators."""
    if amount is None:
        return ""
    return f"£{amount:,.2f}"


@register.filter
def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def slugify_field(path: str) -> str:
    """A section's field name as it stands in addresses: gdpr_privacy → gdpr-privacy."""
    return path.replace("_", "-")


@register.filter
def incomplete_tasks(groups) -> list:
    return [task for _, tasks in groups for task, status in tasks if status != "Completed"]
