"""Django settings, read from the environment (django-environ) with safe development defaults."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("SAFECAMPUS_HOME", Path.cwd())).resolve()
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database and the job queue live here

env = environ.Env()
TESTING = env.bool("SAFECAMPUS_TESTING", default="pytest" in sys.modules)

DEBUG = env.bool("DEBUG", default=False)
# A development key is fine for the embedded mode; production sets SECRET_KEY (and
# `safecampus serve` refuses to start in production mode with this one, see cli.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0f6c2b1d9e8a7c5b3a1f"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation: docs/deployment.md).
# Empty (development only): one key derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "ninja",
    "huey.contrib.djhuey",
    "safecampus.core",
    "safecampus.accounts",
    "safecampus.roster",
    "safecampus.training",
    "safecampus.training_stats",
    "safecampus.inbox",
    "safecampus.risks",
    "safecampus.hazards",
    "safecampus.supervision",
    "safecampus.patrols",
    "safecampus.checks",
    "safecampus.schoolcal",
    "safecampus.fire",
    "safecampus.talks",
    "safecampus.duty",
    "safecampus.termplan",
    "safecampus.responsibility",
    "safecampus.visitors",
    "safecampus.exits",
    "safecampus.pickups",
    "safecampus.guards",
    "safecampus.defence",
    "safecampus.notices",
    "safecampus.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safecampus.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safecampus.accounts.middleware.ActiveMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safecampus.urls"
WSGI_APPLICATION = "safecampus.wsgi.application"

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
                "safecampus.core.context_processors.shell",
                "safecampus.inbox.context_processors.inbox",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL is set.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'safecampus.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["safecampus.accounts.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "safecampus.accounts.hashers.InitialPasswordHasher",  # bulk initial passwords, upgraded at login
]
if TESTING:
    # Argon2 stays the production hasher; tests use a fast one so the suite stays quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Public address of the site, printed on login slips (QR code to the login page).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in protection (docs/deployment.md): failed sign-ins and parent resets within the window
# lock an account after LOGIN_FAILURE_LIMIT; a client address only when it fails
# LOGIN_ADDRESS_FAILURE_LIMIT times over at least LOGIN_ADDRESS_MIN_ACCOUNTS accounts (a
# school's pupils share one NAT address). Behind a reverse proxy (nginx), take the client
# address from X-Forwarded-For, TRUSTED_PROXY_COUNT entries from the right.
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
LOGIN_ADDRESS_MIN_ACCOUNTS = env.int("LOGIN_ADDRESS_MIN_ACCOUNTS", default=10)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
# A parent's password reset code, issued by the school, is valid this long (single use).
PARENT_RESET_CODE_HOURS = env.int("PARENT_RESET_CODE_HOURS", default=24)
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 7)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: the session lives SESSION_COOKIE_AGE after the last request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media served by the web server after the access check (docs/deployment.md): "" (from Python,
# with ranges: the embedded mode), "nginx" (X-Accel-Redirect) or "sendfile" (X-Sendfile).
MEDIA_ACCEL = env.str("MEDIA_ACCEL", default="")
MEDIA_ACCEL_PREFIX = env.str("MEDIA_ACCEL_PREFIX", default="/protected-media/")

# Background jobs: SqliteHuey by default, RedisHuey with REDIS_URL, immediate in tests.
REDIS_URL = env.str("REDIS_URL", default="")
# Outgoing webhooks may call private, loopback and link-local addresses only when the operator says so.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
HUEY = {
    "name": "safecampus",
    "immediate": TESTING or env.bool("HUEY_IMMEDIATE", default=False),
    "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},  # PDF rendering logs every step at INFO
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Production mode ----------------------------------------------------------------------------
# SAFECAMPUS_PRODUCTION=1 marks a real deployment: `safecampus serve` then refuses to start with
# development secrets, DEBUG or the demo accounts (it does so too when bound to a non-loopback
# address), see docs/deployment.md, "Production".
PRODUCTION = env.bool("SAFECAMPUS_PRODUCTION", default=False)
# HTTPS behind nginx, on by default in production mode, each overridable from the environment.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # local health checks over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
# nginx terminates TLS and sets X-Forwarded-Proto itself (never let clients reach gunicorn).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", default=PRODUCTION) else None
)
