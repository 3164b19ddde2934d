"""Settings shared by every environment, all driven by the environment.

No DATABASE_URL: SQLite in a file inside the project folder.
DATABASE_URL=postgres://...: PostgreSQL through psycopg2.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# The public body the register belongs to: printed on pages and PDFs.
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Mayor's Office for Policing and Crime")
ORGANISATION_SHORT_NAME = env("ORGANISATION_SHORT_NAME", default="MOPAC")
SERVICE_NAME = env("SERVICE_NAME", default="Decision records")

INSTALLED_APPS = [
    # django.contrib.admin with the project's admin site (config.admin).
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "simple_history",
    "django_tasks",
    # The database task backend's queue (production's TASKS; `manage.py db_worker`).
    "django_tasks_db",
    "axes",
    "csp",
    "core",
    "accounts",
    "decisions",
    "approvals",
    "register",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which would read a body in another charset and fail in the error page.
    "core.middleware.RequestCharsetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]

FORM_RENDERER = "core.govuk.GovukFormRenderer"

# No ATOMIC_REQUESTS: each service opens its own transaction around its writes, so a
# request that only reads (a page, a PDF preview) holds no lock at all, and one that
# writes holds its locks only while its service runs. The lock order of the
# transitions is in decisions.locking.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: IMMEDIATE transactions take the write lock at their
    # start, so writers queue (up to the busy timeout, in seconds) instead of failing
    # with "database is locked" part-way through. Reads, outside any transaction, never
    # take it, and in WAL journal mode they are not blocked by a writer either (nor it
    # by them).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Who may read a record (approvals.policies.can_read_record), for the decisions layer.
    "approvals.backends.RecordReadBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "approvals:home"
LOGOUT_REDIRECT_URL = "login"

# Five wrong passwords (signing in, signing or the admin's password change,
# approvals.lockout) lock that username from that address for an hour; twenty from
# one address over all usernames lock that address (accounts.attempts).
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.attempts.AttemptsHandler"
# What axes stores of a typed username is cut to an account's longest.
AXES_USERNAME_CALLABLE = "accounts.attempts.attempt_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The lockout's address is the client's (accounts.client_ip). Behind
# DJANGO_PROXY_COUNT reverse proxies (the HTTPS proxy: 1), each appending the address
# it was sent from to X-Forwarded-For, it is that many entries from the right;
# otherwise every request would seem to come from the proxy, and anyone could lock
# anyone out by typing wrong passwords for their username.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Working days (the work queues' "Due soon") skip weekends and the bank holidays of
# this country and subdivision, as python-holidays names them: England's.
BANK_HOLIDAYS = ("GB", "ENG")

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # GOV.UK Frontend's fonts, images and JavaScript, from the npm package.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: background papers are at most 20 MB; bigger bodies are refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="decisions@localhost")
# Days before a deferred record is published that its drafting officer is reminded.
PUBLICATION_REMINDER_DAYS = env.int("PUBLICATION_REMINDER_DAYS", default=7)
# The address the site is served at (scheme and host, no trailing slash): links in mail
# and the PDFs' base address are built on it. Development and the tests default to the
# address `make run` serves; production requires it (config/settings/production.py).
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Each PDF is rendered by a child process (approvals/pdf.py), killed past these limits:
# seconds, bytes of PDF, bytes of memory (address space). A Part 1 at the submission
# bound renders in a few seconds (bench/README.md).
PDF_RENDER_TIMEOUT = env.float("PDF_RENDER_TIMEOUT", default=20.0)
PDF_MAX_BYTES = env.int("PDF_MAX_BYTES", default=20 * 1024 * 1024)
PDF_RENDER_MAX_MEMORY = env.int("PDF_RENDER_MAX_MEMORY", default=2 * 1024 * 1024 * 1024)

# Content Security Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background work: publication after approval, and mail. The immediate backend runs a
# task at once, after the transaction that enqueued it has committed (development and
# the tests); production uses the database backend and its worker (production.py).
TASKS = {
    "default": {
        "BACKEND": env(
            "DJANGO_TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each rendering step at INFO; its warnings and errors still show.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
