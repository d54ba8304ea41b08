"""GetHelp settings.

Everything that differs between a laptop and production comes from the
environment, read through the small strict helpers below. The defaults give the
embedded setup: SQLite and a Whoosh index under var/, Celery tasks run in-process.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def envbool(name, default):
    value = os.environ.get(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def envint(name, default):
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "True")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is False")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Addresses of the reverse proxies in front of the site: only from them is X-Forwarded-For
# believed, so that rate limits count visitors, not the proxy (core/visitors.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "GetHelp"

# The covering index of report answers is a plain index on SQLite (the embedded default).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "corsheaders",
    # Layers, lowest first: an app imports only apps listed before it (README, Architecture).
    "core",
    "accounts",
    "directory",
    "guides",
    "freshness",
    "search",
    # After search, so that search's update_index (one index segment per model) is the one run.
    "haystack",
    "opendata",
    "watching",
    "gethelp",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer on its own (whitenoise, CommonMiddleware's redirects).
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.reject_nul_in_path",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseUnavailable",
]

ROOT_URLCONF = "gethelp.urls"
WSGI_APPLICATION = "gethelp.wsgi.application"

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
                "gethelp.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'gethelp.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, in-process tasks, tests) share the file; wait for locks
    # instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache, Celery broker and rate-limit counters when set. Without it the
# site runs embedded: local-memory cache and tasks executed in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and urlparse(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "gethelp"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never contacted: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
# A stopped or frozen Redis must not hold a request for a minute: sending a task gives up
# within about two seconds (what it carried waits in an outbox, e.g. search.IndexChange).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Open datasets re-imported on a schedule: "datenanfragen=/srv/data/datenanfragen,jdm=/srv/data/jdm".
OPEN_DATA_SOURCES = dict(item.split("=", 1) for item in envlist("OPEN_DATA_SOURCES", "") if "=" in item)
OPEN_DATA_EVERY_SECONDS = envint("OPEN_DATA_EVERY_SECONDS", 24 * 3600)
# The nightly open-data dump (gethelp.dumps), listed on /data/.
DUMP_DIR = Path(os.environ.get("DUMP_DIR", VAR_DIR / "dumps"))

CELERY_BEAT_SCHEDULE = {
    "every-day-flag-stale-channels": {
        "task": "freshness.tasks.flag_stale_entries",
        "schedule": envint("FLAG_STALE_EVERY_SECONDS", 24 * 3600),
    },
    "every-5-minutes-flag-failing-channels": {
        "task": "freshness.tasks.flag_failing_channels",
        "schedule": envint("FLAG_FAILING_EVERY_SECONDS", 300),
    },
    "every-day-grade-companies": {
        "task": "freshness.tasks.grade_companies",
        "schedule": envint("GRADE_EVERY_SECONDS", 24 * 3600),
    },
    "every-hour-check-links": {
        "task": "freshness.tasks.check_links",
        "schedule": envint("CHECK_LINKS_EVERY_SECONDS", 3600),
    },
    "every-minute-drain-index-changes": {
        "task": "search.tasks.drain_index_changes",
        "schedule": envint("DRAIN_INDEX_EVERY_SECONDS", 60),
    },
    "every-day-send-watch-digests": {
        "task": "watching.tasks.send_watch_digests",
        "schedule": envint("WATCH_DIGEST_EVERY_SECONDS", 24 * 3600),
    },
    "every-day-write-dump": {
        "task": "gethelp.tasks.write_dump",
        "schedule": envint("DUMP_EVERY_SECONDS", 24 * 3600),
    },
    "every-minute-add-counted-page-views": {
        "task": "directory.tasks.add_counted_page_views",
        "schedule": envint("PAGE_VIEWS_EVERY_SECONDS", 60),
    },
}
for _source in OPEN_DATA_SOURCES:
    CELERY_BEAT_SCHEDULE[f"every-day-import-{_source}"] = {
        "task": "opendata.tasks.reimport_open_data",
        "schedule": OPEN_DATA_EVERY_SECONDS,
        "args": [_source],
    }

# Search: a Whoosh directory under var/ unless SEARCH_URL points elsewhere.
SEARCH_URL = os.environ.get("SEARCH_URL", f"whoosh://{VAR_DIR / 'whoosh_index'}")


def haystack_connection(url):
    parsed = urlparse(url)
    if parsed.scheme == "whoosh":
        return {
            "ENGINE": "search.whoosh_backend.ReusingWhooshEngine",
            "PATH": parsed.netloc + parsed.path,
            # Writes must fail loudly so the search queue can retry them.
            "SILENTLY_FAIL": False,
        }
    if parsed.scheme in ("elasticsearch7", "opensearch"):
        index = parsed.path.strip("/") or "gethelp"
        scheme = "https" if parsed.query == "tls" else "http"
        return {
            "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
            "URL": f"{scheme}://{parsed.netloc}/",
            "INDEX_NAME": index,
        }
    raise ImproperlyConfigured(f"SEARCH_URL must start with whoosh:// or elasticsearch7://, not {url!r}")


HAYSTACK_CONNECTIONS = {"default": haystack_connection(SEARCH_URL)}
# Every indexed model is registered: skip Haystack's second per-query model filter.
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
# update_index/rebuild_index commit once per batch, and each Whoosh commit may merge
# segments: big batches keep a full rebuild from merging the same data over and over.
HAYSTACK_BATCH_SIZE = envint("SEARCH_BATCH_SIZE", 10000)
# Web processes never write the index: changes are queued (search/receivers.py) and
# applied by the `search` queue, served by one worker at concurrency 1.
HAYSTACK_SIGNAL_PROCESSOR = "search.receivers.QueuedSignalProcessor"
CELERY_TASK_ROUTES = {"search.tasks.*": {"queue": "search"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if envbool("FAST_PASSWORD_HASHER", "False"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "GetHelp <noreply@example.org>")

# HTTPS: on by default when DEBUG is off; SECURE_SSL_REDIRECT can be turned off
# behind a proxy that already redirects.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "False") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task is noise when tasks run in-process.
        "celery.app.trace": {"level": "WARNING"},
    },
}

# Exposes /bench/trivial, the load test's baseline view; never on in production.
BENCH_VIEWS = envbool("BENCH_VIEWS", "False")

# Product settings.
COMPANIES_PER_PAGE = 30
# Rendered company pages for anonymous visitors (gethelp/page_cache.py).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# An editor becomes trusted (publishes without review) after this many accepted edits.
TRUSTED_EDITOR_THRESHOLD = envint("TRUSTED_EDITOR_THRESHOLD", 5)
# Guide edits: (per person, per address, window in seconds).
CORRECTIONS_PER_IP_PER_HOUR = envint("CORRECTIONS_PER_IP_PER_HOUR", 10)
EDIT_RATE_LIMIT = (envint("EDITS_PER_USER_PER_HOUR", 30), envint("EDITS_PER_IP_PER_HOUR", 60), 3600)
COMPANY_SUGGESTIONS_PER_HOUR = envint("COMPANY_SUGGESTIONS_PER_HOUR", 5)

# Freshness. A channel is flagged when it has not been re-verified for this many
# days (by kind), when consumers' reports say it fails, or when its link fails twice.
REVERIFY_INTERVAL_DAYS = {
    "phone": 180,
    "email": 180,
    "chat": 90,
    "web_form": 90,
    "social": 120,
    "app": 180,
    "postal": 365,
    "in_person": 365,
}
# The page summarises the last FEEDBACK_WINDOW_DAYS of answers; the feedback sweep
# learns each channel's usual failure rate from the last FEEDBACK_HISTORY_DAYS.
FEEDBACK_WINDOW_DAYS = 90
FEEDBACK_HISTORY_DAYS = 365
FEEDBACK_MIN_REPORTS_TO_SHOW = 5
REPORTS_PER_IP_PER_CHANNEL_PER_DAY = envint("REPORTS_PER_IP_PER_CHANNEL_PER_DAY", 5)
LINK_CHECK_TIMEOUT_SECONDS = 10
LINK_CHECK_RETRIES = 1
LINK_CHECK_INTERVAL_DAYS = 7
LINK_CHECK_BATCH = envint("LINK_CHECK_BATCH", 500)

# The read API (api/, README "API"): anonymous, read-only, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerAddress"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Every parameter is the API's own (api/params.py): no ?format=, no versioning parameter.
    "URL_FORMAT_OVERRIDE": None,
    "COMPACT_JSON": True,
    "STRICT_JSON": True,
}
# Requests from one address per minute; past that, 429 and Retry-After.
API_RATE_LIMIT = (envint("API_REQUESTS_PER_IP_PER_MINUTE", 300), 60)
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
# The changes feed lists a change once it is this old, so that a transaction still committing
# (its rows carry the time they were written, not the time they became visible) cannot land
# behind a cursor a client already holds.
API_CHANGES_SETTLE_SECONDS = envint("API_CHANGES_SETTLE_SECONDS", 60)
# How long a company's API document is kept in Redis (dropped at once when the company
# changes, like its page; it says "verified N days ago", which moves with the clock).
API_CACHE_SECONDS = envint("API_CACHE_SECONDS", 300)
# How long browsers and proxies may reuse an API answer before asking again (with its ETag).
API_MAX_AGE_SECONDS = envint("API_MAX_AGE_SECONDS", 60)

# CORS: any site (a browser extension, a help widget) may read the API; nothing else.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
CORS_ALLOW_CREDENTIALS = False
