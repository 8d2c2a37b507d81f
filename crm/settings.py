"""Custodian settings: one module, everything that differs between machines comes
from the environment (see README "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_str, load_dotenv, write_dev_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)

# Development: a git-ignored .env with fresh random keys is written on first run.
# Production never reads or writes it: its secrets come from the real environment.
DOTENV_PATH = Path(env_str("CRM_DOTENV", str(BASE_DIR / ".env")))
if DEBUG:
    write_dev_dotenv(DOTENV_PATH)
    load_dotenv(DOTENV_PATH)

SECRET_KEY = env_str("SECRET_KEY")
CRM_FIELD_KEYS = env_str("CRM_FIELD_KEYS")
CRM_BLIND_INDEX_KEY = env_str("CRM_BLIND_INDEX_KEY")
# Keys the access log's hash chain (HMAC): whoever owns the database but not this
# key cannot rewrite the log and recompute a chain that verifies.
CRM_AUDIT_KEY = env_str("CRM_AUDIT_KEY")
_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("CRM_FIELD_KEYS", CRM_FIELD_KEYS),
        ("CRM_BLIND_INDEX_KEY", CRM_BLIND_INDEX_KEY),
        ("CRM_AUDIT_KEY", CRM_AUDIT_KEY),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Custodian cannot start: missing " + ", ".join(_missing) + ". Set them in the environment "
        "(or NAME_FILE pointing at a file); see README 'Configuration'."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the host(s) Custodian is served as.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.apps.CustodianAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "phonenumber_field",
    "accounts",
    "vault",
    "audit",
    "review",
    "customers",
    "transactions",
    "interactions",
    "bulk",
    "submissions",
    "reports",
    "lifecycle",
    "insight",
    "outreach",
    "watch",
    "feed",
    "campaigns",
    "ops",
    "api",
    "desk",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

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
                "django.template.context_processors.i18n",
                "desk.context_processors.layout",
            ],
        },
    },
]

# DATABASE_URL=postgres://user:pass@host:5432/name picks PostgreSQL; absent, the
# embedded SQLite file. SQLite runs in WAL mode with IMMEDIATE transactions so the
# web server and the task worker can write side by side without "database is locked".
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytical queries, but a page's query
    # that crosses its cost threshold at a million rows spent more time compiling
    # (~90 ms) than running (the scorecards, bench pages).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            # secure_delete: freed space is zeroed, so an erased value (a destroyed
            # customer's) leaves no copy in the file's free pages.
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not memory, so tests with several threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute force: 5 failures lock the account name (folded to lower case) for 15
# minutes, whatever address they come from, so a forged X-Forwarded-For or a new IP
# does not reset the count. Addresses come from audit.client (REMOTE_ADDR unless
# CRM_TRUSTED_PROXY_COUNT names our own proxies).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "audit.client.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
CRM_TRUSTED_PROXY_COUNT = env_int("CRM_TRUSTED_PROXY_COUNT", 0)
# Exact lookups by ID or bank number a user may make per hour (customers.lookups);
# beyond it a lookup is refused and the refusal logged for the security officer.
CRM_LOOKUP_HOURLY_LIMIT = env_int("CRM_LOOKUP_HOURLY_LIMIT", 30)
# axes.W006 asks for an IP-based lock too. The lock here is per account name and
# ignores address, user agent and cookies, so rotating them does not help an
# attacker; an office behind one NAT address is not locked out as a whole.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions live in the database so any number of web processes share them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves collected files (collectstatic → STATIC_ROOT) through WhiteNoise;
# development serves them straight from the apps and static/.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if not DEBUG else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# Guardian: no anonymous user row; object permissions are checked per object.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Tracebacks and error reports never carry a sensitive value (SPEC §5).
DEFAULT_EXCEPTION_REPORTER_FILTER = "vault.reporting.SensitiveValueFilter"

# Security headers. Production behind a TLS-terminating proxy sets
# DJANGO_SECURE_PROXY_SSL_HEADER=true so Django sees the original scheme.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and fetches only
# from this site's own files; no inline script or style attribute anywhere (the
# templates use static/js and CSS classes; report charts are SVG with attributes),
# no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own "django" handlers (a DEBUG-only console, mail to ADMINS) would
        # print each server error a second time beside the root's: one line per error.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Background work (imports): django-tasks with its database backend, so no extra
# server is needed; `make run` starts a worker (`manage.py db_worker`) beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploaded spreadsheets, kept encrypted (vault.files) until their import is discarded.
CRM_IMPORT_DIR = Path(env_str("CRM_IMPORT_DIR", str(BASE_DIR / "var" / "imports")))
CRM_IMPORT_MAX_BYTES = env_int("CRM_IMPORT_MAX_BYTES", 512 * 1024 * 1024)
# Worker processes that check and encrypt a large file's rows while the importing
# process writes them (0: the importing process does everything).
CRM_IMPORT_WORKERS = env_int("CRM_IMPORT_WORKERS", os.cpu_count() or 1)
# Uploads are encrypted as they arrive, into CRM_IMPORT_DIR: never a plaintext
# temporary file (Django's default for uploads over 2.5 MB), never whole in memory.
FILE_UPLOAD_HANDLERS = ["bulk.uploads.EncryptingUploadHandler"]

# The access log's checkpoints: the chain's head (entry number and keyed hash), written
# outside the database every CRM_AUDIT_CHECKPOINT_EVERY entries and at least hourly
# while entries are written, as a line appended to this file and to the log
# (logger "custodian.audit"). `verify_audit_log` compares the database with them, so a
# truncated log, a cut tail or a reset head is found. Keep the file (or the log lines)
# where the database's owner cannot rewrite them.
CRM_AUDIT_CHECKPOINT_FILE = Path(
    env_str("CRM_AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit" / "checkpoints.jsonl"))
)
CRM_AUDIT_CHECKPOINT_EVERY = env_int("CRM_AUDIT_CHECKPOINT_EVERY", 1000)

# Business settings.
CRM_REVERIFY_AFTER_DAYS = 365
# A customer's request (PIPL arts. 44-47) is answered within this many calendar days.
CRM_SUBJECT_REQUEST_DAYS = env_int("CRM_SUBJECT_REQUEST_DAYS", 15)
# The share of each week's approvals drawn for a second check (issue 17 item 2).
CRM_SAMPLE_SHARE = float(env_str("CRM_SAMPLE_SHARE", "0.05"))
if not 0 < CRM_SAMPLE_SHARE <= 1:
    raise ImproperlyConfigured("CRM_SAMPLE_SHARE is a share between 0 and 1, such as 0.05.")
CRM_CUSTOMER_PAGE_SIZE = 50
# How long a complaint may take, by severity (hours from receipt or reopening).
CRM_COMPLAINT_SLA_HOURS = {"critical": 24, "high": 72, "normal": 7 * 24, "low": 15 * 24}

# --- backup (issue 17's open point, issue 18 items 1-2) ---
# The key store outside the database (vault.keystore): each data key's share and the
# destruction ledger. Unwrapping a data key needs its share, so a copy of the database
# alone never opens a destroyed customer's values. Production names it explicitly (a
# directory that exists, on another disk or mount than the database, backed up apart
# with `backup --keys`); development and tests use var/keystore (tests: a temp dir).
CRM_KEY_STORE = env_str("CRM_KEY_STORE", str(BASE_DIR / "var" / "keystore") if DEBUG else None)
if not CRM_KEY_STORE:
    raise ImproperlyConfigured(
        "Custodian cannot start: missing CRM_KEY_STORE (the directory of the data keys' shares "
        "and the destruction ledger); see README 'Backups and restore'."
    )
if not DEBUG and not Path(CRM_KEY_STORE).is_dir():
    raise ImproperlyConfigured(f"CRM_KEY_STORE={CRM_KEY_STORE!r} is not a directory.")
if DEBUG:
    # Development makes it; commands that run others as production does (the
    # benchmarks) pass it on.
    Path(CRM_KEY_STORE).mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("CRM_KEY_STORE", CRM_KEY_STORE)
# Encrypts backups (`manage.py backup`), separate from the field keys: base64 of 32 bytes.
CRM_BACKUP_KEY = env_str("CRM_BACKUP_KEY")

# --- api (issue 21 items 1-3, 5): the REST API under /api/v1/ ---------------------
# Bearer tokens per system only (no session authentication: a browser's cookie never
# reaches the API), throttled per token: CRM_API_RATE calls per token (DRF's rate,
# "600/min"), counted in Django's cache — give several web processes a shared cache
# (CACHES, e.g. the database cache) so that they share the count. JSON in, JSON out.
CRM_API_RATE = env_str("CRM_API_RATE", "600/min")
CRM_API_TOKEN_DAYS = env_int("CRM_API_TOKEN_DAYS", 90)  # a new token's life
CRM_API_TOKEN_MAX_DAYS = 366
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": CRM_API_RATE},
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Custodian API",
    "DESCRIPTION": (
        "Customer records under the same rules as the pages: scopes, S2/S3 masks, logged reveals, "
        "entries that wait for review. Send `Authorization: Bearer <token>` (a manager makes tokens "
        "under /systems/). Errors answer in the language of Accept-Language (zh-hans by default, en)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the sidecar package's files, served by the app (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "ctk_… token"}}
    },
    "SECURITY": [{"bearer": []}],
    "AUTHENTICATION_WHITELIST": [],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
    # Three models have a "kind" of their own: name each set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "customers.models.choices.Kind",
        "TransactionKindEnum": "transactions.models.Kind",
        "ContactKindEnum": "interactions.models.InteractionKind",
    },
}

# --- outreach (issue 20 items 3-4): greetings and the satisfaction programme ---
# Greetings (birthdays, founding anniversaries, holidays) appear on the owner's
# list this many days ahead (0-60).
CRM_GREETING_DAYS_AHEAD = env_int("CRM_GREETING_DAYS_AHEAD", 7)
if not 0 <= CRM_GREETING_DAYS_AHEAD <= 60:
    raise ImproperlyConfigured("CRM_GREETING_DAYS_AHEAD is a number of days from 0 to 60, such as 7.")
# A survey answer with any score at or below this is listed as a low score.
CRM_SURVEY_LOW_SCORE = env_int("CRM_SURVEY_LOW_SCORE", 2)

# --- watch (issue 18 items 3-4): misuse alerts and breach notices ---
# `watch_sweep` (hourly in the background worker) counts each account's reveals,
# exact lookups and exports per day and raises an alert for a day whose count is
# at least CRM_ALERT_MIN_<KIND> and more than CRM_ALERT_FACTOR times the larger of
# the account's own median daily count and its department's (medians over the
# CRM_ALERT_BASELINE_DAYS days before, quiet days counted as 0; at least 1).
CRM_ALERT_BASELINE_DAYS = env_int("CRM_ALERT_BASELINE_DAYS", 28)
try:
    CRM_ALERT_FACTOR = float(env_str("CRM_ALERT_FACTOR", "3"))
except ValueError as exc:
    raise ImproperlyConfigured("CRM_ALERT_FACTOR is a number above 1, such as 3.") from exc
CRM_ALERT_MIN_REVEALS = env_int("CRM_ALERT_MIN_REVEALS", 10)
CRM_ALERT_MIN_LOOKUPS = env_int("CRM_ALERT_MIN_LOOKUPS", 10)
CRM_ALERT_MIN_EXPORTS = env_int("CRM_ALERT_MIN_EXPORTS", 5)
CRM_ALERT_SWEEP_DAYS = env_int("CRM_ALERT_SWEEP_DAYS", 2)  # today and yesterday
CRM_ALERT_SWEEP_EVERY_MINUTES = env_int("CRM_ALERT_SWEEP_EVERY_MINUTES", 60)
if CRM_ALERT_FACTOR <= 1 or CRM_ALERT_BASELINE_DAYS < 1 or CRM_ALERT_SWEEP_DAYS < 1:
    raise ImproperlyConfigured(
        "CRM_ALERT_FACTOR must exceed 1; CRM_ALERT_BASELINE_DAYS and CRM_ALERT_SWEEP_DAYS must be at least 1."
    )
# Who a breach notice names as the contact (PIPL art. 57), unless the incident says.
CRM_BREACH_CONTACT = env_str("CRM_BREACH_CONTACT", "") or ""

# --- insight (issue 20 items 1-2): customer value, potential, loyalty and completeness ---
# The window (days back from the snapshot) over which value, trend and completeness look.
CRM_VALUE_WINDOW_DAYS = env_int("CRM_VALUE_WINDOW_DAYS", 365)
# Value classes by quantile within the department: the top share are key (主力), the
# bottom share occasional (零散), the rest general (一般). Shares, each between 0 and 1.
CRM_VALUE_CLASS_QUANTILES = {
    "key": float(env_str("CRM_VALUE_KEY_SHARE", "0.2")),
    "occasional": float(env_str("CRM_VALUE_OCCASIONAL_SHARE", "0.3")),
}
if not all(0 <= share <= 1 for share in CRM_VALUE_CLASS_QUANTILES.values()):
    raise ImproperlyConfigured("CRM_VALUE_KEY_SHARE and CRM_VALUE_OCCASIONAL_SHARE are shares between 0 and 1.")
# The books' currency: the spending trend (potential) is read in it.
CRM_VALUE_BASE_CURRENCY = env_str("CRM_VALUE_BASE_CURRENCY", "CNY")
# A record below this completeness (percent) is "incomplete" in the list's filter.
CRM_COMPLETENESS_THRESHOLD = env_int("CRM_COMPLETENESS_THRESHOLD", 80)

# --- campaigns (issue 20 items 5-6): call and campaign lists, scorecards ---------
# The most rows one export of a call or campaign list carries (the page shows 50).
CRM_CAMPAIGN_EXPORT_LIMIT = env_int("CRM_CAMPAIGN_EXPORT_LIMIT", 5000)

# --- serve (issue 18 item 5): the background worker's heartbeat, read by /healthz ---
# The worker (`manage.py db_worker`) writes a heartbeat this often; /healthz says
# the worker failed when no worker has beaten for CRM_WORKER_STALE_SECONDS.
CRM_WORKER_HEARTBEAT_SECONDS = env_int("CRM_WORKER_HEARTBEAT_SECONDS", 15)
CRM_WORKER_STALE_SECONDS = env_int("CRM_WORKER_STALE_SECONDS", 60)
if CRM_WORKER_STALE_SECONDS <= CRM_WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("CRM_WORKER_STALE_SECONDS must be longer than CRM_WORKER_HEARTBEAT_SECONDS.")
# A load balancer asks /healthz over plain HTTP inside the network: not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
