"""Production: refuses to start without its secrets, its host names and its address."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host names.")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)

# Links in mail and the PDFs' base address: never the development default. Over HTTPS
# unless the site is deliberately served without it (DJANGO_SECURE_SSL_REDIRECT=false).
SITE_URL = env("DJANGO_SITE_URL", default="").rstrip("/")
_site = urlsplit(SITE_URL)
if not SITE_URL:
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be set to the address the site is served at, "
        "such as https://decisions.example.org."
    )
if _site.scheme not in ("https", "http") or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be a scheme and a host name only, such as "
        f"https://decisions.example.org (not {SITE_URL!r})."
    )
if SECURE_SSL_REDIRECT and _site.scheme != "https":
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must start with https:// (or set DJANGO_SECURE_SSL_REDIRECT=false "
        "to serve the site without HTTPS)."
    )
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CONN_MAX_AGE = env.int("DJANGO_CONN_MAX_AGE", default=60)

# Background work runs out of the request, on the database backend: approval only
# enqueues the publication, and `manage.py db_worker` (beside gunicorn) renders it.
TASKS = {
    "default": {"BACKEND": env("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
