"""View building blocks shared by every app, on Django's generic views.

- get_or_404: a record, or a 404 (the one place a DoesNotExist becomes one).
- RoleRequiredMixin: a method the page answers (else 405), signed in (else to the login
  page), then the role check (else 403).
- RecordMixin: also loads the record for the user, before any handler runs.
- ServiceFormView / RecordFormView: a FormView whose valid form calls one service, then
  redirects; a refusal from the service is shown on the form with its status code.

core imports no app: each app says which policy, which selector and which service.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.views.generic import FormView
from django.views.generic.base import ContextMixin

from .errors import DomainError, NotAllowed, StaleRecord


def get_or_404(
    source: Callable[..., Any] | QuerySet, /, *, not_found: str = "No such record", **kwargs: Any
) -> Any:
    """A selector called with kwargs, or a queryset's get(**kwargs); a 404 (saying
    `not_found`) if there is none."""
    try:
        if isinstance(source, QuerySet):
            return source.get(**kwargs)
        return source(**kwargs)
    except ObjectDoesNotExist:
        # Also what a user may not see: the selectors are scoped to the user.
        raise Http404(not_found) from None


def add_domain_error(form, error: Exception) -> int:
    """Put a refusal from a service on the form; the status code to answer with."""
    field = getattr(error, "field", None)
    if field in form.fields:
        # A refusal about one field (a wrong password) stands beside that field.
        form.add_error(field, str(error))
        return 400
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return 400
    form.add_error(None, str(error) if not isinstance(error, ValidationError) else error.messages)
    if isinstance(error, StaleRecord):
        return 409
    return 403 if isinstance(error, NotAllowed) else 400


# The methods a page of this application answers; a view narrows them (["post"]) but
# never widens them. Django's View would also take PUT, PATCH and DELETE where a
# handler exists, and FormView maps put() to post(): a PUT would act as a POST.
HTTP_METHODS = ["get", "head", "post", "options"]


def method_not_allowed(view) -> HttpResponse | None:
    """405 with an Allow header if the request's method is not one this class-based
    view answers (its http_method_names, with a handler), else None."""
    if view.request.method.lower() in view.http_method_names and hasattr(
        view, view.request.method.lower()
    ):
        return None
    return HttpResponseNotAllowed(view._allowed_methods())


class RoleRequiredMixin(LoginRequiredMixin):
    """A method the page answers (HTTP_METHODS or fewer), else 405 with an Allow header,
    asked first: the answer is the same signed in or not and tells nothing about a
    record. Then signed in, else to the login page; then `role(user)`, else 403 with
    permission_denied_message. Set `role` as a staticmethod of a policy."""

    role: Callable[[Any], bool]
    http_method_names = HTTP_METHODS

    def dispatch(self, request, *args, **kwargs):
        if refused := method_not_allowed(self):
            return refused
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.role(request.user):
            raise PermissionDenied(self.get_permission_denied_message())
        self.prepare()
        return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        """After the role check, before any handler: load what the page is about, and
        apply its own rules (raise Http404 or PermissionDenied)."""


class RecordMixin(RoleRequiredMixin, ContextMixin):
    """A page about one record, self.decision, loaded by load() for the signed-in user.

    Set `selector` (a staticmethod taking user= and pk=, scoped to the user), or
    override load(). The context carries `decision` and `nav`.
    """

    selector: Callable[..., Any]
    nav = "records"

    def prepare(self) -> None:
        super().prepare()
        self.decision = self.load()

    def load(self):
        return get_or_404(self.selector, user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"decision": self.decision, "nav": self.nav, **kwargs})


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form whose valid data goes to one service: act(form) calls it, success(result)
    answers (a redirect to get_success_url()). A DomainError or ValidationError from the
    service becomes a form error, answered with the status refused() gives; an invalid
    form is a 400. The context carries `errors` for the error summary."""

    def act(self, form) -> Any:
        """Call the service; what it returns goes to success()."""
        raise NotImplementedError

    def success(self, result) -> HttpResponse:
        return HttpResponseRedirect(self.get_success_url())

    def refused(self, form, error: Exception) -> int:
        """Put the service's refusal on the form; the status code to answer with."""
        return add_domain_error(form, error)

    def form_kwargs(self) -> dict:
        """Arguments of the form beyond its data and initial values (the user, the record's parts)."""
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_kwargs()}

    def form_valid(self, form):
        try:
            result = self.act(form)
        except (DomainError, ValidationError) as error:
            return self.form_invalid(form, status=self.refused(form, error))
        return self.success(result)

    def form_invalid(self, form, status: int = 400):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "errors": context["form"].error_list()}


class RecordFormView(RecordMixin, ServiceFormView):
    """A form on one record, loaded with the record's version (core.forms.VersionedForm),
    which the service checks so that the slower of two people is told (409)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Whatever get_initial() a page gives, the version is the record's as loaded.
        return {
            **kwargs,
            "initial": {**kwargs["initial"], "lock_version": self.decision.lock_version},
        }

    def versioned(self, form) -> dict:
        """The arguments every service on a record takes."""
        return {
            "decision_id": self.decision.pk,
            "user": self.request.user,
            "lock_version": form.cleaned_data["lock_version"],
        }
