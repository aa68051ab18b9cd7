"""Django settings for Vern.

Everything comes from the environment. Without any variables set Vern runs in
its embedded mode: SQLite and generated secrets under ``var/``, DEBUG on, mail to
the console. ``DEBUG=false`` selects production and then demands SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL, VERN_FERNET_KEYS and VERN_AUDIT_KEYS
(docs/operations.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from vern.env import env_bool, env_int, env_list, env_str, local_secret, new_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("VERN_DATA_DIR") or PACKAGE_DIR.parent.parent / "var")

DEBUG = env_bool("DEBUG", default=True)
VERN_EXIT_URL = env_str("VERN_EXIT_URL", "https://www.yr.no/")
# Absolute links in e-mails sent by `vern tick` (no request to take the host from).
VERN_BASE_URL = env_str("VERN_BASE_URL", "http://127.0.0.1:8000")
# Demo data of the apps, loaded by `vern demo` after core's; each takes the demo municipality.
VERN_DEMO_LOADERS = [
    "vern.plans.demo.load",
    "vern.directory.demo.load",
    "vern.consultations.demo.load",
    "vern.schools.demo.load",
    "vern.competence.demo.load",
    "vern.prevention.demo.load",
    "vern.pathways.demo.load",
]
# Jobs `vern tick` runs, in order; each takes `today` and returns a count.
VERN_TICK_JOBS = [
    "vern.plans.tick.expire_plans",
    "vern.plans.tick.send_measure_reminders",
    "vern.plans.tick.send_review_reminders",
    "vern.directory.tick.send_verification_reminders",
    "vern.directory.tick.send_overdue_notices",
    "vern.competence.tick.send_expiry_reminders",
    "vern.prevention.tick.send_agreement_reminders",
    "vern.pathways.tick.warn_orders_ending",
    "vern.core.routines.send_step_notices",
    "vern.consultations.tick.schedule_meetings",
    "vern.consultations.tick.send_follow_up_reminders",
    "vern.consultations.tick.send_meeting_notices",
    "vern.core.retention.apply_retention",
]
# An unscoped query on a model holding personal data (core/models/scoping.py):
# raise (development, demo, tests) or, off, log an error and find no rows (production).
VERN_TENANCY_STRICT = env_bool("VERN_TENANCY_STRICT", default=DEBUG)
# Record types `vern.core.retention` removes after their period (each a RetentionType).
VERN_RETENTION_TYPES = [
    "vern.directory.retention.ERROR_REPORTS",
    "vern.consultations.retention.CONCERNS",
    "vern.consultations.retention.DRAFTS",
    "vern.schools.retention.NO_SHOW_CASES",
    "vern.schools.retention.SIGNALS",
    "vern.competence.retention.IMPORTS",
    "vern.pathways.retention.PATHWAYS",
]
# Demo mode is switched on by `vern demo` (see vern.manage): banner on, no 2FA.
VERN_DEMO = env_bool("VERN_DEMO", default=False)

if not DEBUG:
    missing = [
        name
        for name in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "VERN_FERNET_KEYS",
            "VERN_AUDIT_KEYS",
        )
        if not env_str(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "DEBUG=false (production) needs these environment variables: " + ", ".join(missing)
        )

    if VERN_DEMO or not env_bool("VERN_REQUIRE_2FA", default=True):
        raise ImproperlyConfigured(
            "Demo mode and VERN_REQUIRE_2FA=false are refused in production (DEBUG=false)."
        )

SECRET_KEY = env_str("SECRET_KEY") or local_secret(DATA_DIR / "secret_key", new_secret_key)
# First key encrypts; all keys decrypt, so keys can be rotated (docs/operations.md).
VERN_FERNET_KEYS = env_list("VERN_FERNET_KEYS", []) or [
    local_secret(DATA_DIR / "fernet_key", lambda: Fernet.generate_key().decode())
]
# Keys for the audit log's HMACs (audit/signing.py), kept out of the database:
# the first signs new entries, all verify, so keys can be rotated.
VERN_AUDIT_KEYS = env_list("VERN_AUDIT_KEYS", []) or [
    local_secret(DATA_DIR / "audit_key", new_secret_key)
]
if any(len(key) < 32 for key in VERN_AUDIT_KEYS):
    raise ImproperlyConfigured("Every key in VERN_AUDIT_KEYS must be at least 32 characters long")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "vern.core",
    "vern.audit",
    "vern.public",
    "vern.plans",
    "vern.directory",
    "vern.guide",
    "vern.consultations",
    "vern.schools",
    "vern.competence",
    "vern.prevention",
    "vern.pathways",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come precompressed), before everything that
    # reads or writes the body.
    "vern.core.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vern.core.middleware.StaffLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vern.core.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vern.core.middleware.FormReferrerPolicyMiddleware",
    "vern.core.middleware.StaffNoStoreMiddleware",
    # Last, so that it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vern.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "vern.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vern.core.context_processors.vern",
            ],
            # long_date, long_datetime, prose_number: the one way to show them.
            "builtins": ["vern.core.templatetags.dates"],
        },
    },
]

# --- Database ---------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'vern.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions serialise writers, which keeps the audit chain linear.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    # Off by default: the check is a round trip (SELECT 1) before every request that
    # uses the database, some 7 % of a busy worker's time on the public pages
    # (bench/load.py, py-spy). Without it, a connection the server dropped (a
    # restart) fails the one request that finds it, and is then replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool(
        "DATABASE_CONN_HEALTH_CHECKS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login -----------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "account:login"
# Two-factor login is required for staff except in demo mode.
VERN_REQUIRE_2FA = env_bool("VERN_REQUIRE_2FA", default=not VERN_DEMO)
OTP_TOTP_ISSUER = "Vern"

# 30 minutes idle: the expiry is pushed forward on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The only public cookie is the CSRF token of the error-report form: let it
# end with the browser session rather than linger for a year.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "vern.public.views.csrf_failure"
# A forgotten-password link lasts an hour; an invitation's link for choosing the
# first password lasts VERN_INVITATION_HOURS (core/tokens.py).
PASSWORD_RESET_TIMEOUT = 60 * 60
VERN_INVITATION_HOURS = env_int("VERN_INVITATION_HOURS", 72)
# log_action refuses audit codes that are not registered (audit/codes.py) in
# development and tests; in production it writes the entry and logs an error.
VERN_AUDIT_STRICT_CODES = env_bool("VERN_AUDIT_STRICT_CODES", default=DEBUG)

AXES_FAILURE_LIMIT = env_int("VERN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# The login form posts the e-mail address in the field "username".
AXES_USERNAME_FORM_FIELD = "username"
# Every spelling of an address counts under one key (stripped, case-folded).
AXES_USERNAME_CALLABLE = "vern.core.login.lockout_key"
# Lock the account whatever address the attempts come from, and the account
# from one address. The first is the stricter: failures from many addresses
# add up. It also means anyone can lock an account for the cool-off time.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/auth/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Behind N reverse proxies the client address is read from X-Forwarded-For
# (django-ipware); with 0 it is REMOTE_ADDR.
AXES_IPWARE_PROXY_COUNT = env_int("VERN_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Security headers -------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("VERN_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages --------------------------------------------------------------
LANGUAGE_CODE = "nb"
# Every language is named in itself. The public guide offers all eight; the
# staff pages (/ansatt/, /konto/) only the first three.
LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
    ("se", "Davvisámegiella"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
]
VERN_STAFF_LANGUAGES = ["nb", "nn", "en"]
# Django knows neither Northern Sami nor Somali: vern.core.apps adds them to LANG_INFO.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Date formats for the languages Django has none for (Northern Sami, Somali),
# and "6. desember 2026" / "6 December 2026" for nb, nn and en (vern.core.dates).
FORMAT_MODULE_PATH = ["vern.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# --- Cache: rate limits (error reports, the HSDS API) and the poster cache ----
# In production with several app processes, point VERN_CACHE_URL at Redis
# (redis://host:6379/0) so limits hold across processes; the default is
# per process.
_cache_url = env_str("VERN_CACHE_URL")
# Public PDFs (plan, poster) each address may fetch: rendering is costly, so a
# client asking for many cannot take the workers the guide needs.
VERN_PDF_RATE = env_str("VERN_PDF_RATE", "20/m")

# A Redis that does not answer costs a request at most these timeouts (seconds): the
# backend then answers as an empty cache for a few seconds (vern/core/redis_cache.py).
VERN_REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
_redis = {
    "BACKEND": "vern.core.redis_cache.RedisCache",
    "LOCATION": _cache_url,
    "OPTIONS": VERN_REDIS_OPTIONS,
}

CACHES = {
    "default": (
        _redis if _cache_url else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Result cards of pages in other languages than bokmål, made once and kept
    # (vern/guide/cards.py): many small values, so per process up to 5,000 of
    # them (about 6 MB) rather than the default's 300.
    "cards": (
        _redis
        if _cache_url
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "vern-cards",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
# A count the cache could not keep (Redis went down between django-ratelimit's add and
# incr) lets the request through, as every request is let through while Redis is down:
# the public side stays up (docs/security.md).
RATELIMIT_FAIL_OPEN = True
# Requests per client address to the public HSDS API.
VERN_HSDS_RATE = env_str("VERN_HSDS_RATE", "120/m")
if not re.fullmatch(r"[1-9][0-9]*/[smhd]", VERN_HSDS_RATE):
    raise ImproperlyConfigured("VERN_HSDS_RATE must look like 120/m (a number per s, m, h or d)")
# Requests with a search text (``?search=``) per client address to the HSDS
# API, counted besides VERN_HSDS_RATE: a search ranks the whole directory.
VERN_HSDS_SEARCH_RATE = env_str("VERN_HSDS_SEARCH_RATE", "30/m")
if not re.fullmatch(r"[1-9][0-9]*/[smhd]", VERN_HSDS_SEARCH_RATE):
    raise ImproperlyConfigured(
        "VERN_HSDS_SEARCH_RATE must look like 30/m (a number per s, m, h or d)"
    )
# How often (seconds) a process checks whether the directory changed before it
# trusts its snapshot (the guide's index, vocabulary, synonyms, languages
# offered, municipalities; vern/guide/snapshot.py): the change log and the newest
# changes every VERN_SNAPSHOT_SECONDS, a pass over all services (deletions, late
# commits) every VERN_SNAPSHOT_FULL_SECONDS.
VERN_SNAPSHOT_SECONDS = 1.0
VERN_SNAPSHOT_FULL_SECONDS = 30.0

# How long a stated reason (break-the-glass on a record, or the purpose a
# reason_required page asks for) lets the person open that record or page.
VERN_BREAK_GLASS_MINUTES = env_int("VERN_BREAK_GLASS_MINUTES", 30)
if VERN_BREAK_GLASS_MINUTES < 1:
    raise ImproperlyConfigured("VERN_BREAK_GLASS_MINUTES must be at least 1")

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Mail (Django 6.1 MAILERS) -----------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Vern <vern@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: request lines without query strings (they can hold search terms)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "vern.core.logging.StripQueryStrings"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["no_query"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("VERN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
