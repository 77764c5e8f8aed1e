"""Settings shared by every environment. Values come from environment variables (django-environ)."""

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_ID = 1
SITE_NAME = "LocalGov Talent Pool"
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_forms_gds",
    "djmoney",
    "csp",
    "django_celery_beat",
    "pgtrigger",
    # this project's apps, bottom layer first (imports point down this list: see pyproject.toml)
    "core",
    "notifications",
    "audit",
    "councils",
    "talentpool",
    "sso",
    "bookings",
    "needs",
    "payments",
    "privacy",
    "oversight",
    "insights",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# Content Security Policy (django-csp): only this site's own files; the one inline script in base.html
# (GOV.UK Frontend's js-enabled class) carries a per-request nonce. Stripe Checkout is a redirect, not
# an embed; with Stripe on, form-action admits it (below).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "councils.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/talentpool")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection is checked before each request reuses it, so a PostgreSQL restart costs one
# reconnect, not a failed request (tests/test_faults.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Short OLTP queries: PostgreSQL's JIT compilation cost more than it saved on the search (benchmarks/README.md).
# The working set is in memory, so reading a page out of order costs about what reading the next one does:
# with the default (4, for spinning disks) the planner read all 20,000 profiles in turn where an index named
# the 2,000 wanted (a skill and a week: 26 ms against 13). PostgreSQL's own advice for data in cache or SSD.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds allauth's login rate-limit counters: share it (Redis) when several web processes run.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.SharedRedisCache"  # its Redis client built once, not per call

AUTH_USER_MODEL = "councils.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail login, mandatory verification, sign-up only on a council's allowed domain.
ACCOUNT_ADAPTER = "councils.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "councils.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LocalGov Talent Pool] "
# Rate limits (allauth), stated so a test holds them (merged over allauth's other defaults): failed
# sign-ins 10 a minute per IP and 5 per address per 5 minutes; password-reset requests 20 a minute per IP
# and 5 a minute per address; sign-ups 20 a minute per IP.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}

# Single sign-on (sso): each council's OpenID Connect provider, from its settings (sso.adapters), never
# through allauth's social sign-up form; the provider vouches for the e-mail address. Client secrets are
# encrypted with SSO_SECRET_KEY (a Fernet key; derived from SECRET_KEY when empty). A session begun
# through a council's provider lasts SSO_SESSION_HOURS.
SOCIALACCOUNT_ADAPTER = "sso.adapters.CouncilSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
SSO_SECRET_KEY = env("SSO_SECRET_KEY", default="")
SSO_SESSION_HOURS = env.int("SSO_SESSION_HOURS", default=8)
# A council's issuer must be https on a public address; development and the tests' own provider use loopback.
SSO_ALLOW_LOCAL_ISSUER = env.bool("SSO_ALLOW_LOCAL_ISSUER", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Money
CURRENCIES = ("GBP",)
DEFAULT_CURRENCY = "GBP"


def email_settings(url: str) -> dict[str, Any]:
    """The Django e-mail settings an EMAIL_URL stands for (the schemes README.md lists).

    smtp:// (port 25), smtp+tls:// (STARTTLS, port 587; smtps:// is django-environ's alias of it),
    smtp+ssl:// (port 465), filemail:///absolute/dir, consolemail://, memorymail://, dummymail://.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in environ.Env.EMAIL_SCHEMES:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {scheme!r}; use one of README.md's")
    if parts.query:
        raise ImproperlyConfigured("EMAIL_URL: no query options; choose TLS or SSL by the scheme (smtp+tls, smtp+ssl)")
    config: dict[str, Any] = {"EMAIL_BACKEND": environ.Env.EMAIL_SCHEMES[scheme]}
    if scheme == "filemail":
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/"):
            raise ImproperlyConfigured("EMAIL_URL: filemail needs an absolute directory, e.g. filemail:///var/mail/app")
        config["EMAIL_FILE_PATH"] = path
    elif scheme.startswith("smtp"):
        tls, ssl = scheme in ("smtp+tls", "smtps"), scheme == "smtp+ssl"
        config |= {
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (587 if tls else 465 if ssl else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": tls,
            "EMAIL_USE_SSL": ssl,
        }
    return config


# E-mail: console in development, SMTP in production (EMAIL_URL, e.g. smtp+tls://user:pass@host:587).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LocalGov Talent Pool <noreply@talentpool.localgov.example>")
globals().update(email_settings(env("EMAIL_URL", default="consolemail://")))

# Invitations
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# Celery: Redis broker. CELERY_TASK_ALWAYS_EAGER runs tasks in-process where no broker answers.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "notifications.tasks.outbox_flush", "schedule": 60.0},
    "pool-slots-extend": {"task": "talentpool.tasks.slots_extend", "schedule": crontab(hour=2, minute=0)},
    "pool-search-lists-refresh": {"task": "talentpool.tasks.search_lists_refresh", "schedule": 240.0},
    "pool-stored-weeks-refresh": {
        "task": "talentpool.tasks.stored_weeks_refresh",
        "schedule": crontab(hour=0, minute=1, day_of_week="mon"),
    },
    "pool-profiles-expire": {"task": "talentpool.tasks.profiles_expire", "schedule": crontab(hour=0, minute=5)},
    "bookings-expire": {"task": "bookings.tasks.bookings_expire", "schedule": 300.0},
    "settle-previous-month": {
        "task": "payments.tasks.settle_previous_month",
        "schedule": crontab(hour=2, minute=0, day_of_month=1),
    },
    "invoices-overdue": {"task": "payments.tasks.invoices_overdue", "schedule": crontab(hour=7, minute=30)},
    "booking-reminders": {"task": "bookings.tasks.booking_reminders", "schedule": 3600.0},
    "timesheets-autoconfirm": {"task": "bookings.tasks.timesheets_autoconfirm", "schedule": 900.0},
    "timesheet-reminders": {"task": "bookings.tasks.timesheet_reminders", "schedule": crontab(hour=9, minute=0)},
    "pool-approval-reminders": {"task": "talentpool.tasks.approval_reminders", "schedule": crontab(hour=8, minute=0)},
    "needs-close": {"task": "needs.tasks.needs_close", "schedule": crontab(hour=0, minute=10)},
    "invitation-batches-resume": {"task": "councils.tasks.invitation_batches_resume", "schedule": 300.0},
    "onboarding-reminders": {"task": "councils.tasks.onboarding_reminders", "schedule": crontab(hour=9, minute=30)},
    "insights-platform-figures": {
        "task": "insights.tasks.platform_figures_refresh",
        "schedule": crontab(hour=0, minute=5),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ACCOUNT_FORMS = {
    "login": "sso.forms.LoginForm",
    "signup": "sso.forms.SignupForm",
    "reset_password": "sso.forms.ResetPasswordForm",
    "reset_password_from_key": "councils.account_forms.ResetPasswordKeyForm",
}

# Bookings: working days (England and Wales) a specialist has to answer a request.
BOOKING_ANSWER_WORKING_DAYS = env.int("BOOKING_ANSWER_WORKING_DAYS", default=2)
WORKING_TIME_LIMIT_HOURS = 48
TIMESHEET_CONFIRM_WORKING_DAYS = env.int("TIMESHEET_CONFIRM_WORKING_DAYS", default=5)

# Stripe is optional: both keys set turns on "Pay by card" for invoices and the signed webhook.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
if STRIPE_SECRET_KEY:
    # "Pay by card" posts a form here that redirects to Stripe Checkout; browsers apply form-action to
    # that redirect.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [SELF, "https://checkout.stripe.com"]
