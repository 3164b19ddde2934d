"""Form building blocks shared by every app: one-line and long text, yes/no, and the
versioned form."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from .govuk import GovukFormMixin
from .text import paragraphs_and_lines

# Long enough for any real section (PCD 1069's longest is under 3,000), short
# enough that a paste of a whole document by mistake is caught.
MAX_SECTION_CHARS = 20_000
# What a section may hold for its PDF to render in bounded time: each paragraph is a
# numbered block, each line a line box, and thousands of short ones (a paste of a
# list, one item a paragraph) cost seconds each thousand whatever their characters.
# PCD 1069's longest section has 5 paragraphs. bench/README.md ("Rendering bounded")
# has the measurements behind these figures and the ones for the whole of Part 1
# (decisions/part_one_size.py).
MAX_SECTION_PARAGRAPHS = 200
MAX_SECTION_LINES = 500
PARAGRAPHS_HINT = (
    "Separate paragraphs with a blank line. The published record numbers them 1.1, 1.2 and so on."
)
YES_NO = [(True, "Yes"), (False, "No")]


# C0 (tab, line ends, NUL …), DEL and C1. In a one-line value they end up in mail
# headers (where Django refuses them and the notification is lost), in PDFs and in
# feeds, and are never typed: a browser strips line ends from a one-line input.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_CODE = "control_characters"


def refuse_control_characters(value: str) -> None:
    """The validator every one-line text field carries (tests/test_hostile_input.py walks
    every form and the admin to be sure)."""
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Enter this on one line, without line breaks or other control characters",
            code=CONTROL_CHARACTERS_CODE,
        )


def one_line_message(label: str | None) -> str:
    return f"{label or 'This'} must be on one line, without line breaks or other control characters"


class OneLineField(forms.CharField):
    """Text on one line: a title, a name, a reference. Control characters are refused with
    a message naming the field; a tab, which comes only from pasting (a spreadsheet's
    cell), is taken as the space it looks like."""

    default_validators = [refuse_control_characters]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Ours refuses NUL as well, in the field's own words: one message, not two.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.error_messages.setdefault(CONTROL_CHARACTERS_CODE, one_line_message(self.label))

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\t", " ") if text else text


def refuse_control_characters_in(field: forms.Field) -> forms.Field:
    """Give a one-line text field made elsewhere (by the admin from a model) the same rule."""
    if is_one_line_text(field) and refuse_control_characters not in field.validators:
        field.validators.append(refuse_control_characters)
        field.error_messages.setdefault(CONTROL_CHARACTERS_CODE, one_line_message(field.label))
    return field


def is_one_line_text(field: forms.Field) -> bool:
    """A text field a user types one line into; passwords are secrets, compared and never
    shown, mailed or stored, and may hold any character the user chose."""
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, forms.Textarea | forms.PasswordInput | forms.HiddenInput
    )


class OneLineAdminMixin:
    """For a ModelAdmin or inline: its one-line text fields refuse control characters."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        return refuse_control_characters_in(field) if field is not None else None


# In text of paragraphs, line ends and tabs are the text's own. The rest break the
# register's Atom feed (XML 1.0 has no place for them) for every reader.
PARAGRAPH_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def refuse_control_characters_in_paragraphs(value: str) -> None:
    """The validator of every long text field (after its line ends are made LF)."""
    if value and PARAGRAPH_CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the control characters from this text", code=CONTROL_CHARACTERS_CODE
        )


TOO_MANY_PARAGRAPHS_CODE = "too_many_paragraphs"


def section_size_message(label: str, text: str) -> str | None:
    """Why a section is too long to render within the limit, or None."""
    paragraphs, lines = paragraphs_and_lines(text)
    if paragraphs > MAX_SECTION_PARAGRAPHS:
        return (
            f"{label} has {paragraphs:,} paragraphs; a section may have at most "
            f"{MAX_SECTION_PARAGRAPHS:,}. Join short paragraphs or move detail to a "
            "background paper."
        )
    if lines > MAX_SECTION_LINES:
        return (
            f"{label} has {lines:,} lines; a section may have at most {MAX_SECTION_LINES:,}. "
            "Join short lines or move detail to a background paper."
        )
    return None


class SectionSizeValidator:
    """At most MAX_SECTION_PARAGRAPHS paragraphs and MAX_SECTION_LINES lines, said in the
    words of the field's label."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, value: str) -> None:
        if message := section_size_message(self.label, value):
            raise ValidationError(message, code=TOO_MANY_PARAGRAPHS_CODE)

    def __eq__(self, other) -> bool:
        return isinstance(other, SectionSizeValidator) and other.label == self.label


class LongTextField(forms.CharField):
    """Text of paragraphs. Browsers send line ends as CRLF; the record keeps LF, so the
    same words always make the same content (and the same signed hash)."""

    default_validators = [refuse_control_characters_in_paragraphs]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.error_messages.setdefault(
            CONTROL_CHARACTERS_CODE,
            f"{self.label or 'This'} must not contain control characters, only text, "
            "line breaks and tabs",
        )

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
            ),
            SectionSizeValidator(label),
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
