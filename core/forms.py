"""Form building blocks shared by every app: long text, yes/no, and the versioned form."""

from django import forms
from django.core.validators import MaxLengthValidator

from .govuk import GovukFormMixin

# Long enough for any real section (PCD 1069's longest is under 3,000), short
# enough that a paste of a whole document by mistake is caught.
MAX_SECTION_CHARS = 20_000
PARAGRAPHS_HINT = (
    "Separate paragraphs with a blank line. The published record numbers them 1.1, 1.2 and so on."
)
YES_NO = [(True, "Yes"), (False, "No")]


class LongTextField(forms.CharField):
    """Text of paragraphs. Browsers send line ends as CRLF; the record keeps LF, so the
    same words always make the same content (and the same signed hash)."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


def long_text(
    label: str,
    *,
    required: bool = False,
    help_text: str = PARAGRAPHS_HINT,
    rows: int = 8,
    max_chars: int = MAX_SECTION_CHARS,
    required_message: str = "",
) -> forms.CharField:
    """A textarea without a maxlength attribute (browsers cut pasted text silently at it)."""
    return LongTextField(
        label=label,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[
            MaxLengthValidator(
                max_chars, message=f"{label} must be {max_chars:,} characters or fewer"
            )
        ],
        error_messages={"required": required_message or f"Enter {label.lower()}"},
    )


def yes_no(label: str, *, required_message: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class GovukForm(GovukFormMixin, forms.Form):
    pass


class VersionedForm(GovukForm):
    """A form that carries the version of the record it was loaded from."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
