"""The register's search and filters: a GET form whose bad input is set aside, never an error."""

from django import forms
from django.http import QueryDict

from core.forms import CONTROL_CHARACTERS, OneLineField
from core.govuk import GovukFormMixin

from .selectors import SEARCH_MAX_LENGTH, RegisterFilterOptions, search_terms


class SearchField(OneLineField):
    def to_python(self, value):
        # Before the validators, which would refuse them: a search is never an error, so a
        # NUL is dropped and any other control character taken as a space.
        text = super().to_python(value).replace("\x00", "")
        return CONTROL_CHARACTERS.sub(" ", text)


class RegisterSearchForm(GovukFormMixin, forms.Form):
    label_size = "s"

    q = SearchField(label="Search decisions", required=False)
    year = forms.TypedChoiceField(
        label="Year published", required=False, coerce=int, empty_value=None
    )
    form_type = forms.ChoiceField(label="Form type", required=False)
    decision_maker = forms.ChoiceField(label="Decision maker", required=False)

    def __init__(self, data, *, options: RegisterFilterOptions):
        super().__init__(data)
        self.options = options
        self.fields["year"].choices = [("", "Any year")] + [(y, str(y)) for y in options.years]
        self.fields["form_type"].choices = [("", "Any form type"), *options.form_types]
        self.fields["decision_maker"].choices = [
            ("", "Any decision maker"),
            *options.decision_makers,
        ]

    def filters(self) -> tuple[dict, list[str]]:
        """The filters to apply, for register.selectors.published_decision_list, and a
        notice for each value set aside (too long, or not one of the choices)."""
        self.is_valid()
        data = self.cleaned_data
        notices = [
            f"{self.fields[name].label}: that choice is not available, so it was not applied."
            for name in self.errors
        ]
        q = data.get("q") or ""
        if len(q) > SEARCH_MAX_LENGTH:
            notices.append(
                f"Your search was too long, so only its first {SEARCH_MAX_LENGTH} characters "
                "were used."
            )
        filters = {
            "q": search_terms(q),
            "year": data.get("year"),
            "form_type": data.get("form_type") or "",
            "decision_maker": data.get("decision_maker") or "",
        }
        return filters, notices

    def for_display(self, filters: dict) -> "RegisterSearchForm":
        """The form again, holding only the values applied, so nothing shows as an error."""
        data = QueryDict(mutable=True)
        data.update({name: value for name, value in filters.items() if value not in (None, "")})
        return RegisterSearchForm(data, options=self.options)
