"""Settings for selvhjelp, read from the environment only.

Defaults suit a laptop: SQLite, tasks run in-process, email printed to the
console. ``DEBUG=0`` switches on production strictness.
"""

import base64
import datetime
import hashlib
import re
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from selvhjelp.env import cache_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - laptop default, refused when DEBUG=0
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in links inside emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Who runs the service. Every page's footer, the privacy notice, the
# accessibility statement and every email name them (selvhjelp/context_processors.py);
# the defaults are a demo's.
# SERVICE_NAME is also in the From of every email to a person ("<contact point>
# via <service>"), which anyone glancing at their inbox sees: it must not name
# self-help, health or therapy (DESIGN §4.8).
SERVICE_NAME = " ".join(env_str("SERVICE_NAME", "Gruppestart").split())
_TELLTALE = re.compile(
    r"selvhjelp|sjølvhjelp|self.?help|helse|health|mental|psyk|psych|terap|therap|mestring|diagnos|depres"
    r"|angst|anxiety|addict|avhengig|\b(rus|sorg|grief)",
    re.IGNORECASE,
)
if not SERVICE_NAME or _TELLTALE.search(SERVICE_NAME):
    raise ImproperlyConfigured(
        f"SERVICE_NAME is {SERVICE_NAME!r}. It is shown as the sender of every email to a person, so it must be "
        "set and must not name self-help, health, therapy or a problem."
    )
OPERATOR_NAME = " ".join(env_str("OPERATOR_NAME", "Eksempeloperatøren AS").split())
if not OPERATOR_NAME:
    raise ImproperlyConfigured("OPERATOR_NAME must name the organisation that runs the service.")


def _is_organisation_number(number: str) -> bool:
    """Nine digits whose last is the modulus 11 check digit Brønnøysundregistrene gives every number."""
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(number[:8], (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    )
    return (11 - remainder) % 11 == int(number[8]) and remainder != 1


_raw_org_number = env_str("OPERATOR_ORG_NUMBER", "999 999 999")
OPERATOR_ORG_NUMBER = "".join(_raw_org_number.split())
if not _is_organisation_number(OPERATOR_ORG_NUMBER):
    raise ImproperlyConfigured(
        f"OPERATOR_ORG_NUMBER must be the operator's organisation number: nine digits as Brønnøysundregistrene "
        f"gives it, for example 999 999 999 (spaces are fine), not {_raw_org_number!r}. Its last digit is a check "
        "digit, so a mistyped number is refused."
    )
# Where people write to the operator, and about privacy (the data protection
# officer, if there is one). A postal address is optional.
OPERATOR_CONTACT_EMAIL = env_str("OPERATOR_CONTACT_EMAIL", "kontakt@selvhjelp.localhost").strip()
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "personvern@selvhjelp.localhost").strip()
OPERATOR_POSTAL_ADDRESS = " ".join(env_str("OPERATOR_POSTAL_ADDRESS").split())
for _name, _address in (
    ("OPERATOR_CONTACT_EMAIL", OPERATOR_CONTACT_EMAIL),
    ("PRIVACY_CONTACT_EMAIL", PRIVACY_CONTACT_EMAIL),
):
    try:
        validate_email(_address)
    except ValidationError:
        raise ImproperlyConfigured(f"{_name} must be an email address people can write to, not {_address!r}") from None
# The mail provider that sends the mail for the operator (a data processor),
# as the privacy notice names it. Choose one that keeps the mail in the EEA:
# the notice says so.
MAIL_PROCESSOR = " ".join(env_str("MAIL_PROCESSOR", "Mailjet SAS, Paris").split())
if not MAIL_PROCESSOR:
    raise ImproperlyConfigured("MAIL_PROCESSOR must name the mail provider, as the privacy notice shows it.")
# Whoever runs the servers for the operator, if someone does (also in the EEA).
HOSTING_PROCESSOR = " ".join(env_str("HOSTING_PROCESSOR").split())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "anymail",
    "crispy_forms",
    "csp",
    # Two factors for every account that can sign in (accounts/views.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Failed sign-ins are counted and locked out (AXES_* below).
    "axes",
    "selvhjelp",
    "outbox",
    "accounts",
    "contactpoints",
    "groups",
    "staff",
    "figures",
    "materials",
    "demo",
]

MIDDLEWARE = [
    # First, so that every response carries the id and every log line of the request names it.
    "selvhjelp.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer on its own (static files, a host we do
    # not serve), so that every response carries these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed to browsers that ask (static files already are, by WhiteNoise, above).
    # Django pads each compressed page with random bytes, and masks form tokens anew each time,
    # so the size of a page tells nothing about a secret in it (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "selvhjelp.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",
    # Nothing sent to a signed-in session (or one signing in) is kept by a browser's cache or a proxy.
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session that has not passed both factors, or has timed out, is signed out.
    "accounts.middleware.SessionLimitsMiddleware",
    # Around the view alone: a request whose database connection was dropped is answered once more.
    "selvhjelp.middleware.AnswerAgainOnADroppedConnectionMiddleware",
    # Last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "selvhjelp.urls"
WSGI_APPLICATION = "selvhjelp.wsgi.application"

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
                "selvhjelp.context_processors.signup_rules",
                "selvhjelp.context_processors.languages",
                "selvhjelp.context_processors.operator",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, checking a kept connection without a round trip (selvhjelp/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "selvhjelp.postgresql"
    # A request (and the health check) must not hang on an unreachable database.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # A connection has PostgreSQL plan a statement once it has sent it five times (psycopg's default), and
    # from then on run that plan: for most of the app's queries, planning costs more than running them.
    # The values go separately, bound by the server.
    # Off (0) behind a pooler that cannot keep prepared statements, such as PgBouncer in transaction mode
    # before 1.21.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
# Shared state for the public form's rate limits. Every web process must see
# the same counts, so production names a Redis database (redis://host:6379/1);
# unset, each process counts on its own (fine for one process on a laptop;
# `check --deploy` warns).
CACHE_URL = env_str("CACHE_URL")
CACHES = {"default": cache_from_url(CACHE_URL)}
# The home page, the directory and contact points' pages are kept this long for visitors who are
# not signed in (selvhjelp/pagecache.py); staff's changes show at once, counts may be this old. 0: never kept.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a signed-in request's account and code app in one query.
    "accounts.backends.AccountBackend",
]

# Signing in: a password, then a code from an authenticator app (or a
# recovery code). Sessions end after SESSION_IDLE_MINUTES without activity
# and SESSION_MAX_HOURS after sign-in, whichever comes first.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Django's database sessions, read with one statement made once per process.
SESSION_ENGINE = "selvhjelp.sessions"
# Between the password and the code: how long the first step is remembered.
SIGN_IN_CODE_MINUTES = 5
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "selvhjelp")
# Invitations and "forgot password" send a one-time link to set a password.
SET_PASSWORD_LINK_HOURS = env_int("SET_PASSWORD_LINK_HOURS", 72)
PASSWORD_RESET_TIMEOUT = SET_PASSWORD_LINK_HOURS * 3600
# "Forgot password" sends at most this many links an hour for one client address.
NEW_PASSWORD_LIMIT_PER_CLIENT = env_int("NEW_PASSWORD_LIMIT_PER_CLIENT", 10)

# Failed sign-ins: after AXES_FAILURE_LIMIT failures from one client address,
# or for one account, sign-in is refused for AXES_COOLOFF_MINUTES. The address
# is the one selvhjelp/clientip.py trusts, so a forged X-Forwarded-For does
# not start a fresh count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "selvhjelp.clientip.address_for_lockouts"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.forms.username_for_lockouts"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Successful sign-ins are not kept: no log of addresses and browsers to look after.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Languages: Norwegian bokmål is the default. Browsers that ask for plain
# "no" get bokmål (see selvhjelp/i18n.py).
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
    ("se", "Davvisámegiella"),
]
# Django knows no Northern Sami: its name, and (below) its date formats. Its
# catalogue falls back to bokmål, not English (manage.py build_sami_catalogue).
LANG_INFO["se"] = {"bidi": False, "code": "se", "name": "Northern Sami", "name_local": "davvisámegiella"}
FORMAT_MODULE_PATH = ["selvhjelp.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "/static/"
# Where `collectstatic` writes, and where WhiteNoise serves from when DEBUG=0.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# No other site uses our static files.
WHITENOISE_ALLOW_ALL_ORIGINS = False

CRISPY_ALLOWED_TEMPLATE_PACKS = ("designsystemet",)
CRISPY_TEMPLATE_PACK = "designsystemet"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email. Django's meanings for EMAIL_BACKEND and EMAIL_FILE_PATH; anymail when
# EMAIL_BACKEND names one of its backends and ANYMAIL_* settings are given.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "selvhjelp <noreply@selvhjelp.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    key: value
    for key, value in {
        "MAILJET_API_KEY": env_str("ANYMAIL_MAILJET_API_KEY"),
        "MAILJET_SECRET_KEY": env_str("ANYMAIL_MAILJET_SECRET_KEY"),
        "BREVO_API_KEY": env_str("ANYMAIL_BREVO_API_KEY"),
        "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}

# Background work. With no broker configured, tasks run in-process at once.
# How much lower a worker's CPU priority is than the web's (nice(1), 0 to 19; selvhjelp/celery.py): by
# default the lowest, so that on a machine shared with the web a worker uses what the web leaves.
WORKER_NICENESS = env_int("WORKER_NICENESS", 19)
# A worker also waits, before each task and between the sign-ups it records, while other processes use
# more than this share of all the cores (in percent; selvhjelp/giving_way.py): a lower priority alone
# still lets it slow the web on a virtual machine. It never waits more than a second in a row. 0: never.
WORKER_GIVES_WAY_ABOVE = env_int("WORKER_GIVES_WAY_ABOVE", 50)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A web request must not hang on a dead or stuck broker: publishing tries
# briefly, then gives up, and the outbox relay sends the message later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
# Celery's consumer, which outlives a broker that restarts while the worker holds tasks (selvhjelp/celery.py).
CELERY_WORKER_CONSUMER = "selvhjelp.celery:Consumer"
# A worker keeps its database connection from one task to the next, as the web keeps it from one request
# to the next: closed once it is older than DATABASE_CONN_MAX_AGE or has failed (selvhjelp/celery.py),
# rather than after every task, Celery's default, which costs a new PostgreSQL backend for every email
# sent. Celery's own count of tasks on one connection is then only an upper bound.
CELERY_DB_REUSE_MAX = 1000
# An outbox message claimed longer ago than this is taken to belong to a
# sender that died (a worker killed, its database connection dropped), and is
# sent again by the relay (outbox/sending.py). A send is stopped well within
# it (outbox.tasks.send_email's time limits), so a live sender never loses its claim.
OUTBOX_CLAIM_LEASE_SECONDS = env_int("OUTBOX_CLAIM_LEASE_SECONDS", 120)


def _dev_fernet_key(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{secret}".encode()).digest()).decode()


# Participants' addresses and nicknames are encrypted at rest (selvhjelp/keyring.py).
# The keys that turn over live in FIELD_KEYS_DIR, one file each, the newest
# encrypting; FIELD_ENCRYPTION_KEY may add keys of the operator's own,
# comma-separated, which decrypt and, with no key in the folder, encrypt.
FIELD_KEYS_DIR = Path(env_str("FIELD_KEYS_DIR") or BASE_DIR / "var" / "field-keys")
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY") or ([_dev_fernet_key(SECRET_KEY)] if DEBUG else [])
if not FIELD_ENCRYPTION_KEYS and not any(FIELD_KEYS_DIR.glob("*.key")):
    raise ImproperlyConfigured("When DEBUG=0, set FIELD_ENCRYPTION_KEY or put a key in FIELD_KEYS_DIR (bin/stack does)")
# A new key every this many days re-encrypts every live value; a key is deleted
# this many days after it was superseded. Keep the second at least as long as
# backups, WAL archives and replicas keep deleted rows (docs/deployment.md):
# after both, nothing deleted can be read anywhere.
FIELD_KEY_ROTATE_DAYS = env_int("FIELD_KEY_ROTATE_DAYS", 7)
FIELD_KEY_RETIRE_AFTER_DAYS = env_int("FIELD_KEY_RETIRE_AFTER_DAYS", 35)
# Duplicates are found through a keyed hash of the address. Keep this key
# stable: changing it makes old sign-ups unrecognisable as duplicates.
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY") or hashlib.sha256(f"email-hash:{SECRET_KEY}".encode()).hexdigest()

# The life of a sign-up.
SIGNUP_CONFIRM_HOURS = env_int("SIGNUP_CONFIRM_HOURS", 48)
SIGNUP_EXPIRY_DAYS = env_int("SIGNUP_EXPIRY_DAYS", 180)
SIGNUP_EXPIRY_WARNING_DAYS = env_int("SIGNUP_EXPIRY_WARNING_DAYS", 14)
# A person who has waited this long at a contact point whose list is short,
# and who accepts telephone or video groups, is offered once to move to a nationwide list.
MOVE_OFFER_AFTER_DAYS = env_int("MOVE_OFFER_AFTER_DAYS", 90)
INVITATION_REPLY_HOURS = env_int("INVITATION_REPLY_HOURS", 72)
# Groups are handed off by themselves this long after their first meeting began.
HAND_OFF_AFTER_HOURS = env_int("HAND_OFF_AFTER_HOURS", 3)
# A month's figures are final this long after it ends: then it is closed and published
# (figures/closing.py), and what is recorded later counts in the month that is open.
# Keep it above HAND_OFF_AFTER_HOURS, so that a group meeting late on the last day counts in its own month.
MONTH_FINAL_AFTER_HOURS = env_int("MONTH_FINAL_AFTER_HOURS", 24)
# For this long after a group's first meeting, members who were there may
# choose to share their address with the others who were there; then it goes.
ADDRESS_EXCHANGE_DAYS = env_int("ADDRESS_EXCHANGE_DAYS", 5)

# Staying findable: staff are asked this often whether their public details
# are still right; unanswered for the grace period, their district office is
# told and the public page says when the details were last confirmed.
DETAILS_CHECK_EVERY_DAYS = env_int("DETAILS_CHECK_EVERY_DAYS", 365)
DETAILS_CHECK_GRACE_DAYS = env_int("DETAILS_CHECK_GRACE_DAYS", 60)
# After a contact point closes, the people waiting there have this long to
# move their place; then their sign-ups are deleted.
CLOSED_SIGNUPS_KEPT_DAYS = env_int("CLOSED_SIGNUPS_KEPT_DAYS", 30)
# The public sign-up form's defences (groups/limits.py, groups/forms.py). The
# limits count sign-ups in a sliding window; 0 turns a limit off. They are
# generous: many people share one address behind a mobile carrier or a
# workplace, and a course may sign up together on one network.
SIGNUP_LIMIT_WINDOW_SECONDS = env_int("SIGNUP_LIMIT_WINDOW_SECONDS", 3600)
SIGNUP_LIMIT_PER_CLIENT = env_int("SIGNUP_LIMIT_PER_CLIENT", 30)
# Applications to become a contact point, from one client address in the same window.
APPLICATION_LIMIT_PER_CLIENT = env_int("APPLICATION_LIMIT_PER_CLIENT", 10)
SIGNUP_LIMIT_PER_CONTACT_POINT = env_int("SIGNUP_LIMIT_PER_CONTACT_POINT", 100)
# More sign-ups than this at one contact point within the window is unusual:
# its "enough are waiting" notice is held until its staff have looked.
SIGNUP_BURST_PER_CONTACT_POINT = env_int("SIGNUP_BURST_PER_CONTACT_POINT", 20)
# The time trap: a form sent sooner than this after the page was served, or
# later, is sent back with a request to press the button again.
SIGNUP_FORM_MIN_SECONDS = env_int("SIGNUP_FORM_MIN_SECONDS", 3)
SIGNUP_FORM_MAX_HOURS = env_int("SIGNUP_FORM_MAX_HOURS", 12)

if not DEBUG:
    # TLS ends at a proxy in front of the app, which must set (overwrite)
    # X-Forwarded-Proto; see docs/deployment.md.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
# How many proxies we run in front of the app append to X-Forwarded-For
# (0: none, the header is ignored). See selvhjelp/clientip.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# A load balancer asks for health over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^helse/"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No page loads anything from another host, and no inline script runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Designsystemet draws its icons as inline SVG data URLs.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
CSRF_FAILURE_VIEW = "selvhjelp.views.csrf_failure"

# Logs: plain text on a laptop, one JSON object per line in production
# (LOG_FORMAT=json|plain overrides). Every handler redacts addresses and
# private links, and every record names the request (or the request that
# queued the task) it belongs to.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_addresses": {"()": "selvhjelp.logging.RedactAddresses"},
        "request_id": {"()": "selvhjelp.logging.AddRequestId"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "selvhjelp.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_addresses"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django mails tracebacks to ADMINS by default; a traceback may hold
        # form data, so errors are logged (redacted) and never mailed.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # gunicorn takes this configuration too (selvhjelp/gunicorn_conf.py),
        # so its own lines, and its access log, are redacted the same way.
        "gunicorn.error": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every sign-in clears the failure count, at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}
# Take the request id a proxy sends in X-Request-ID (when well formed), so
# that its logs and ours name the same request. Off: always make a new one.
TRUST_REQUEST_ID_HEADER = env_bool("TRUST_REQUEST_ID_HEADER", True)
ADMINS: list[tuple[str, str]] = []


CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "outbox.tasks.relay_outbox", "schedule": 60.0},
    "forget-unanswered-password-requests": {
        "task": "accounts.tasks.forget_unanswered_password_requests",
        "schedule": 60 * 60.0,
    },
    "turn-over-field-encryption-keys": {"task": "selvhjelp.tasks.turn_over_field_keys", "schedule": 24 * 60 * 60.0},
    "vacuum-deleted-rows": {"task": "selvhjelp.tasks.vacuum_deleted_rows", "schedule": 24 * 60 * 60.0},
    "record-signups-whose-task-never-ran": {"task": "groups.tasks.record_due_sign_ups", "schedule": 60.0},
    "delete-unconfirmed-signups": {"task": "groups.tasks.delete_unconfirmed", "schedule": 15 * 60.0},
    "expire-invitations": {"task": "groups.tasks.expire_invitations", "schedule": 5 * 60.0},
    "warn-before-a-place-runs-out": {"task": "groups.tasks.warn_expiring", "schedule": 60 * 60.0},
    "delete-expired-signups": {"task": "groups.tasks.expire_signups", "schedule": 60 * 60.0},
    "remind-members-the-day-before": {"task": "groups.tasks.remind_members", "schedule": 10 * 60.0},
    "hand-off-groups-that-have-met": {"task": "groups.tasks.hand_off_due", "schedule": 5 * 60.0},
    "delete-addresses-once-the-exchange-is-over": {"task": "groups.tasks.end_address_exchanges", "schedule": 60 * 60.0},
    "ask-staff-to-confirm-their-details": {"task": "contactpoints.tasks.check_details", "schedule": 60 * 60.0},
    "delete-old-notice-requests": {"task": "contactpoints.tasks.expire_notice_requests", "schedule": 15 * 60.0},
    "delete-signups-left-at-closed-contact-points": {
        "task": "groups.tasks.delete_after_closing",
        "schedule": 60 * 60.0,
    },
    "offer-a-nationwide-list-to-long-waiters": {"task": "groups.tasks.offer_moves", "schedule": 60 * 60.0},
    "close-final-months": {"task": "figures.tasks.close_months", "schedule": 60 * 60.0},
    # Within the minute an office page's live count is kept (figures.closing.RECOUNT_SECONDS).
    "count-office-figures-ahead-of-the-pages": {"task": "figures.tasks.recount_live", "schedule": 30.0},
}
