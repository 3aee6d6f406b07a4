"""Kota Cerdas settings: one module, driven by environment variables.

Defaults are safe for a developer's machine (DEBUG on, SQLite, console SMS,
bound to localhost). Production sets DJANGO_DEBUG=false and must then provide
a secret key, allowed hosts and a database; see docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from certificates.keys import certificate_key_from_environment, parse_retired_keys
from kotacerdas.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KC_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None if not DEBUG else _DEV_SECRET, required=not DEBUG)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of at least 50 characters.")
# Earlier secret keys, newest first, while a rotation settles: sessions, password-reset links and FHIR
# Patient ids made under them are still accepted; everything new is made with SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=false.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The city this deployment serves: the slug of a loaded city profile.
CITY = env_str("KC_CITY", "binjai")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    # shared platform
    "core",
    "cities",
    "accounts",
    "audit",
    "deadlines",
    "notifications",
    "certificates",
    # services
    "reports",
    "permits",
    "clinics",
    # pages
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cities.middleware.CityTimezoneMiddleware",
]

ROOT_URLCONF = "kotacerdas.urls"
WSGI_APPLICATION = "kotacerdas.wsgi.application"

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
                "cities.context_processors.city",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kotacerdas.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE takes
    # the write lock at BEGIN so two writers queue on the busy timeout instead
    # of failing with "database is locked" when a read upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # Tests use a file (one per test run), not memory, so that a worker started
    # by a test as a separate process sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis when configured) -----------------------------------------
REDIS_URL = env_str("REDIS_URL", None)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("KC_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Identity -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.LoginIdBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # Our user model has no username/first_name: compare with the NIK/NIP and the full name.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["login_id", "full_name", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = env_int("KC_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("KC_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
OTP_TTL_MINUTES = env_int("KC_OTP_TTL_MINUTES", 10, minimum=1)
OTP_MAX_ATTEMPTS = env_int("KC_OTP_MAX_ATTEMPTS", 5, minimum=1)

# --- Notifications -------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kota Cerdas <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SMS_BACKEND = env_choice("KC_SMS_BACKEND", "console", {"console", "file", "http"})
SMS_FILE_PATH = Path(env_str("KC_SMS_FILE_PATH", str(VAR_DIR / "sms.log")))
SMS_GATEWAY_URL = env_str("KC_SMS_GATEWAY_URL", "", required=SMS_BACKEND == "http")
SMS_GATEWAY_USERNAME = env_str("KC_SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = env_str("KC_SMS_GATEWAY_PASSWORD", "")
SMS_GATEWAY_TIMEOUT = env_int("KC_SMS_GATEWAY_TIMEOUT", 10, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env_int("KC_NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
# How long a worker holds a message it is sending; must outlast EMAIL_TIMEOUT and SMS_GATEWAY_TIMEOUT.
NOTIFICATION_LEASE_SECONDS = env_int("KC_NOTIFICATION_LEASE_SECONDS", 300, minimum=1)

# e-Masyarakat
# Photos (reports and their proof, permit survey photos): checked and cleaned by core.photos.
PHOTO_MAX_BYTES = env_int("KC_PHOTO_MAX_MB", 8, minimum=1) * 1_000_000
REPORT_MAX_PHOTOS = 5
# Map background tiles ({z}/{x}/{y}). Maps work without them (points, typed coordinates); tests set it to "".
KC_MAP_TILE_URL = env_str("KC_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
KC_MAP_ATTRIBUTION = env_str(
    "KC_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">kontributor OpenStreetMap</a>'
)

# Public base URL, used in links inside e-mails and SMS.
SITE_URL = env_str("KC_SITE_URL", "http://localhost:8000")

# Certificates: the Ed25519 private key (PEM) that signs them. Required with DEBUG off; a developer's
# machine without it signs with a key derived from SECRET_KEY (certificates/keys.py).
CERTIFICATE_KEY = certificate_key_from_environment(
    env_str("KC_CERTIFICATE_KEY", None), debug=DEBUG, secret_key=SECRET_KEY
)
# After a key change: the public keys of the keys used before, so the certificates they signed still verify.
CERTIFICATE_RETIRED_KEYS = parse_retired_keys(env_str("KC_CERTIFICATE_RETIRED_KEYS", ""))

# e-Perizinan: how the retribusi is paid (permits/payments.py), the bank account the manual backend names,
# and the largest document an applicant may upload.
KC_PAYMENT_BACKEND = env_str("KC_PAYMENT_BACKEND", "permits.payments.ManualTransferBackend")
KC_PAYMENT_ACCOUNT = env_str("KC_PAYMENT_ACCOUNT", "")
PERMIT_DOCUMENT_MAX_BYTES = env_int("KC_PERMIT_DOCUMENT_MAX_MB", 20, minimum=1) * 1_000_000

# e-Dokter: how far ahead citizens book, the cut-off for cancelling or rescheduling, the SMS reminder
# (sent the day before, from this hour in the city's time zone), and the no-show rule: NO_SHOW_LIMIT
# no-shows within NO_SHOW_WINDOW_DAYS block online booking for NO_SHOW_BLOCK_DAYS after the last one.
CLINIC_BOOKING_DAYS_AHEAD = env_int("KC_CLINIC_BOOKING_DAYS_AHEAD", 14, minimum=1)
CLINIC_CANCEL_CUTOFF_HOURS = env_int("KC_CLINIC_CANCEL_CUTOFF_HOURS", 2, minimum=0)
CLINIC_REMINDER_HOUR = env_int("KC_CLINIC_REMINDER_HOUR", 8, minimum=0)
CLINIC_NO_SHOW_LIMIT = env_int("KC_CLINIC_NO_SHOW_LIMIT", 3, minimum=1)
CLINIC_NO_SHOW_WINDOW_DAYS = env_int("KC_CLINIC_NO_SHOW_WINDOW_DAYS", 90, minimum=1)
CLINIC_NO_SHOW_BLOCK_DAYS = env_int("KC_CLINIC_NO_SHOW_BLOCK_DAYS", 30, minimum=1)
CLINIC_SESSION_DAYS_AHEAD = env_int("KC_CLINIC_SESSION_DAYS_AHEAD", 28, minimum=1)

# --- API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kota Cerdas API",
    "DESCRIPTION": "API layanan e-government Kota Cerdas (versi 1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Storage is UTC; each request runs in the city's own zone (cities.middleware).
TIME_ZONE = "UTC"

# --- Static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package.json + lockfile); only their
# distributable files are exposed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("KC_SESSION_AGE_SECONDS", 8 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# --- Logging ------------------------------------------------------------------------------
# Every handler passes through the NIK filter: a 16-digit NIK never reaches a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_nik": {"()": "accounts.logging.RedactNikFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_nik"]},
    },
    "root": {"handlers": ["console"], "level": env_str("KC_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's request lines carry URLs; Django's default handler for them has no NIK filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
