from django import forms
from django.utils import timezone

from core.forms import (
    PARAGRAPHS_HINT,
    GovukForm,
    OneLineField,
    VersionedForm,
    long_text,
    yes_no,
)
from core.govuk import GovukDateField, GovukFormMixin, MoneyField

from .models import EscalationFlag, ExpenditureLine, FormType, PartTwo, RelatedDecision
from .sections import NOT_APPLICABLE_REASON_MAX
from .uploads import MAX_UPLOAD_BYTES, UnsafeArchive, detect_document_type
from .validators import validate_financial_year

# A sentence or two: it is put in the reason for the route.
MAX_JUSTIFICATION_CHARS = 1000


class StartDecisionForm(GovukForm):
    label_size = "m"
    form_type = forms.ModelChoiceField(
        label="Which form is this decision on?",
        queryset=FormType.objects.select_related("series"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the form for this decision"},
    )
    title = OneLineField(
        label="Title of the decision",
        max_length=255,
        help_text="For example, Accelerated IVMA Improvements",
        error_messages={
            "required": "Enter the title of the decision",
            "max_length": "The title must be 255 characters or fewer",
        },
    )


class TitleSummaryForm(VersionedForm):
    title = OneLineField(
        label="Title",
        max_length=255,
        error_messages={
            "required": "Enter the title of the decision",
            "max_length": "The title must be 255 characters or fewer",
        },
    )
    executive_summary = long_text(
        "Executive summary",
        required=True,
        help_text="What the decision is for, in a paragraph or two.",
        required_message="Enter the executive summary",
    )


class RouteFlagsForm(VersionedForm):
    """The flags of the record's body (EscalationFlag), each with the reason for setting it,
    which the route's reason shows: required where the body's flag says so."""

    def __init__(self, *args, flags: list[EscalationFlag], **kwargs):
        super().__init__(*args, **kwargs)
        self.flags = flags
        for flag in flags:
            self.fields[flag.code] = forms.BooleanField(
                label=flag.label, help_text=flag.help_text, required=False
            )
            self.fields[f"{flag.code}_justification"] = long_text(
                f"Why {flag.reason}",
                help_text=(
                    "Needed if you tick the box above. "
                    if flag.requires_justification
                    else "Optional. "
                )
                + "It is given in the reason for the route and published with the record.",
                rows=3,
                max_chars=MAX_JUSTIFICATION_CHARS,
            )

    def clean(self):
        cleaned = super().clean()
        for flag in self.flags:
            field = f"{flag.code}_justification"
            if cleaned.get(flag.code) and flag.requires_justification and not cleaned.get(field):
                if field not in self.errors:
                    self.add_error(field, f"Enter why {flag.reason}")
        return cleaned

    def flag_fields(self) -> list:
        """Each flag's box and the justification it reveals, for the page's template."""
        return [(self[flag.code], self[f"{flag.code}_justification"]) for flag in self.flags]

    def values(self) -> dict:
        """The record's fields: each flag, and the reasons for those set."""
        cleaned = self.cleaned_data
        values = {flag.code: cleaned[flag.code] for flag in self.flags}
        values["flag_justifications"] = {
            flag.code: cleaned[f"{flag.code}_justification"]
            for flag in self.flags
            if cleaned[flag.code] and cleaned[f"{flag.code}_justification"]
        }
        return values


class SectionTextForm(VersionedForm):
    """One Part I section: its text under the page's heading, with the section's help.

    Where the record's form allows the section to be marked not applicable, the drafter
    chooses to write it or to say it does not apply, with a short reason (published in
    its place); a reason is then required, and the text must be removed (it is kept on
    the page, with a message beside it, until it is)."""

    label_size = "l"
    APPLIES = "applies"
    DOES_NOT_APPLY = "not_applicable"

    def __init__(
        self,
        *args,
        heading: str,
        help_text: str = "",
        may_be_not_applicable: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        hint = f"{help_text} {PARAGRAPHS_HINT}" if help_text else PARAGRAPHS_HINT
        self.fields["text"] = long_text(heading, help_text=hint)
        self.may_be_not_applicable = may_be_not_applicable
        if may_be_not_applicable:
            # The page's heading stands above the choice; the text's label is smaller.
            self.label_size = "m"
            self.fields["applies"] = forms.ChoiceField(
                label=f"Does {heading} apply to this decision?",
                choices=[
                    (self.APPLIES, "Write this section"),
                    (self.DOES_NOT_APPLY, "This section does not apply"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select whether to write this section or say it does not apply",
                    "invalid_choice": "Select whether to write this section or say it does "
                    "not apply",
                },
            )
            self.fields["not_applicable_reason"] = OneLineField(
                label="Why it does not apply",
                help_text="Published in place of the section, for example: No procurement "
                "is involved.",
                max_length=NOT_APPLICABLE_REASON_MAX,
                required=False,
                error_messages={
                    "max_length": f"The reason must be {NOT_APPLICABLE_REASON_MAX} characters "
                    "or fewer",
                },
            )

    def clean(self):
        data = super().clean()
        if not self.may_be_not_applicable:
            data["not_applicable_reason"] = ""
            return data
        if data.get("applies") == self.DOES_NOT_APPLY:
            if not data.get("not_applicable_reason") and "not_applicable_reason" not in self.errors:
                self.add_error("not_applicable_reason", "Enter why this section does not apply")
            if data.get("text"):
                self.add_error(
                    "text",
                    "Remove the text of this section, or choose to write it: a section that "
                    "does not apply is published with its reason only",
                )
        else:
            data["not_applicable_reason"] = ""
        return data


class RecommendationForm(GovukFormMixin, forms.Form):
    label_size = "s"
    text = long_text(
        "Recommendation",
        required=True,
        help_text="For example: Approve expenditure of £250,000 on …",
        rows=4,
        max_chars=5_000,
        required_message="Enter the recommendation, or remove it",
    )


class ExpenditureLineForm(GovukFormMixin, forms.Form):
    label_size = "s"
    kind = forms.ChoiceField(
        label="Capital or revenue",
        choices=ExpenditureLine.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select capital or revenue"},
    )
    financial_year = OneLineField(
        label="Financial year",
        help_text="For example, 2021/22",
        max_length=7,
        validators=[validate_financial_year],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the financial year, like 2021/22",
            "max_length": "Enter the financial year like 2021/22",
        },
    )
    amount = MoneyField(
        label="Amount",
        help_text="In pounds and pence, for example 1482400.00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the amount in pounds and pence"},
    )
    funding_source = OneLineField(
        label="Funding source",
        max_length=255,
        help_text="For example, Approved Capital Budget",
        error_messages={
            "required": "Enter where the money comes from",
            "max_length": "The funding source must be 255 characters or fewer",
        },
    )
    is_confidential = forms.BooleanField(
        label="The amount is confidential: state it only in Part 2", required=False
    )


class ReportDetailsForm(VersionedForm):
    organisation = OneLineField(label="Organisation", max_length=200, required=False)
    title = OneLineField(label="Title of the report", max_length=255, required=False)
    meeting = OneLineField(
        label="Meeting it went to",
        max_length=255,
        required=False,
        help_text="For example, Investment Advisory and Monitoring meeting",
    )
    meeting_date = GovukDateField(
        label="Date of the meeting", required=False, help_text="For example, 7 10 2021"
    )
    report_by = OneLineField(label="Report by", max_length=200, required=False)
    on_behalf_of = OneLineField(
        label="On behalf of",
        max_length=200,
        required=False,
        help_text="For example, the Chief of Corporate Services",
    )
    protective_marking = OneLineField(
        label="Protective marking of Part 1",
        max_length=100,
        error_messages={"required": "Enter the protective marking, like OFFICIAL – PUBLIC"},
    )
    report_author = OneLineField(
        label="Report author",
        max_length=255,
        required=False,
        help_text="Name and job title",
    )


class ReportSummaryForm(VersionedForm):
    executive_summary = long_text("Executive summary")
    recommendations_intro = long_text(
        "Introduction to the recommendations",
        help_text="For example: The decision maker, via the Investment Advisory and "
        "Monitoring meeting (IAM), is asked to:",
        rows=3,
    )
    recommendations = long_text(
        "Recommendations", help_text="One recommendation a paragraph. They are numbered 1, 2 …"
    )
    decision_required_by = GovukDateField(
        label="Decision required by", required=False, help_text="For example, 21 10 2021"
    )
    time_sensitivity = long_text("Why the decision is time sensitive")

    def clean_decision_required_by(self):
        # A date already saved that has since passed is kept: the officer can still
        # save the rest of the page without inventing a new date.
        required_by = self.cleaned_data["decision_required_by"]
        if (
            required_by is not None
            and required_by < timezone.localdate()
            and "decision_required_by" in self.changed_data
        ):
            raise forms.ValidationError("Decision required by must be today or in the future")
        return required_by


class ReportAdviceForm(VersionedForm):
    police_crime_plan_name = OneLineField(
        label="Name of the police and crime plan the report contributes to",
        help_text="As the heading prints it, for example Police and Crime Plan 2021-2025",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[section.field] = long_text(section.heading)
        # The plan's name just before the section about it.
        order = [s.field for s in sections]
        order.insert(order.index("police_crime_plan"), "police_crime_plan_name")
        self.order_fields(["lock_version", *order])


class PaperForm(VersionedForm):
    title = OneLineField(
        label="Title of the paper",
        max_length=255,
        error_messages={
            "required": "Enter the title of the paper",
            "max_length": "The title must be 255 characters or fewer",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX), up to 20 MB",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        try:
            kind = detect_document_type(upload)
        except UnsafeArchive as refused:
            raise forms.ValidationError(str(refused)) from None
        if kind is None:
            raise forms.ValidationError(
                "The selected file must be a PDF, DOCX, ODT or XLSX document"
            )
        self.content_type = kind.content_type
        return upload


class PublicationForm(VersionedForm):
    part1_deferred = yes_no(
        "Is the publication of Part 1 to be deferred?",
        help_text="Only if immediate publication risks compromising the implementation of the "
        "decision. Keep the deferral as short as strictly necessary.",
        required_message="Select yes if publication of Part 1 is to be deferred",
    )
    deferral_reason = long_text("Reason for deferral", help_text="If yes, why.", rows=3)
    deferred_until = GovukDateField(
        label="Deferred until", required=False, help_text="If yes, for example 30 6 2027"
    )
    has_part_two = yes_no(
        "Is there a Part 2?",
        help_text="Part 2 holds only the facts or advice likely to be exempt from disclosure "
        "under the Freedom of Information Act, with the legal rationale for not publishing them. "
        "It is never published.",
        required_message="Select yes if there is a Part 2",
    )
    part_two_content = long_text("Part 2: exempt facts and advice", help_text="If yes.")
    part_two_exemption = forms.ChoiceField(
        label="Part 2: why it is exempt",
        choices=[("", "Choose a reason"), *PartTwo.Exemption.choices],
        required=False,
    )
    part_two_rationale = long_text(
        "Part 2: legal rationale for not publishing", help_text="If yes.", rows=4
    )

    def clean(self):
        data = super().clean()
        if data.get("part1_deferred"):
            if not data.get("deferral_reason"):
                self.add_error("deferral_reason", "Enter the reason for deferring publication")
            until = data.get("deferred_until")
            if until is None and "deferred_until" not in self.errors:
                self.add_error(
                    "deferred_until", "Enter the date until which publication is deferred"
                )
            elif until is not None and until <= timezone.localdate():
                self.add_error(
                    "deferred_until", "The date publication is deferred until must be in the future"
                )
        if data.get("has_part_two"):
            if not data.get("part_two_content"):
                self.add_error("part_two_content", "Enter the exempt facts and advice of Part 2")
            if not data.get("part_two_rationale"):
                self.add_error(
                    "part_two_rationale", "Enter the legal rationale for not publishing Part 2"
                )
        return data


class DeclarationForm(VersionedForm):
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, statement: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].label = f"I confirm: {statement}"


class RelatedDecisionForm(VersionedForm):
    """One link to an earlier record; the service checks that the reference names one."""

    relation = forms.ChoiceField(
        label="How does this record relate to the earlier one?",
        choices=RelatedDecision.Relation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how this record relates to the earlier one"},
    )
    reference = OneLineField(
        label="Reference of the earlier record",
        help_text="For example, PCD 134",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the reference of the earlier record, like PCD 134",
            "max_length": "Enter a reference like PCD 134",
        },
    )
