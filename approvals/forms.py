from django import forms

from core.forms import VersionedForm, long_text, yes_no

# Radios one under another, for answers too long to stand side by side.
STACKED_RADIOS = "approvals/forms/stacked_radios.html"


class SigningForm(VersionedForm):
    """A sign-off: the signer enters their own password again. It is never shown back."""

    password = forms.CharField(
        label="Enter your password to sign",
        strip=False,
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "current-password",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-!-width-one-half",
            }
        ),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @property
    def signs(self) -> bool:
        """Does sending this form sign (and so check the password)?"""
        return True


class ClearanceForm(SigningForm):
    """One line of the declaration. It carries the hash of the content the adviser read
    (decisions.canonical), not the record's version: the lines are independent, and
    another adviser's line confirmed meanwhile does not make this page stale."""

    field_order = ["statement", "password"]
    lock_version = None
    content_hash = forms.RegexField(
        regex=r"\A[0-9a-f]{64}\Z",
        widget=forms.HiddenInput,
        error_messages={
            "required": "This page is out of date. Open the record again, then this line",
            "invalid": "This page is out of date. Open the record again, then this line",
        },
    )
    statement = forms.ChoiceField(
        label="Which statement do you confirm?",
        widget=forms.RadioSelect,
        template_name=STACKED_RADIOS,
        error_messages={"required": "Select a statement", "invalid_choice": "Select a statement"},
    )

    def __init__(self, *args, statements: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.fields["statement"].choices = [(str(i), text) for i, text in enumerate(statements)]

    def clean_statement(self) -> str:
        return self.statements[int(self.cleaned_data["statement"])]


class DecisionForm(SigningForm):
    field_order = ["has_interest", "interests", "interest_action", "approve", "reason", "password"]
    DECIDE, PASS_BACK = "decide", "pass_back"

    has_interest = yes_no(
        "Do you have a personal or prejudicial interest in this matter?",
        required_message="Select yes if you have a personal or prejudicial interest",
    )
    interests = long_text(
        "What is the interest?",
        help_text="If yes. It is recorded on the decision form.",
        rows=3,
        max_chars=5_000,
    )
    interest_action = forms.ChoiceField(
        label="What do you want to do, having declared it?",
        help_text="If yes.",
        choices=[
            (DECIDE, "Record the interest and take the decision"),
            (PASS_BACK, "Pass the record back to the drafting officer without deciding"),
        ],
        widget=forms.RadioSelect,
        template_name=STACKED_RADIOS,
        required=False,
    )
    approve = forms.TypedChoiceField(
        label="Your decision",
        choices=[(True, "Approve"), (False, "Do not approve")],
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = long_text(
        "Reason for not approving",
        help_text="If you do not approve. The drafting officer is told.",
        rows=4,
        max_chars=5_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Passing the record back is not a signature: the password is asked for in clean().
        self.fields["password"].required = False

    @property
    def signs(self) -> bool:
        return not self.passes_back

    @property
    def passes_back(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("has_interest")) and data.get("interest_action") == self.PASS_BACK

    def clean(self):
        data = super().clean()
        if data.get("has_interest"):
            if not data.get("interests") and "interests" not in self.errors:
                self.add_error("interests", "Enter the interest")
            if not data.get("interest_action"):
                self.add_error(
                    "interest_action",
                    "Select whether to take the decision or pass the record back",
                )
        else:
            data["interests"] = ""
        if self.passes_back:
            return data
        if data.get("approve") is None:
            self.add_error("approve", "Select whether you approve the request")
        elif data["approve"]:
            data["reason"] = ""
        elif not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", "Enter the reason for not approving")
        if not data.get("password") and "password" not in self.errors:
            self.add_error("password", "Enter your password")
        return data


class ReturnForm(VersionedForm):
    reason = long_text(
        "Why are you returning the record?",
        required=True,
        help_text="The drafting officer is told this by email and sees it on their list of drafts.",
        rows=5,
        max_chars=5_000,
        required_message="Enter the reason for returning the record",
    )


class ReferUpForm(VersionedForm):
    """To which higher office the record is referred, and why: the offices offered are those
    it may go to (approvals.selectors.higher_offices)."""

    office = forms.TypedChoiceField(
        label="Which office should take the decision?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the office to refer the record to",
            "invalid_choice": "Select one of the offices listed",
        },
    )
    reason = long_text(
        "Why are you referring the record up?",
        required=True,
        help_text="It is given in the reason for the route, which is published with the record.",
        rows=5,
        max_chars=2_000,
        required_message="Enter the reason for referring the record up",
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(office.pk, office.title) for office in offices]
