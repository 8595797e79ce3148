"""Calcuingo settings, read from the environment.

Every service is optional: with nothing configured the project runs on SQLite, a local-memory
cache and eager Celery tasks, so `make run` works on a bare machine. Production sets
`DJANGO_DEBUG=false`, `DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`, `DATABASE_URL`, `REDIS_URL`,
`CELERY_BROKER_URL` and `EMAIL_URL`, and then passes `manage.py check --deploy`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from calcuingo.resilience import connection_class_for

# Lets annotations such as `admin.ModelAdmin[Lesson]` run, not only type-check. (DRF's classes are
# patched in AccountsConfig.ready: importing DRF here would freeze its settings before ours exist.)
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for development; real deployments set the environment itself.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def _env_bool(name: str, default: bool) -> bool:
    """Read a boolean, refusing values that are neither true nor false (a typo must not pass)."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


# --- Core -----------------------------------------------------------------------------------
DEBUG = _env_bool("DJANGO_DEBUG", False)
# The fallback key is deliberately marked insecure: `check --deploy` refuses it (security.W009).
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="django-insecure-calcuingo-development-key-never-use-in-production",
)
ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "import_export",
    "accounts",
    "curriculum",
    "practice",
    "gamification",
    "analytics",
]

MIDDLEWARE = [
    # First: an oversized body is refused from its Content-Length, before anything reads it.
    "calcuingo.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "calcuingo.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that it sees the outcome of every authentication attempt made by the views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "calcuingo.urls"
WSGI_APPLICATION = "calcuingo.wsgi.application"
ASGI_APPLICATION = "calcuingo.asgi.application"

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
                "calcuingo.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Unset: a SQLite file next to manage.py. Set: typically postgres://user:pass@host:5432/name,
# served through psycopg 3 with Django's native connection pool.
DATABASE_URL: str = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASE_POOL_SIZE: int = env.int("DATABASE_POOL_SIZE", default=20)
if DATABASE_POOL_SIZE < 1:
    raise ImproperlyConfigured("DATABASE_POOL_SIZE must be at least 1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": min(2, DATABASE_POOL_SIZE),
        "max_size": DATABASE_POOL_SIZE,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    # A pooled connection is returned to the pool at the end of each request instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before lending it (one empty round trip): after a database
    # restart or a killed backend, the next request gets a live connection, not an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL: str = env.str("REDIS_URL", default="")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "calcuingo",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Short timeouts: an unreachable Redis must cost milliseconds, not a hung request.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
                # And a circuit breaker: after one failure, skip Redis for a few seconds, so a
                # hung server costs each request nothing instead of one timeout per call.
                "CONNECTION_POOL_KWARGS": {"connection_class": connection_class_for(REDIS_URL)},
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "calcuingo",
        }
    }
# A Redis outage degrades to cache misses, logged by django_redis, never to an error page.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
# The breaker logs each outage once (opened, closed again); a traceback per ignored call would
# flood the log exactly when the site is busiest.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
REDIS_CIRCUIT_RESET_SECONDS: float = env.float("REDIS_CIRCUIT_RESET_SECONDS", default=10.0)
DJANGO_REDIS_LOGGER = "calcuingo.cache"

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process when called, so a bare machine still does the work.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND: str | None = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Late acknowledgement is opted into task by task (`acks_late=True, reject_on_worker_lost=True`)
# by the idempotent ones, which a dead worker's message may safely run again; the others (e-mail,
# calibration) keep these defaults: acknowledged on start, never run twice.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# Redis redelivers a message left unacknowledged this long: more than the hard time limit plus
# the longest retry countdown (600 s), or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Tasks that must finish before their next run is due.
CELERY_TASK_ANNOTATIONS = {
    "analytics.tasks.streak_reminders_send": {"soft_time_limit": 240, "time_limit": 300},
    "gamification.tasks.leaderboards_rebuild": {"soft_time_limit": 240, "time_limit": 300},
}
# Learner code is graded on a queue of its own, by workers on hosts of their own (they need
# bubblewrap; see curriculum/grading/coderunner): `celery -A calcuingo worker -Q code
# --concurrency=<cores>` — each run holds a process for its whole sandbox, so the worker's
# concurrency is the host's limit on simultaneous sandboxes (prefetch 1, above: a long run
# never holds a second message hostage). The other workers leave out `code` (`-Q celery`).
CELERY_TASK_ROUTES = {"practice.tasks.code_grade_task": {"queue": "code"}}


# Periodic work; times are UTC. The daily-summary rollup recomputes each learner's *local*
# yesterday, so it runs hourly: some zone's midnight has just passed every hour (and each zone's
# day is rolled once, see `analytics.rollups`). `expires` drops a run that waited past its slot.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "rollup-daily-summaries": {
        "task": "analytics.tasks.rollup_day",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    "refresh-user-statistics": {
        "task": "analytics.tasks.statistics_refresh",
        "schedule": crontab(minute=20),
        "options": {"expires": 55 * 60},
    },
    "compute-exercise-stats": {
        "task": "analytics.tasks.exercise_stats_compute",
        "schedule": crontab(hour=2, minute=15),
    },
    "calibrate-difficulty": {
        "task": "practice.tasks.difficulty_calibrate",
        "schedule": crontab(hour=2, minute=45),
    },
    "rebuild-leaderboards": {
        "task": "gamification.tasks.leaderboards_rebuild",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    "close-weekly-leaderboard": {
        "task": "gamification.tasks.leaderboard_close_period",
        "schedule": crontab(day_of_week="mon", hour=0, minute=5),
        "kwargs": {"period": "weekly"},
    },
    "enforce-retention": {
        "task": "analytics.tasks.retention_enforce",
        "schedule": crontab(hour=3, minute=30),
    },
    # The reminders' window is the quarter hour before the run's start: a run later than ten
    # minutes is dropped rather than let it look at the next window.
    "send-streak-reminders": {
        "task": "analytics.tasks.streak_reminders_send",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 10 * 60},
    },
    "expire-stale-sessions": {
        "task": "practice.tasks.session_expire_stale",
        "schedule": crontab(minute=40),
        "options": {"expires": 55 * 60},
    },
    "sweep-stuck-code-runs": {
        "task": "practice.tasks.code_sweep_stuck",
        "schedule": crontab(),  # every minute
        "options": {"expires": 50},
    },
}

# --- Code exercises -------------------------------------------------------------------------
# Per learner: submissions queued or running at once, and sample runs a minute.
CODE_RUNS_PER_LEARNER = env.int("CODE_RUNS_PER_LEARNER", default=2)
CODE_RUNS_PER_MINUTE = env.int("CODE_RUNS_PER_MINUTE", default=10)
# A run is given up ("did not finish; try again") when it has been running this much longer
# than its exercise's budget, or queued for this many minutes.
CODE_RUNNING_MARGIN_SECONDS = env.int("CODE_RUNNING_MARGIN_SECONDS", default=60)
CODE_QUEUED_MAX_MINUTES = env.int("CODE_QUEUED_MAX_MINUTES", default=10)
# The web process refuses code when this host has no sandbox. Turn it off where the web hosts
# never run code and only the `code` queue's hosts have bubblewrap.
CODE_SANDBOX_CHECK = env.bool("CODE_SANDBOX_CHECK", default=True)
if min(CODE_RUNS_PER_LEARNER, CODE_RUNS_PER_MINUTE, CODE_QUEUED_MAX_MINUTES) < 1:
    raise ImproperlyConfigured(
        "CODE_RUNS_PER_LEARNER, CODE_RUNS_PER_MINUTE and CODE_QUEUED_MAX_MINUTES must be at least 1"
    )

# --- Retention ------------------------------------------------------------------------------
# Learning events older than this are folded into daily counts per type, then deleted.
LEARNING_EVENT_RETENTION_DAYS = env.int("LEARNING_EVENT_RETENTION_DAYS", default=90)
# Sessions that ended longer ago than this keep their counters but not their plan.
SESSION_DETAIL_RETENTION_DAYS = env.int("SESSION_DETAIL_RETENTION_DAYS", default=182)
if min(LEARNING_EVENT_RETENTION_DAYS, SESSION_DETAIL_RETENTION_DAYS) < 1:
    raise ImproperlyConfigured("Retention periods must be at least one day")

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL: str = env.str(
    "DEFAULT_FROM_EMAIL", default="Calcuingo <no-reply@calcuingo.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Client identity ------------------------------------------------------------------------
# How many reverse proxies of ours stand in front of the server, each appending to
# X-Forwarded-For. 0 (the default): the client is the connection's address and the header is
# ignored, for throttles, lockout and audit alike (`calcuingo.security.client_ip`).
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the caller is locked out, for the site and the API alike.
    "axes.backends.AxesStandaloneBackend",
    # Logs in with the e-mail address or the username.
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# Signing in or up lands on the learning path: that is where a learner goes on.
LOGIN_REDIRECT_URL = "practice:path"
ACCOUNT_SIGNUP_REDIRECT_URL = "practice:path"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Per account and address: a stranger elsewhere cannot lock a learner out of her own account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_credentials"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Failures are rows in the database, not cache entries: the lockout holds while Redis is down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The address comes from the connection, or from X-Forwarded-For only through our own trusted
# proxies (TRUSTED_PROXY_COUNT): behind a proxy the lockout keys on the client, not the proxy,
# and a made-up header cannot pick the address.
AXES_CLIENT_IP_CALLABLE = "calcuingo.security.client_ip"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Calcuingo] "
# Lockouts are django-axes' job; allauth's own rate limits would be a second, different policy.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

GITHUB_CLIENT_ID: str = env.str("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET: str = env.str("GITHUB_CLIENT_SECRET", default="")
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {
    "github": {"SCOPE": ["read:user", "user:email"]}
}
if GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["github"]["APPS"] = [
        {"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}
    ]
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

PARENT_INVITE_TTL = timedelta(minutes=env.int("PARENT_INVITE_TTL_MINUTES", default=60 * 24))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is told 401 with a WWW-Authenticate header.
        # knox's tokens, checked in one query (`calcuingo.api.tokens`).
        "calcuingo.api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "calcuingo.api.pagination.DefaultPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's throttles, keyed on `calcuingo.security.client_ip` and counting in local memory
    # while Redis is unreachable (see calcuingo/throttling.py for the trade-off).
    "DEFAULT_THROTTLE_CLASSES": [
        "calcuingo.throttling.AnonRateThrottle",
        "calcuingo.throttling.UserRateThrottle",
        "calcuingo.throttling.ScopedRateThrottle",
    ],
    # For any DRF code that still asks for the client's address itself.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # A hostile body (nested too deep, too many fields) is a 400, not a server error.
    "DEFAULT_PARSER_CLASSES": [
        "calcuingo.api.parsers.JSONParser",
        "calcuingo.api.parsers.FormParser",
        "calcuingo.api.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "auth": env.str("API_THROTTLE_AUTH", default="30/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 14)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": env.int("API_TOKEN_LIMIT_PER_USER", default=20),
    "AUTH_HEADER_PREFIX": "Token",
}
DRF_STANDARDIZED_ERRORS = {
    # Teaches the formatter our ApplicationError; every 4xx then has the same shape.
    "EXCEPTION_HANDLER_CLASS": "calcuingo.api.exceptions.CalcuingoExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "415", "429"],
}
_ERR = "drf_standardized_errors.openapi_serializers."
SPECTACULAR_SETTINGS = {
    "TITLE": "Calcuingo API",
    "DESCRIPTION": (
        "Learn math, from arithmetic facts to calculus. Authenticate with a session (the site) "
        "or with `Authorization: Token <token>` from `POST /api/v1/auth/login`. Every 4xx "
        "response has the same shape: `{type, errors: [{code, detail, attr}]}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": [
            ("learner", "Learner"),
            ("parent", "Parent"),
            ("author", "Author"),
            ("staff", "Staff"),
        ],
        "FactOperationEnum": "curriculum.models.FACT_OPERATIONS",
        "ContentStatusEnum": "curriculum.models.Status",
        "SessionStatusEnum": "practice.models.SESSION_STATUSES",
        "SessionModeEnum": "practice.models.SESSION_MODES",
        "RegistrationRoleEnum": [("learner", "Learner"), ("parent", "Parent")],
        "ValidationErrorEnum": _ERR + "ValidationErrorEnum.choices",
        "ClientErrorEnum": _ERR + "ClientErrorEnum.choices",
        "ServerErrorEnum": _ERR + "ServerErrorEnum.choices",
        "ErrorCode401Enum": _ERR + "ErrorCode401Enum.choices",
        "ErrorCode403Enum": _ERR + "ErrorCode403Enum.choices",
        "ErrorCode404Enum": _ERR + "ErrorCode404Enum.choices",
        "ErrorCode405Enum": _ERR + "ErrorCode405Enum.choices",
        "ErrorCode406Enum": _ERR + "ErrorCode406Enum.choices",
        "ErrorCode415Enum": _ERR + "ErrorCode415Enum.choices",
        "ErrorCode429Enum": _ERR + "ErrorCode429Enum.choices",
        "ErrorCode500Enum": _ERR + "ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "calcuingo.api.schema.postprocess_error_responses",
    ],
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------------
# Request bodies: Django's limit for forms and `request.body`, enforced for every body (JSON too)
# from its Content-Length by `calcuingo.middleware.RequestBodyLimitMiddleware`; file uploads
# (multipart: the admin's imports) have their own cap.
DATA_UPLOAD_MAX_MEMORY_SIZE: int = env.int("DATA_UPLOAD_MAX_BYTES", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_FIELDS", default=1000)
MAX_UPLOAD_BYTES: int = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy, trust its scheme header (set DJANGO_BEHIND_PROXY=true).
    if _env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "calcuingo.cache": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Demo -----------------------------------------------------------------------------------
# What `manage.py load_demo` installs, in order; each loader is idempotent and returns what it made.
# The last one plays the demo learners' weeks of practice through the services (`calcuingo.demo`).
DEMO_LOADERS = [
    "curriculum.demo.load",
    "gamification.seeds.seed",
    "accounts.demo.load",
    "calcuingo.demo.load",
]
