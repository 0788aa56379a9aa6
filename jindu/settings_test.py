"""Test settings: the real settings, with a fixed key and a fast password hasher."""

import os

os.environ.setdefault("JINDU_IGNORE_ENV_FILE", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
AXES_FAILURE_LIMIT = 5
# The suite's personas log in with force_login(); the second factor has its own tests
# (jindu/accounts/tests/test_two_factor.py), which turn it on.
TWO_FACTOR_ROLES = ()
TWO_FACTOR_API = False
# Tests that need no database still touch the cache (rate limits): an in-memory default,
# and the production database cache under its own alias so its table exists in test runs.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": CACHES["default"],  # noqa: F405
}
# Tests run in one transaction per test: job progress goes through it (no second connection).
DATABASES.pop("progress", None)  # noqa: F405
# The public survey page keeps the survey a link names for a few seconds per process; tests
# create and change surveys with reused ids, so they read it every time (its own test turns
# the cache on).
JINDU_SURVEY_PUBLIC_TTL = 0
