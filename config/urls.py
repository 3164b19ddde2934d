from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts.views import SignInView
from register.sitemaps import SITEMAPS
from register.views import public

urlpatterns = [
    # The public register, /decisions/…: no sign-in (register.views.public).
    path("", include("register.urls")),
    path("sitemap.xml", public(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("decisions.urls")),
    path("", include("approvals.urls")),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
