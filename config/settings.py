"""One settings file for every environment, read from the environment (django-environ).

Defaults give the zero-setup demo: SQLite and a filesystem Celery broker under var/.
Production sets DEBUG=false and must provide SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL
and REDIS_URL; see the configuration table in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "West Midlands Violence Reduction Partnership Portal"

INSTALLED_APPS = [
    "config.admin.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's list of security keys says "Last used 2 days ago"
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram lookups for search (referrals/search.py); on SQLite it does nothing
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "pgtrigger",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    # Two factors, single sign-on and the list of a person's sessions (partners/signin explains the choice).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "partners",
    "referrals",
    "outcomes",
    "cohorts",
    "documents",
    "reporting",
    "notifications",
    "jobs",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache and everything the portal renders is no-store.
    "partners.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Signed in with a password only: nothing but setting up a second factor (or signing out) until it is done.
    "partners.signin.middleware.SecondFactorMiddleware",
    "partners.signin.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "partners.middleware.ActingOrganisationMiddleware",
    "core.replica.PinAfterWriteMiddleware",
    "partners.middleware.DomainErrorsMiddleware",
    # Axes must be last: it turns a lockout into the response the user sees.
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
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.portal",
            ],
            # core is no app (it imports none), so its tags are builtins: {% scroll_region %} on every page.
            "builtins": ["core.page_tags"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "config.sqlite"  # the same backend, which makes var/ on first connecting
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Our queries are short or aggregate once over indexed rows: PostgreSQL's JIT compiler spends 200-400 ms
    # on each large one (measured by the benchmark) and saves less, so it is off for the portal's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming replica for the heavy readers (core/replica.py): the figures, and the API's lists.
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    for name in ("CONN_MAX_AGE", "OPTIONS"):
        DATABASES["replica"].setdefault(name, DATABASES["default"].get(name))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# How long someone who changed something reads from the primary: longer than the replica ever lags.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

# django-allauth: sign-in by email; nobody signs up (people are invited); roles never come from a provider.
ACCOUNT_ADAPTER = "partners.signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "partners.signin.adapters.SocialAccountAdapter"
MFA_ADAPTER = "partners.signin.adapters.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
# django-axes counts wrong passwords and wrong codes; allauth's own limits would be a second, different count.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_RECOVERY_CODE_COUNT = 10
MFA_TOTP_ISSUER = SERVICE_NAME
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for a phone's clock a little out (RFC 6238, 5.2)
MFA_FORMS = {
    "authenticate": "partners.signin.forms.CodeForm",
    "reauthenticate": "partners.signin.forms.ReauthenticateCodeForm",
    "activate_totp": "partners.signin.forms.ActivateAppForm",
    "add_webauthn": "partners.signin.forms.AddKeyForm",
    "authenticate_webauthn": "partners.signin.forms.KeyForm",
    "reauthenticate_webauthn": "partners.signin.forms.ReauthenticateKeyForm",
}
# WebAuthn needs https, or http on localhost: the demo and the tests run on http://127.0.0.1 / localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
MFA_PASSKEY_LOGIN_ENABLED = False
USERSESSIONS_TRACK_ACTIVITY = False  # partners.signin.middleware.SessionActivityMiddleware, at most once a minute
# Sensitive actions (exports, tokens, roles, factor resets) ask for the second factor again after this long.
STEP_UP_SECONDS = 15 * 60

# Sessions end after 30 minutes without a request. A session is written when a request comes a minute or more
# after its last write (partners.signin.middleware refreshes its seen_at then), not on every request: a page is
# then one transaction and one disk flush fewer. So that no session ends before its idle time, that minute is
# given on top: a session ends 30 to 31 minutes after its last request.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_WRITTEN_EVERY_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + SESSION_WRITTEN_EVERY_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: 5 failures for the same account from the same address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form posts the email as "username" (Django's AuthenticationForm); axes would look for "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Reverse proxies in front of the portal. Axes would use django-ipware for this, which is not installed, so
# it read REMOTE_ADDR (the proxy's address): the lockout and the audit trail share partners.client_address.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "partners.client_address.client_ip"

# django-guardian stays installed for the benchmark's comparison; the portal grants no object permissions
# (visibility follows relations, partners/access.py), and would grant them to organisation groups only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Only what the pages use: `make assets` builds static/build (our CSS and the vendor bundles).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk/assets", BASE_DIR / "node_modules/govuk-frontend/dist/govuk/assets"),
    ("moj/assets", BASE_DIR / "node_modules/@ministryofjustice/frontend/moj/assets"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents are never public media: only documents/views.py reads them, after asking the access policy.
    # DOCUMENTS_S3_BUCKET set: S3-compatible object storage through django-storages (private, no public URL).
    "documents": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env.str("DOCUMENTS_S3_BUCKET"),
        "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("DOCUMENTS_S3_REGION", default=None),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"},
    }} if env.str("DOCUMENTS_S3_BUCKET", default="") else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("DOCUMENTS_DIR", default=str(VAR_DIR / "documents")), "base_url": None,
                    "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: the largest document accepted, and ClamAV's daemon, by its socket ("unix:///run/clamav/clamd.ctl",
# Debian's) or "tcp://host:3310". A scanner that cannot be reached holds an upload until the job scans it.
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", default=20 * 1024 * 1024)
CLAMD_URL = env.str("CLAMD_URL", default="unix:///run/clamav/clamd.ctl")
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=30)
# Django keeps an upload in memory up to this size, then in a temporary file (the proxy in front limits a
# request's body too: see the README).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@vrp.example.org")
# Links in emails point here.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# Retention (docs/domain.md, data protection): a young person's records are anonymised this many years after
# their last referral, intervention or case closes, or on this birthday if later.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=6)
RETENTION_MIN_AGE = env.int("RETENTION_MIN_AGE", default=25)

# Celery: Redis in production; a broker that needs no server for the demo.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Its folders are made when a worker, beat or a sender starts (config/celery.py), not here.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is ./control, which once put broker files into the repository.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# The cache remembers used authenticator codes (one use each): shared by every process when Redis is there.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="vrp")}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# When each job runs (Europe/London). Beat runs the one task "jobs.run" with the job's name.
JOB_SCHEDULE = {
    "send_outbox": crontab(minute="*"),
    "lapse_claims": crontab(minute="*/5"),
    "expire_info_requests": crontab(minute=15),
    "triage_digest": crontab(minute=30, hour=7, day_of_week="mon-fri"),
    "allocation_escalations": crontab(minute=45, hour="8-17", day_of_week="mon-fri"),
    "compliance_sweep": crontab(minute=0, hour=6),
    "deadline_warnings": crontab(minute=15, hour=6),
    "cohort_reviews": crontab(minute=30, hour=6),
    "retention": crontab(minute=30, hour=2, day_of_week="sun"),
    "prune_idempotency_keys": crontab(minute=45, hour=2, day_of_week="sun"),
    "token_expiry": crontab(minute=0, hour=7),
    "scan_held_documents": crontab(minute="*/5"),
    "roll_up_figures": crontab(minute="*/10"),
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": "jobs.run", "schedule": schedule, "args": [name]} for name, schedule in JOB_SCHEDULE.items()
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an unauthenticated request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # DRF's own default is AllowAny; every endpoint here needs a signed-in user.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "partners.api_auth.TokenScope"],
    # DRF's JSON parser turns 1,000 nested brackets into a RecursionError (a 500); ours answers 400.
    "DEFAULT_PARSER_CLASSES": [
        "partners.api_parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The services' domain errors (partners.access.NotFound, NotAllowed) as 404 and 403 JSON.
    "EXCEPTION_HANDLER": "partners.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": SERVICE_NAME + " API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security headers. The pages carry no inline script or style, so the policy is strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Date and number inputs get GOV.UK styling like text inputs.
CRISPY_CLASS_CONVERTERS = {"dateinput": "govuk-input", "numberinput": "govuk-input"}
