import datetime

from django import forms

from core.forms import VersionedForm, long_text
from core.govuk import GovukDateField

from .publication import deferral_date_problem


class DeferralExtendForm(VersionedForm):
    until = GovukDateField(
        label="New date of publication",
        help_text="Part 1 is published on the register on this date. For example, 30 6 2027",
        error_messages={"required": "Enter the new date of publication"},
    )
    reason = long_text(
        "Why must publication wait longer?",
        required=True,
        help_text="Kept in the record's history. The reason for deferral given in Part 1 "
        "stays as it is.",
        rows=4,
        max_chars=5_000,
        required_message="Enter the reason for extending the deferral",
    )

    def __init__(self, *args, current: datetime.date | None, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.today = today

    def clean_until(self) -> datetime.date:
        until = self.cleaned_data["until"]
        if problem := deferral_date_problem(current=self.current, until=until, today=self.today):
            raise forms.ValidationError(problem)
        return until


class WithdrawForm(VersionedForm):
    reason = long_text(
        "Why is this record withdrawn?",
        required=True,
        help_text="Published on the record's page on the register, with the date of withdrawal.",
        rows=5,
        max_chars=5_000,
        required_message="Enter the reason for withdrawing the record",
    )
