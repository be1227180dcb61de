"""Project settings, read from the environment.

Every knob an operator may turn is an environment variable (see docs/operations.md).
Defaults give the embedded setup: SQLite and local files under the var directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the working tree
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("TOWNSQUARE_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("TOWNSQUARE_DEBUG", False)
# Production mode turns on the secure-cookie and HTTPS settings `check --deploy` asks for.
PRODUCTION = env_bool("TOWNSQUARE_PRODUCTION", False)
TESTING = env_bool("TOWNSQUARE_TESTING", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production (TOWNSQUARE_PRODUCTION=1).")
    # The embedded default keeps a random key in the var dir so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        from django.utils.crypto import get_random_string

        path.write_text(get_random_string(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _trusted_proxies(value: str) -> list[str]:
    """Reverse proxies whose X-Forwarded-For names the client (core/clientaddr.py)."""
    import ipaddress

    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise RuntimeError(
                f"TOWNSQUARE_TRUSTED_PROXIES: {item!r} is not an IP address or a CIDR range "
                "(e.g. 127.0.0.1,10.0.0.0/8,::1)"
            ) from None
    return items


TOWNSQUARE_TRUSTED_PROXIES = _trusted_proxies(os.environ.get("TOWNSQUARE_TRUSTED_PROXIES", ""))

INSTALLED_APPS = [
    "townsquare.web.apps.OperatorAdminConfig",  # Django's admin, on web/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # Second factor (TOTP) for agency staff: web/views/agencies_auth.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "townsquare.core",
    "townsquare.places",
    "townsquare.accounts",
    "townsquare.feeds",
    "townsquare.posts",
    "townsquare.agencies",
    "townsquare.notifications",
    "townsquare.incidents",
    "townsquare.coverage",
    "townsquare.tips",
    "townsquare.questions",
    "townsquare.api",
    "townsquare.web",
    "townsquare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: cookie, then Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "townsquare.web.middleware.SecurityHeadersMiddleware",
    # Last, so its 400 and 413 answers get the headers above: web/guards.py.
    "townsquare.web.guards.RequestGuardMiddleware",
]

ROOT_URLCONF = "townsquare.urls"
WSGI_APPLICATION = "townsquare.wsgi.application"
ASGI_APPLICATION = "townsquare.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "townsquare.web.context.site",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'townsquare.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front instead of failing at upgrade time.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES:
    # psycopg prepares a statement once it has run 5 times on a connection, so PostgreSQL
    # stops planning it on every call. Only statements bound on the server are prepared: the
    # feed page's (feeds/feed_query.py). The ORM binds on the client and is never prepared.
    # Behind a pooler in transaction mode that does not track prepared statements (PgBouncer
    # before 1.21, or max_prepared_statements = 0), turn it off (docs/operations.md).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
    # A database host that does not answer fails a connection in this many seconds instead
    # of the operating system's minutes, so a worker logs it and tries again (operations.md).
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache (rate limits) ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Rate-limit counters: Redis when set, else the database (core/ratelimit.py). Tests count in
# the database, rolled back with each test, unless a test sets this itself.
TOWNSQUARE_RATE_LIMIT_REDIS_URL = "" if TESTING else REDIS_URL
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Background tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TOWNSQUARE_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
# The name authenticator apps show beside a staff member's TOTP code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "townsquare")

# --- Email --------------------------------------------------------------------------------
def _email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (smtp://user:pass@host:port?tls=1) into Django settings."""
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(VAR_DIR / "mail"),
        }
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise RuntimeError(f"EMAIL_URL must be smtp:// or smtps://, not {parts.scheme!r}")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "127.0.0.1",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        "EMAIL_TIMEOUT": 10,
    }


globals().update(_email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "townsquare <no-reply@townsquare.invalid>"
)

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it, even before collectstatic
WHITENOISE_USE_FINDERS = True  # the embedded default serves straight from the apps
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "en"
# Every user-facing string is marked for translation; the site ships in English only for now.
# A second language is a catalog under locale/ and a line here.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Follow-up codes (in tip paths) and tipsters' addresses stay out of the logs.
    "filters": {"redact_tips": {"()": "townsquare.tips.logfilter.RedactTips"}},
    "loggers": {"django.db.backends": {"level": "INFO", "filters": ["redact_tips"]},
                "django.request": {"filters": ["redact_tips"]},
                "django.server": {"filters": ["redact_tips"]},
                "uvicorn.access": {"filters": ["redact_tips"]}},
}

# --- Product settings ---------------------------------------------------------------------
# A neighborhood launches once it has this many verified members.
TOWNSQUARE_LAUNCH_THRESHOLD = int(os.environ.get("TOWNSQUARE_LAUNCH_THRESHOLD", "10"))
TOWNSQUARE_POSTCARD_CODE_DAYS = int(os.environ.get("TOWNSQUARE_POSTCARD_CODE_DAYS", "30"))
TOWNSQUARE_INVITATION_DAYS = int(os.environ.get("TOWNSQUARE_INVITATION_DAYS", "14"))
# Slippy maps: a tile URL template ("https://tiles.example.org/{z}/{x}/{y}.png") and the
# attribution its licence asks for. Empty: the maps show the boundaries alone. A tile host
# other than this site must also be allowed by the Content-Security-Policy's img-src.
TOWNSQUARE_MAP_TILES_URL = os.environ.get("TOWNSQUARE_MAP_TILES_URL", "")
TOWNSQUARE_MAP_TILES_ATTRIBUTION = os.environ.get("TOWNSQUARE_MAP_TILES_ATTRIBUTION", "")
# A city's own offense -> category table for the incidents import (docs/incidents.md);
# empty: the table in the repository, src/townsquare/incidents/data/categories.csv.
TOWNSQUARE_INCIDENT_CATEGORIES = os.environ.get("TOWNSQUARE_INCIDENT_CATEGORIES", "")
# A task RUNNING longer than this is presumed lost with its worker and run again
# (core/tasks_recovery.py; every task is idempotent).
TOWNSQUARE_TASK_LEASE_SECONDS = int(os.environ.get("TOWNSQUARE_TASK_LEASE_SECONDS", "600"))
# Notifications (docs/notifications.md): the delivery lease, retries and batch size.
TOWNSQUARE_DELIVERY_LEASE_SECONDS = int(os.environ.get("TOWNSQUARE_DELIVERY_LEASE_SECONDS", "60"))
TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("TOWNSQUARE_DELIVERY_MAX_ATTEMPTS", "8"))
TOWNSQUARE_DELIVERY_BACKOFF_SECONDS = float(
    os.environ.get("TOWNSQUARE_DELIVERY_BACKOFF_SECONDS", "30"))
TOWNSQUARE_DELIVERY_BATCH = int(os.environ.get("TOWNSQUARE_DELIVERY_BATCH", "200"))
# A worker's claims go on from where its last one ended; this often they start from the
# head again, for retries that fell due and newer, more urgent work (delivery.ClaimCursor).
TOWNSQUARE_DELIVERY_RESCAN_SECONDS = float(
    os.environ.get("TOWNSQUARE_DELIVERY_RESCAN_SECONDS", "2"))
# A channel whose server cannot be reached (the mail relay is down) is paused, not its
# messages failed: paused this long, doubling up to the maximum (notifications/breaker.py).
TOWNSQUARE_DELIVERY_PAUSE_SECONDS = float(
    os.environ.get("TOWNSQUARE_DELIVERY_PAUSE_SECONDS", "5"))
TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS = float(
    os.environ.get("TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS", "300"))
# A message that waits for a server this long (a push service that never comes back) is
# given up all the same; `townsquare redeliver` can send it again.
TOWNSQUARE_DELIVERY_MAX_WAIT_SECONDS = int(
    os.environ.get("TOWNSQUARE_DELIVERY_MAX_WAIT_SECONDS", str(3 * 86400)))
# A worker that cannot reach the database waits and tries again, doubling up to this.
TOWNSQUARE_WORKER_RETRY_MAX_SECONDS = float(
    os.environ.get("TOWNSQUARE_WORKER_RETRY_MAX_SECONDS", "30"))
# A fan-out that writes this many delivery rows refreshes the table's planner statistics.
TOWNSQUARE_FANOUT_ANALYZE_ROWS = int(os.environ.get("TOWNSQUARE_FANOUT_ANALYZE_ROWS", "50000"))
# An agency post fans out in steps of this many recipients, each renewing the job's lease;
# a worker that dies mid-way is taken over once the lease runs out
# (notifications/fanout_jobs.py). The pause between steps is for fault tests only.
TOWNSQUARE_FANOUT_STEP = int(os.environ.get("TOWNSQUARE_FANOUT_STEP", "5000"))
TOWNSQUARE_FANOUT_LEASE_SECONDS = int(os.environ.get("TOWNSQUARE_FANOUT_LEASE_SECONDS", "15"))
TOWNSQUARE_FANOUT_STEP_PAUSE_SECONDS = float(
    os.environ.get("TOWNSQUARE_FANOUT_STEP_PAUSE_SECONDS", "0"))
# The local hour (0-23, each resident's time zone) at which daily digests are cut.
TOWNSQUARE_DIGEST_HOUR = int(os.environ.get("TOWNSQUARE_DIGEST_HOUR", "7"))
# Web Push (VAPID). Without the env variables a key pair is generated once into the var dir.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")
# Tips (docs/tips-and-questions.md): the Fernet keys that encrypt them at rest, comma-
# separated, the first one encrypting (without it a key is generated once into the var
# dir), and the key of the follow-up codes' digests (without it, derived from SECRET_KEY).
TOWNSQUARE_TIP_KEYS = os.environ.get("TOWNSQUARE_TIP_KEYS", "")
TOWNSQUARE_TIP_CODE_KEY = os.environ.get("TOWNSQUARE_TIP_CODE_KEY", "")
# Push endpoints on loopback or private addresses: for tests and a local push service only
# (workers POST to whatever URL a browser hands us).
TOWNSQUARE_PUSH_ALLOW_LOCAL = env_bool("TOWNSQUARE_PUSH_ALLOW_LOCAL", TESTING or DEBUG)
# The mailbox named in List-Unsubscribe besides the one-click URL; only if it is processed.
TOWNSQUARE_UNSUBSCRIBE_MAILTO = os.environ.get("TOWNSQUARE_UNSUBSCRIBE_MAILTO", "")
# Loops that `townsquare worker` runs beside the task queue, each in its own thread.
TOWNSQUARE_WORKER_LOOPS = ["townsquare.notifications.delivery.DeliveryLoop",
                           "townsquare.notifications.fanout_jobs.FanoutLoop"]
# Rate limits: "count/seconds".
TOWNSQUARE_RATE_LIMITS = {
    "post": os.environ.get("TOWNSQUARE_RATE_POST", "10/3600"),
    "reply": os.environ.get("TOWNSQUARE_RATE_REPLY", "60/3600"),
    "verify_code": os.environ.get("TOWNSQUARE_RATE_VERIFY", "5/3600"),
    # Passwords (accounts/actions/attempts.py): per account and client address; per client
    # address over all accounts; per account from anywhere, past which the account is slowed
    # to one attempt per `login_slowed` for addresses it has not signed in from lately.
    "login": os.environ.get("TOWNSQUARE_RATE_LOGIN", "10/600"),
    "login_client": os.environ.get("TOWNSQUARE_RATE_LOGIN_CLIENT", "100/600"),
    "login_account": os.environ.get("TOWNSQUARE_RATE_LOGIN_ACCOUNT", "100/600"),
    "login_slowed": os.environ.get("TOWNSQUARE_RATE_LOGIN_SLOWED", "1/5"),
    "login_known": "1/2592000",  # remembers a sign-in address for 30 to 60 days
    "signup": os.environ.get("TOWNSQUARE_RATE_SIGNUP", "20/3600"),
    "report": os.environ.get("TOWNSQUARE_RATE_REPORT", "30/3600"),
    "invite": os.environ.get("TOWNSQUARE_RATE_INVITE", "20/86400"),
    # Tips (tips/limits.py), keyed by a keyed hash of the client address whose key changes
    # daily: tips per client and agency; anonymous tips per agency from everywhere; unknown
    # follow-up codes tried per client.
    "tip_submit": os.environ.get("TOWNSQUARE_RATE_TIP_SUBMIT", "20/3600"),
    "tip_submit_agency": os.environ.get("TOWNSQUARE_RATE_TIP_SUBMIT_AGENCY", "2000/3600"),
    "tip_code_miss": os.environ.get("TOWNSQUARE_RATE_TIP_CODE_MISS", "20/3600"),
    # Password reset (accounts/actions/password_reset.py): links asked for per client
    # address and per email address; new passwords set per client address.
    "password_reset_client": os.environ.get("TOWNSQUARE_RATE_PASSWORD_RESET_CLIENT", "10/3600"),
    "password_reset_email": os.environ.get("TOWNSQUARE_RATE_PASSWORD_RESET_EMAIL", "3/3600"),
    "password_reset_confirm": os.environ.get("TOWNSQUARE_RATE_PASSWORD_RESET_CONFIRM",
                                             "20/3600"),
    # Second-factor (TOTP) codes typed by agency staff: per account and client address, and
    # per account from anywhere with the same slowing as passwords.
    "second_factor": os.environ.get("TOWNSQUARE_RATE_SECOND_FACTOR", "10/900"),
    "second_factor_account": os.environ.get("TOWNSQUARE_RATE_SECOND_FACTOR_ACCOUNT", "50/900"),
    "second_factor_slowed": os.environ.get("TOWNSQUARE_RATE_SECOND_FACTOR_SLOWED", "1/5"),
}
