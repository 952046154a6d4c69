"""
Settings for the Ambtenaar 2.0 community, read from the environment.

Every value has a safe development default, so a fresh clone runs with SQLite,
console e-mail and an in-process cache. Production sets ``DEBUG=false`` and must
then provide ``SECRET_KEY`` and ``ALLOWED_HOSTS``; see docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# Development mode: no DEBUG=false in production means a missing secret is an error.
DEVELOPMENT = env_bool("DJANGO_DEVELOPMENT", default=DEBUG)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=true / DJANGO_DEVELOPMENT=true for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEVELOPMENT else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "accounts",
    "forum",
    "moderation",
    "search",
    "notifications",
    "outbox",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "django_htmx",
    "js_lib_htmx",
    "django_tasks",
    "django_tasks_db",
    "taggit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "forum.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.standing.StandingMiddleware",  # request.standing: what the member may do
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "moderation.middleware.MeasuresMiddleware",  # a ban or a warning before anything else
    "accounts.middleware.MemberObligationsMiddleware",
    "forum.middleware.LoginToViewMiddleware",  # members-only content: a visitor is asked to log in
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.site",
                "moderation.context_processors.moderation",
                "notifications.context_processors.notifications",
            ],
            # The filters every app's templates use (dates, the text pipeline's HTML, pagination).
            "builtins": ["core.templatetags.site_tags"],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user:password@host:5432/name.
# Default: a SQLite file beside the project, for newcomers.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# CONN_HEALTH_CHECKS: a kept connection is checked (Django's SELECT 1) before a request reuses it,
# so a connection the server ended (a restart, a terminated backend) is replaced and the request goes on.
is_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if is_postgresql and env_bool("DATABASE_POOL"):
    # psycopg 3 connection pool (Django >= 5.1); incompatible with CONN_MAX_AGE.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
if is_postgresql and env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Server-side parameters and prepared statements: a query the connection has run five times
    # is planned once, not on every request (planning the thread page's joins costs more than
    # running them). Kept connections (CONN_MAX_AGE or DATABASE_POOL) keep their statements.
    # Off (DATABASE_PREPARED_STATEMENTS=false) behind a pooler in transaction mode that cannot
    # carry prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL (or CACHE_URL) is set, else an in-process cache.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ambtenaar20"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (every e-mail and notification): django-tasks, enqueued after the commit.
# Immediate (inside the commit hook) in development and tests; outside development the database
# backend, with `manage.py db_worker` running (docs/deployment.md).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if DEVELOPMENT else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Sessions live in the database with a cache in front, so any app server sees them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the member with their standing (accounts.backends).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "forum:home"

# django-allauth: e-mail is the login, verification is mandatory.
ACCOUNT_ADAPTER = "moderation.adapters.AccountAdapter"  # accounts' adapter, and no login while banned
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ambtenaar 2.0] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEVELOPMENT else "https"
ACCOUNT_SESSION_REMEMBER = None
# One address per member; changing it goes through verification of the new address,
# and the old address is told (allauth's e-mail notifications).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The set-up page keeps showing the same secret until it is confirmed (accounts.forms).
MFA_FORMS = {"activate_totp": "accounts.forms.ActivateTOTPForm"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default; EMAIL_HOST etc. for SMTP in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ambtenaar 2.0 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# Our own catalogue first (makemessages writes there), then our wording of packages' strings.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development WhiteNoise serves straight from the app and project folders.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
# Files browsers ask for at the site's root without reading a page: /favicon.ico (scripts/icons.py).
WHITENOISE_ROOT = BASE_DIR / "webroot"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER via env.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEVELOPMENT
CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEVELOPMENT else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEVELOPMENT
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Preloading HSTS binds the whole domain for years: a decision for the operator
# (SECURE_HSTS_PRELOAD=true), not a default, so its deploy warning is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content-Security-Policy: nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The site's own address, for every link in e-mails and notifications (core/links.py). In
# development it follows the port the site is served on (PORT, as `make run` takes it).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL and DEVELOPMENT:
    SITE_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
if not SITE_URL:
    raise ImproperlyConfigured("Set SITE_URL (e.g. https://ambtenaar20.example.nl): e-mails link to it.")

# Forum settings (documented in docs/settings.md, checked by forum.checks).
FORUM_THREADS_PER_PAGE = int(os.environ.get("FORUM_THREADS_PER_PAGE", "20"))
FORUM_REPLIES_PER_PAGE = int(os.environ.get("FORUM_REPLIES_PER_PAGE", "20"))
FORUM_EDIT_WINDOW_MINUTES = int(os.environ.get("FORUM_EDIT_WINDOW_MINUTES", "1440"))
# Threads and replies together, and reports, per member per hour; 0: no limit. Moderators have none.
FORUM_POSTS_PER_HOUR = int(os.environ.get("FORUM_POSTS_PER_HOUR", "30"))
FORUM_REPORTS_PER_HOUR = int(os.environ.get("FORUM_REPORTS_PER_HOUR", "20"))
# Members with at least this many published threads and replies may add new tags; others choose existing ones.
FORUM_TAG_CREATE_MIN_POSTS = int(os.environ.get("FORUM_TAG_CREATE_MIN_POSTS", "10"))
FORUM_MASTODON_SHARE_URL = os.environ.get("FORUM_MASTODON_SHARE_URL", "https://social.overheid.nl/share")
# The parts of thread pages that are the same for every viewer, kept in the cache (forum/cooked.py).
FORUM_POST_CACHE = env_bool("FORUM_POST_CACHE", default=True)
