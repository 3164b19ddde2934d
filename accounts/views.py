from django.contrib.auth import views as auth_views

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    """Django's login, answering a wrong username or password with 400, not 200."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
