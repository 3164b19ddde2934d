"""Django forms rendered in GOV.UK Frontend's markup.

Every form of the product uses GovukFormMixin: its fields render through
templates/forms/field.html (label or legend, hint, error message, input), carry
the GOV.UK classes, point aria-describedby at their hint and error, and say
where the error summary should link to.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukBoundField(forms.BoundField):
    # By BoundField.widget_type: the widget's class name less "Input"/"Widget".
    INPUT_CLASSES = {
        "text": "govuk-input",
        "number": "govuk-input",
        "email": "govuk-input",
        "password": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
        "clearablefile": "govuk-file-upload",
    }

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def error_anchor(self) -> str:
        """The id of the input the error summary links to: the first of a group."""
        if self.widget_type == "radioselect":
            return f"{self.auto_id}_0"
        if self.widget_type == "govukdate":
            return f"{self.auto_id}_day"
        return self.auto_id

    @property
    def is_group(self) -> bool:
        return self.widget_type in ("radioselect", "govukdate")

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        widget = widget or self.field.widget
        css = [
            self.INPUT_CLASSES.get(widget_type, ""),
            widget.attrs.get("class", ""),
            attrs.get("class", ""),
        ]
        if self.errors and widget_type in self.INPUT_CLASSES:
            css.append(f"{self.INPUT_CLASSES[widget_type]}--error")
        elif self.errors and widget_type == "govukdate":
            css.append("govuk-input--error")
        if any(css):
            attrs["class"] = " ".join(c for c in css if c)
        # Groups (radios, dates) are described on their fieldset instead.
        if not self.is_group:
            if self.described_by:
                attrs["aria-describedby"] = self.described_by
            else:
                attrs.pop("aria-describedby", None)
        return attrs


class GovukFormMixin:
    bound_field_class = GovukBoundField
    template_name_div = "forms/div.html"
    # Headings: "l" makes the only field's label the page's h1.
    label_size: str = "m"

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for each error, in the order of the fields, for the summary."""
        errors = [(self._first_anchor(), str(e)) for e in self.non_field_errors()]
        for bound in self:
            errors.extend((bound.error_anchor, str(e)) for e in bound.errors)
        return errors

    def _first_anchor(self) -> str:
        first = next(iter(self), None)
        return first.error_anchor if first is not None else ""


class GovukDateWidget(forms.MultiWidget):
    """Three boxes, day, month and year, as the GOV.UK date input pattern."""

    template_name = "forms/widgets/date.html"
    PARTS = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        super().__init__(
            widgets={name: forms.TextInput(attrs={"inputmode": "numeric"}) for name in self.PARTS},
            attrs=attrs,
        )

    def get_context(self, name, value, attrs):
        # Ids and classes as GOV.UK has them: id_<name>_day, and every box marked
        # as in error when the date is.
        context = super().get_context(name, value, attrs)
        in_error = "govuk-input--error" in (attrs or {}).get("class", "")
        for part, subwidget in zip(
            self.PARTS.items(), context["widget"]["subwidgets"], strict=True
        ):
            suffix, width = part
            subwidget["attrs"]["id"] = f"{context['widget']['attrs'].get('id', name)}_{suffix}"
            subwidget["attrs"]["class"] = (
                f"govuk-input govuk-date-input__input govuk-input--width-{width}"
                + (" govuk-input--error" if in_error else "")
            )
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date in three boxes. A date that is real but outside EARLIEST to LATEST is
    refused saying so: no record, meeting or publication is dated outside them, so
    such a date is a slip of the keyboard (1026 for 2026)."""

    widget = GovukDateWidget
    EARLIEST = datetime.date(1900, 1, 1)
    LATEST = datetime.date(2199, 12, 31)

    def __init__(self, **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(
            fields=[forms.CharField(required=False) for _ in range(3)],
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name
            for name, part in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise ValidationError(
                f"{self.label} must include a {' and '.join(missing)}", code="incomplete"
            )
        # ASCII digits only, and few of them: int() takes other scripts' digits and
        # datetime.date() overflows on huge numbers.
        if not (
            re.fullmatch(r"[0-9]{1,2}", day)
            and re.fullmatch(r"[0-9]{1,2}", month)
            and re.fullmatch(r"[0-9]+", year)
        ):
            raise ValidationError(f"{self.label} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError(
                f"{self.label} must have a year of 4 numbers, like 2026", code="year"
            )
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from None
        # A real date, but outside the years any record or its publication can have.
        if value < self.EARLIEST:
            raise ValidationError(
                f"{self.label} must be {self.EARLIEST.day} January {self.EARLIEST.year} or later",
                code="too_early",
            )
        if value > self.LATEST:
            raise ValidationError(
                f"{self.label} must be {self.LATEST.day} December {self.LATEST.year} or earlier",
                code="too_late",
            )
        return value


_PLAIN_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
_GROUPED_AMOUNT = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$")


class MoneyField(forms.Field):
    """Pounds and pence, exact. Takes "1482400", "1482400.00", "£1,482,400.00"."""

    widget = forms.TextInput

    def __init__(self, *, max_value: Decimal = Decimal("999999999999.99"), **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if text in self.empty_values:
            return None
        text = text.replace(" ", "")
        negative = text.startswith("-")
        text = text.lstrip("-").removeprefix("£")
        if negative or text.startswith("-"):
            raise ValidationError(f"{self.label} must be more than £0", code="negative")
        if not (_PLAIN_AMOUNT.match(text) or _GROUPED_AMOUNT.match(text)):
            if re.fullmatch(r"[0-9,]*\.[0-9]{3,}", text):
                raise ValidationError(
                    f"{self.label} must be in pounds and pence, with no more than 2 decimal places",
                    code="precision",
                )
            raise ValidationError(
                f"{self.label} must be an amount of money, like 1482400.00", code="invalid"
            )
        try:
            amount = Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(
                f"{self.label} must be an amount of money", code="invalid"
            ) from None
        if amount <= 0:
            raise ValidationError(f"{self.label} must be more than £0", code="zero")
        if amount > self.max_value:
            raise ValidationError(f"{self.label} must be £{self.max_value:,} or less", code="max")
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value


class GovukFormRenderer(TemplatesSetting):
    """Every form of the project renders its fields through templates/forms/field.html."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
