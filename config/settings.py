"""Settings for the practice site, read from environment variables.

Without any variable set this is a development site: SQLite, local-memory
cache, emails printed to the console. Production sets DJANGO_DEBUG=0 and a
secret key (the site refuses to start without one), DATABASE_URL for
PostgreSQL, REDIS_URL for a cache shared by every app node, and
AWS_STORAGE_BUCKET_NAME for media on S3-compatible storage.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DJANGO_DEBUG=1 for a development site."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "practice",
    "pagecache",
    "procedures",
    "conditions",
    "locations",
    "team",
    "newsletter",
    "press",
    "research",
    "reviews",
    "appointments",
    "demo",
    "sitesearch",
    "staff",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    # Spanish beside English (docs/design.md "Languages"): translations of pages
    # edited segment by segment or through PO files, and the locales' admin.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.search_promotions",
    "wagtail.sites",
    "staff.apps.StaffUsersConfig",  # wagtail.users, with second-factor status
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body (the CSRF check reads request.POST): 413 from Content-Length.
    "practice.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside gzip (a page is compressed once, when stored, not on every hit),
    # outside sessions and CSRF (a hit costs one cache read and nothing else).
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the URL's (/es/...; English unprefixed), never the browser's.
    "practice.middleware.URLLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sign-in (staff/): the second factor, then nothing else before it is
    # given; idle sessions that saw patient data end; django-axes refuses sign-in
    # after repeated failures (last, as its docs ask).
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.SecondFactorMiddleware",
    "staff.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Security headers through django-csp and django-permissions-policy (policies below).
    "practice.middleware.PublicCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Pages found by URL from the cache (pagecache/routing.py).
    "pagecache.routing.PageRouteMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite next to the code unless DATABASE_URL names another one.
# Each gunicorn worker (sync: one request at a time) keeps its connection for
# DATABASE_CONN_MAX_AGE seconds, so a request does not pay PostgreSQL's
# connection set-up; with one connection per worker a pool adds nothing.
# DATABASE_CONN_HEALTH_CHECKS=0 skips the `SELECT 1` a reused connection costs
# at the start of each request; gunicorn's web workers set it, as their first
# query reopens a closed connection itself (docs/deploy.md, "Database").
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("DATABASE_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several gunicorn workers and a task worker:
    # with a write-ahead log, readers never wait for a writer (a search's
    # count, a queued notification), and writers queue for the lock at once
    # instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL",
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search uses PostgreSQL full text when this app is installed.
    INSTALLED_APPS.append("django.contrib.postgres")
    # Prepared statements: psycopg binds parameters on the server and prepares a
    # query it has run DATABASE_PREPARE_THRESHOLD times on this connection, so
    # PostgreSQL stops parsing and planning a page's few queries on every view
    # (more than half its CPU per uncached page, bench/README.md). Off with
    # DATABASE_SERVER_SIDE_BINDING=0, as behind PgBouncer in transaction pooling,
    # where a prepared statement may not be on the next transaction's connection.
    if os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") == "1":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")),
            }
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: one Redis shared by every app node in production; without Redis, a
# cache on disk that every process of this machine opens (the gunicorn workers,
# the task worker, cron jobs), so a purge made by any of them reaches them all.
# Never a per-process memory: with several workers, each would keep serving
# what another had purged.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that fails open, and skips a stalled Redis
            # for CACHE_RETRY_SECONDS after a timeout (pagecache/backends.py).
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "practice"),
            # A Redis that hangs must not hang every page with it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            # diskcache: SQLite and files, safe across processes and forks
            # (pagecache/backends.py keeps its connections between requests).
            "BACKEND": "pagecache.backends.SharedDiskCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "SHARDS": 4,
            # A read or write waits at most this long for another process's write.
            "DATABASE_TIMEOUT": 0.5,
            "OPTIONS": {"size_limit": int(os.environ.get("CACHE_SIZE_LIMIT", str(2**30)))},
        }
    }
# After a failed call, how long one process leaves a Redis that is down or stalls.
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))

# A menu section lists at most this many pages, then "All …" (its own page).
MENU_CHILDREN_LIMIT = 25
# Section index pages (services, conditions, locations, team) list this many per page.
INDEX_PAGE_SIZE = 50

# Anonymous page views are kept this long in the cache above (0 = off), and
# purged by the page tree when pages change (pagecache/purge.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Parts of pages are built once per change and kept this long (0 = built on
# every render): what every page shows alike (the menu, the footer's links),
# and what a page lists of other pages (pagecache/versions.py).
SITE_PARTS_CACHE_SECONDS = int(os.environ.get("SITE_PARTS_CACHE_SECONDS", "600"))

# An HTTP cache in front (Varnish, or a CDN): purged by the same rules.
# FRONTEND_CACHE_URL is Varnish's purge listener (deploy/varnish.vcl: a port of
# its own, e.g. http://127.0.0.1:6091, that the public proxy never reaches);
# PURGE and BAN go there after each commit (pagecache/frontend.py).
FRONTEND_CACHE_URL = os.environ.get("FRONTEND_CACHE_URL", "")
WAGTAILFRONTENDCACHE = {}
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "pagecache.frontend.VarnishBackend",
        "LOCATION": FRONTEND_CACHE_URL,
    }
if os.environ.get("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
    }
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Staff passwords guard patient data: 12 characters at least (issue 22).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (staff/, docs/staff-accounts.md). django-axes first: it refuses a
# locked-out username or client before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins before refusal, counted per username and, separately, per client
# (the client's address by the site's one rule, practice/clients.py).
AXES_FAILURE_LIMIT = int(os.environ.get("STAFF_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("STAFF_SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "staff.clients.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "staff.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The code step's own limit: wrong codes per person before a pause.
STAFF_OTP_FAILURE_LIMIT = int(os.environ.get("STAFF_OTP_FAILURE_LIMIT", "5"))
STAFF_OTP_COOLOFF_SECONDS = int(os.environ.get("STAFF_OTP_COOLOFF_SECONDS", "900"))
# A session that has seen patient data ends after this long without a request;
# the admin warns this long before, with a button to stay signed in.
STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", str(15 * 60)))
STAFF_IDLE_WARNING_SECONDS = 60
# Development only: the demo users sign in without enrolling (`make run` sets it).
# Ignored with debug off (staff/policy.py), and `manage.py check` refuses it (staff.E001).
STAFF_DEV_SKIP_SECOND_FACTOR = env_bool("DJANGO_DEV_SKIP_SECOND_FACTOR")
OTP_TOTP_ISSUER = os.environ.get("WAGTAIL_SITE_NAME", "Practice website")
# Passkeys (django-otp-webauthn) as the second factor only: never instead of the
# password (that would skip django-axes' count). A passkey belongs to one site
# address, the admin's (WAGTAILADMIN_BASE_URL, below); browsers refuse an IP
# address there, so in development it is localhost (open http://localhost:8000/admin/).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Practice website")
_admin_address = urlsplit(
    os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000").replace(
        "//127.0.0.1", "//localhost"
    )
)
OTP_WEBAUTHN_RP_ID = _admin_address.hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_admin_address.scheme}://{_admin_address.netloc}"]

LANGUAGE_CODE = "en"
# The patient side in English (at today's URLs) and Spanish (under /es/).
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# The practice's time zone: every time staff read (admin, exports, emails) is shown in it.
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
# Where the practice is: the country for phone numbers, the country and state
# whose public holidays are not business days (ISO 3166 codes).
PRACTICE_REGION = os.environ.get("PRACTICE_REGION", "US")
PRACTICE_SUBDIVISION = os.environ.get("PRACTICE_SUBDIVISION", "CT")
USE_I18N = True
USE_TZ = True

# Static files: plain CSS and JS from static/, served by WhiteNoise with
# hashed, compressed copies in production.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

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
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible media (django-storages): originals and renditions. Credentials
    # come from the usual AWS_* variables read by boto3. Objects are private
    # unless AWS_DEFAULT_ACL says otherwise (or a bucket policy makes them public).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            "querystring_auth": False,
        },
    }

# Email: printed to the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "website@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict by default once debug is off; a site behind a TLS proxy
# keeps these, a plain-HTTP test server turns them off with DJANGO_SECURE=0.
SECURE = env_bool("DJANGO_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE
# Load balancers ask for /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A refused form (expired or missing token) gets a page of the site that shows the
# form again with what was typed, never Django's bare 403 (practice/csrf.py).
CSRF_FAILURE_VIEW = "practice.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): everything the public site loads comes
# from itself; no third-party script, font, frame or pixel can run on a page
# about someone's health. The admin keeps Wagtail's own (its inline scripts),
# and so do signed-in users' pages (the userbar): practice.middleware says how,
# and how one view adds a source (csp_update / csp_replace).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Permissions-Policy (django-permissions-policy): no page may use these.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "interest-cohort": [],
}
# Request bodies: public pages take small forms only (the appointment form is a
# few kilobytes); a bigger declared body is refused with 413 before it is read.
# 0 turns the cap off. The admin is bounded by Django's own limit, the backstop
# for every request (file uploads are counted by Wagtail's upload limits).
PUBLIC_MAX_BODY_BYTES = int(os.environ.get("PUBLIC_MAX_BODY_BYTES", str(32 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Query strings (what patients and the front desk search for) never reach the
    # logs: Django's request lines lose them here, gunicorn's in deploy/gunicorn.conf.py.
    "filters": {"no_query_strings": {"()": "config.logs.NoQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the logs: 4xx/5xx lines carry the path only.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per background task is noise; failures still show.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Practice website")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public address of the default Wagtail Site (canonical, og:url, the sitemap, the
# printed sheet): given, or the admin's address in development, or https on the first
# allowed host in production (not with DJANGO_SECURE=0: loopback gates and benches
# keep Wagtail's default). After migrate, a Site still at Wagtail's own
# "localhost:80" takes it (practice/apps.py); a Site an editor set is left alone.
SITE_URL = os.environ.get("SITE_URL") or (
    WAGTAILADMIN_BASE_URL
    if DEBUG
    else next((f"https://{host}" for host in ALLOWED_HOSTS if host[:1] not in ".*"), "")
    if SECURE
    else ""
)
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
    # The site search's own index (sitesearch/): kept up to date by Wagtail's
    # indexing like the default one; `update_index` rebuilds both.
    "sitesearch": {"BACKEND": "sitesearch.index.SiteSearchBackend"},
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "txt"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Images with a "decorative" mark beside the description (practice/images.py).
WAGTAILIMAGES_IMAGE_MODEL = "practice.SiteImage"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff avatars never call Gravatar: a hash of each staff email would go to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_COMMENTS_ENABLED = True

# Background tasks (django-tasks): run at once in development and tests; in
# production (or TASKS_BACKEND=database) stored in the database and run by a
# worker process: `python manage.py db_worker`.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Appointment requests
# Posts per client in any rolling hour that would be stored (valid ones, spam
# included); an invalid post is a patient fixing a typo and never counts
# (0 turns the limit off, e.g. for the benchmark).
APPOINTMENT_RATE_LIMIT = int(os.environ.get("APPOINTMENT_RATE_LIMIT", "10"))
# Quicker than this from showing the form to posting it is a bot (0 = off).
APPOINTMENT_MIN_FILL_SECONDS = float(os.environ.get("APPOINTMENT_MIN_FILL_SECONDS", "3"))
# The proxies in front of the app, declared one way (practice/clients.py reads the
# client's address through them; practice.checks refuses both at once): how many
# every request passes (nginx then Varnish: 2), or their addresses and networks.
# Neither: X-Forwarded-For is ignored, the client is the connecting address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
if "APPOINTMENT_TRUST_X_FORWARDED_FOR" in os.environ:
    # Refused by practice.E010 with what to set instead, rather than silently ignored.
    APPOINTMENT_TRUST_X_FORWARDED_FOR = env_bool("APPOINTMENT_TRUST_X_FORWARDED_FOR")
APPOINTMENT_RETENTION_DAYS = int(os.environ.get("APPOINTMENT_RETENTION_DAYS", "365"))
APPOINTMENT_SPAM_RETENTION_DAYS = int(os.environ.get("APPOINTMENT_SPAM_RETENTION_DAYS", "30"))
APPOINTMENT_NOTIFY_RETRY_SECONDS = float(os.environ.get("APPOINTMENT_NOTIFY_RETRY_SECONDS", "2"))

# Newsletter (double opt-in)
# How long the emailed confirmation link works.
NEWSLETTER_CONFIRM_DAYS = int(os.environ.get("NEWSLETTER_CONFIRM_DAYS", "7"))
# Sign-ups never confirmed are deleted this long after the last sign-up (by
# `manage.py purge_newsletter_pending`); a day longer than the link works.
NEWSLETTER_PENDING_DAYS = int(os.environ.get("NEWSLETTER_PENDING_DAYS", "8"))
# At most one email per address in this many minutes, however often it is signed up.
NEWSLETTER_EMAIL_INTERVAL_MINUTES = int(os.environ.get("NEWSLETTER_EMAIL_INTERVAL_MINUTES", "15"))
# Sending issues (newsletter/issues.py): batches of this many, at most this many
# emails a minute (what the mail provider allows), a failed address tried this many
# times with this first pause (doubling), and a worker's claim on a message given
# up after this long (`resume_newsletter_sending` sends it again; keep it well
# above EMAIL_TIMEOUT).
NEWSLETTER_SEND_BATCH_SIZE = int(os.environ.get("NEWSLETTER_SEND_BATCH_SIZE", "50"))
NEWSLETTER_SEND_PER_MINUTE = float(os.environ.get("NEWSLETTER_SEND_PER_MINUTE", "100"))
NEWSLETTER_SEND_ATTEMPTS = int(os.environ.get("NEWSLETTER_SEND_ATTEMPTS", "4"))
NEWSLETTER_SEND_RETRY_SECONDS = float(os.environ.get("NEWSLETTER_SEND_RETRY_SECONDS", "300"))
NEWSLETTER_SEND_LEASE_SECONDS = float(os.environ.get("NEWSLETTER_SEND_LEASE_SECONDS", "120"))

# Site search (sitesearch/)
# Daily search counts (per normalised query; nothing about who searched) are
# kept this long, then deleted by `manage.py purge_search_terms`.
SEARCH_TERMS_RETENTION_DAYS = int(os.environ.get("SEARCH_TERMS_RETENTION_DAYS", "180"))
# Searches are counted in memory and written every this many seconds by a
# thread of each process (never on the request path); a process killed outright
# loses at most this long of counts. 0 writes each search at once.
SEARCH_TERMS_FLUSH_SECONDS = float(os.environ.get("SEARCH_TERMS_FLUSH_SECONDS", "30"))
# Wagtail's own `searchpromotions_garbage_collect` keeps them as long.
WAGTAILSEARCH_HITS_MAX_AGE = SEARCH_TERMS_RETENTION_DAYS
