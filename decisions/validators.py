import re

from django.core.exceptions import ValidationError

from .sections import heading_pattern_errors

_FINANCIAL_YEAR = re.compile(r"^([0-9]{4})/([0-9]{2})$")


def validate_financial_year(value: str) -> None:
    """A financial year is written like 2021/22: four digits, a slash, the next year's two."""
    match = _FINANCIAL_YEAR.match(value or "")
    if not match:
        raise ValidationError("Enter the financial year like 2021/22", code="financial_year_format")
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        raise ValidationError(
            "The financial year must cover two consecutive years, like 2021/22",
            code="financial_year_consecutive",
        )


def validate_series_prefix(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{2,10}", value or ""):
        raise ValidationError("Enter a prefix of 2 to 10 capital letters, like PCD", code="prefix")


def validate_heading_pattern(value: str) -> None:
    """A form's heading names only the placeholders decisions.sections.form_heading fills."""
    errors = heading_pattern_errors(value or "")
    if errors:
        raise ValidationError(errors, code="heading_placeholder")
