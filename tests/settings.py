"""Settings for the test suite: the product's settings, with what tests need changed.

Named in pyproject.toml (pytest-django's DJANGO_SETTINGS_MODULE), so
config/settings.py behaves the same whoever imports it. The database is
still chosen by DATABASE_URL (PostgreSQL in CI, SQLite otherwise).
"""

import os

# A key only this suite uses; production refuses to start without a real one.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-any-real-site")

from config.settings import *  # noqa: E402, F403

# Tests talk plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

# Static files straight from static/, no collectstatic manifest needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Background tasks run at once, inside the test; tests of the worker set their own.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Pages are rendered fresh in tests; the page cache's own tests turn it on.
PAGE_CACHE_SECONDS = 0
SITE_PARTS_CACHE_SECONDS = 0
# Each search's count written at once, so a test sees it (batching: test_search_privacy).
SEARCH_TERMS_FLUSH_SECONDS = 0

# Fast password hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A fresh local-memory cache per test run (tests clear it between tests).
if not os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests keep Wagtail's default Site at localhost:80; tests of the site address set their own.
SITE_URL = ""
