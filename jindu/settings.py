"""Settings for Jindu, read from the environment (12-factor).

Development: ``make run`` sets DEBUG=1 and uses the embedded SQLite database.
Production: set DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and leave DEBUG unset;
see docs/deploy.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from ``.env`` (written by ``make run``) without overriding the
    real environment, so ``python manage.py …`` works from the root in development."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


if not os.environ.get("JINDU_IGNORE_ENV_FILE"):
    load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
# With DEBUG on, pages still show the product's 404/500; set this to see Django's debug pages.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see docs/deploy.md).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "jindu.core",
    "jindu.policy",
    "jindu.audit",
    "jindu.orgs",
    "jindu.accounts",
    "jindu.documents",
    "jindu.rectification",
    "jindu.supervision",
    "jindu.accountability",
    "jindu.control",
    "jindu.enforcement",
    "jindu.precursors",
    "jindu.prevention",
    "jindu.indicators",
    "jindu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jindu.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jindu.core.middleware.LocaleMiddleware",
    "jindu.core.middleware.RequestSanityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jindu.core.middleware.LoginRequiredMiddleware",
    "jindu.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jindu.core.middleware.ProductErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jindu.audit.middleware.AuditContextMiddleware",
    # Axes last, as its documentation asks, so it sees the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jindu.urls"
WSGI_APPLICATION = "jindu.wsgi.application"
# Django's widget templates, the plainest of them rendered in Python (jindu/core/renderers.py).
FORM_RENDERER = "jindu.core.renderers.FastRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jindu.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process task runner and the web server read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Progress of background jobs is written on a second connection to the same database, so a
# page sees it while the job's own transaction is open (core.jobs). Not on SQLite, which
# allows one writer at a time (and runs tasks in-process there).
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up the control targets on PostgreSQL, the production
# database; SQLite, the embedded default, builds the same indexes without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "jindu.accounts.backends.AccountSlowdownBackend",
    "axes.backends.AxesStandaloneBackend",
    "jindu.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jindu.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "jindu.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"keep": 5}},
]
# Second factor (TOTP, django-otp; jindu.accounts.otp) for these roles, before any page. Over
# the API a token for them needs the code too (`otp` in POST /api/v1/auth/token/) unless
# TWO_FACTOR_API is off, which it is by default only in development (DEBUG, `make run`) so the
# README's one-line token request works on the demo. A full identity number asks for the code
# again when the last check is older than OTP_RECHECK_SECONDS.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", "office_admin,leader")
TWO_FACTOR_API = env_bool("TWO_FACTOR_API", not DEBUG)
OTP_RECHECK_SECONDS = int(os.environ.get("OTP_RECHECK_SECONDS", str(15 * 60)))
OTP_TOTP_ISSUER = "Jindu"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock the username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind nginx (which overwrites X-Forwarded-For, docs/deploy.md) the client's address is the
# header's first entry; without a proxy the header could be forged, so only REMOTE_ADDR counts.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", not DEBUG)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_TLS_PROXY else ["REMOTE_ADDR"]
)
# The client's address, for the lockout and the audit trail alike: X-Forwarded-For counts only
# when the request comes from one of these proxies (nginx on the same host by default), and
# then the last address in it that is not a trusted proxy is the client's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if BEHIND_TLS_PROXY else "")
AXES_CLIENT_IP_CALLABLE = "jindu.audit.middleware.client_ip"
# Across all addresses, an account with this many recent failures is slowed down: each further
# attempt waits twice as long as the last (up to 5 minutes). The office is alerted when one
# account is locked out this many times within a day.
LOGIN_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_SLOWDOWN_AFTER", "10"))
LOCKOUT_ALERT_AT = int(os.environ.get("LOCKOUT_ALERT_AT", "2"))

# Idle sessions expire this many seconds after their last renewal. A signed-in user's session
# is renewed by a request when SESSION_RENEW_SECONDS have passed since the last renewal
# (accounts.middleware), not on every request: each renewal is an UPDATE and a commit, which
# cost a busy page a fifth of its time. The idle limit holds to within SESSION_RENEW_SECONDS.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "60"))
SESSION_SAVE_EVERY_REQUEST = False
# A person's file opened with a stated reason stays open in that session for this long.
FILE_OPEN_GRANT_SECONDS = int(os.environ.get("FILE_OPEN_GRANT_SECONDS", str(30 * 60)))
# Besides the idle limit, a session ends this long after the login however busy it is.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The site catalogue first, then each area's own (jindu/<area>/locale), so that an area's
# strings live beside its code.
LOCALE_PATHS = [BASE_DIR / "locale", *sorted((BASE_DIR / "jindu").glob("*/locale"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The longest free text (notes, summaries, observations) the API accepts.
FREE_TEXT_MAX_LENGTH = int(os.environ.get("FREE_TEXT_MAX_LENGTH", "5000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security headers. HTTPS-only flags are on whenever DEBUG is off; a deployment behind a
# TLS-terminating proxy sets SECURE_PROXY_SSL_HEADER through the proxy (docs/deploy.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy without inline script or style: every script and stylesheet is a
# vendored static file, and HTMX is told not to inject its indicator style.
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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jindu.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "jindu.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "jindu.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jindu.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "jindu.api.throttling.PerUserThrottle",
        "jindu.api.throttling.PerEndpointThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("THROTTLE_TOKEN", "20/min"),
        "anon": os.environ.get("THROTTLE_ANON", "300/min"),
        "user": os.environ.get("THROTTLE_USER", "3000/min"),
        "endpoint": os.environ.get("THROTTLE_ENDPOINT", "1200/min"),
    },
}
# API tokens (jindu.accounts.tokens): lifetime when issued, and the longest one may ask for.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))

# The cache holds the rate-limit counters (and the login slow-down), so it must be shared by
# every worker: Redis when REDIS_URL is set, else a table in the database (createcachetable,
# run by `make migrate` and by the test runner).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "jindu_cache",
        }
    }
SPECTACULAR_SETTINGS = {
    "TITLE": "Jindu API — 禁毒重点整治工作平台",
    "DESCRIPTION": "REST API v1. Authenticate with `Authorization: Token <token>`; "
    "obtain a token from POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # In production the schema and the docs are for logged-in users (session or token) only.
    "SERVE_PERMISSIONS": (
        ["rest_framework.permissions.AllowAny"]
        if DEBUG
        else ["rest_framework.permissions.IsAuthenticated"]
    ),
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jindu.api.schema.local_times",
    ],
    # Several resources have a `kind` or `source`; name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "jindu.orgs.models.UnitKind",
        "DecisionKindEnum": "jindu.rectification.models.DecisionKind",
        "ApplicationKindEnum": "jindu.rectification.models.ApplicationKind",
        "ObligationKindEnum": "jindu.supervision.models.ObligationKind",
        "DesignationSourceEnum": "jindu.rectification.models.DesignationSource",
        "ApplicationSourceEnum": "jindu.rectification.models.ApplicationSource",
    },
}

# Background work: Django's task API (django-tasks backport). The embedded default runs each
# task in-process as it is enqueued; production sets TASKS_BACKEND=database and runs
# `manage.py db_worker` (docs/architecture.md explains the choice).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND", "immediate") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jindu@localhost")

# Backups (manage.py backup / restore, jindu.core.backup): encrypted for the public key; the
# private key lives off the database host and is needed only to restore.
BACKUP_DIR = os.environ.get("BACKUP_DIR", str(BASE_DIR / "backups"))
BACKUP_PUBLIC_KEY = os.environ.get("BACKUP_PUBLIC_KEY", "")
BACKUP_PRIVATE_KEY = os.environ.get("BACKUP_PRIVATE_KEY", "")
BACKUP_MAX_AGE_HOURS = int(os.environ.get("BACKUP_MAX_AGE_HOURS", "24"))

# The rules in force: the id of a policy file in JINDU_POLICY_DIR (policies/README.md).
JINDU_POLICY_DIR = Path(os.environ.get("JINDU_POLICY_DIR", BASE_DIR / "policies"))
JINDU_POLICY = os.environ.get("JINDU_POLICY", "hengyang-2018")
# The county plan's targets (policies/plan/, policies/README.md).
JINDU_PLAN_FILE = Path(
    os.environ.get("JINDU_PLAN_FILE", BASE_DIR / "policies" / "plan" / "hengyang-2018-plan.toml")
)
# A folder with the county's own 公文 templates (gongwen.docx), if it keeps them outside the code.
JINDU_DOCUMENT_TEMPLATES = os.environ.get("JINDU_DOCUMENT_TEMPLATES", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
