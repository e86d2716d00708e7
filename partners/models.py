from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from partners import append_only

from .choices import Area, OrganisationKind, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Email is the login name; a user acts through a Membership."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the admin (superusers only in practice).")
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every session of this person on its next request (deactivation, a removed membership,
    # reset factors): it is part of the hash each session carries, so no session list is needed for it.
    session_epoch = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self):
        return salted_hmac(
            "partners.User.get_session_auth_hash", f"{self.password}:{self.session_epoch}", algorithm="sha256"
        ).hexdigest()

    def get_session_auth_fallback_hash(self):
        from django.conf import settings

        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield salted_hmac(
                "partners.User.get_session_auth_hash",
                f"{self.password}:{self.session_epoch}",
                secret=fallback_secret,
                algorithm="sha256",
            ).hexdigest()


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    area = models.CharField(
        max_length=20, choices=Area.choices, blank=True, help_text="Blank for region-wide organisations."
    )
    active = models.BooleanField(default=True)
    # Any object permission would go to this group, never to a single user; the access policy itself needs none.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation", editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "area"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.group_id:
            self.group, _ = Group.objects.get_or_create(name=f"org:{self.name}")
        super().save(*args, **kwargs)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Deactivating a person in one organisation clears this on their rows there only: their other
    # organisations are untouched. db_default so bulk loaders that name no column still get True.
    active = models.BooleanField(default=True, db_default=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    FAILED_LOGIN = "failed_login", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    EXPORT = "export", "Exported"
    # No longer written (visibility follows relations): kept so that older events keep their label.
    GRANT = "grant", "Permission granted"
    REVOKE = "revoke", "Permission revoked"
    # A person refused something they tried to do (partners.access.require_to).
    DENIED = "denied", "Refused"
    # Sign-in (partners/signin)
    FACTOR_ADDED = "factor_added", "Set up a second factor"
    FACTOR_REMOVED = "factor_removed", "Removed a second factor"
    WRONG_CODE = "wrong_code", "Entered a wrong code"
    RECOVERY_CODE_USED = "recovery_code", "Used a recovery code"
    FACTORS_RESET = "factors_reset", "Reset a person's second factors"
    SSO_LOGIN = "sso_login", "Signed in with single sign-on"
    SSO_REFUSED = "sso_refused", "Single sign-on refused"
    SESSIONS_ENDED = "sessions_ended", "Ended sessions"
    TOKEN_EXPIRED = "token_expired", "API token expired"
    DELETE = "delete", "Deleted"
    # A record's print view was opened (partners/printing.py): who took it away on paper, and when.
    PRINT = "print", "Printed"
    # A search for young people (referrals/search.py): its terms and how many were found.
    SEARCH = "search", "Searched"
    # A document's file was downloaded (documents/views.py).
    DOWNLOAD = "download", "Downloaded"


class AuditEvent(models.Model):
    """Append-only record of who did what to which record. Never the personal data itself, but for the words of a
    search (AuditAction.SEARCH): looking up a neighbour is the misuse this trail must show."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # No index of their own: audit_actor_time and audit_org_time begin with them, and every index is written by
    # every insert (a triage queue page audits a hundred names shown).
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Kept as text as well so a failed sign-in for an unknown account is still recorded.
    actor_email = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    young_person_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
            models.Index(fields=["organisation", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["young_person_id", "-occurred_at"], name="audit_young_person"),
        ]
        triggers = append_only.triggers()

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_type} {self.object_id}"


class ApiToken(models.Model):
    """A partner system's key to the REST API: it acts as one user for one organisation.

    The secret is shown once, when the token is made; only its SHA-256 is kept (the secret is
    random and long, so a fast hash is enough and lets the lookup be one indexed equality).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the partner system's name.")
    key_prefix = models.CharField(max_length=8, help_text="The secret's first 8 characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # At most a year after it is made (partners.rules.MAX_TOKEN_DAYS); older tokens were given a year on migration.
    expires_at = models.DateTimeField()
    read_only = models.BooleanField(default=True, db_default=True,
                                    help_text="A read-only token may not create or change records.")
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    expiry_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="apitoken_org_created"),
            models.Index(fields=["expires_at"], name="apitoken_expires", condition=models.Q(revoked_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def scope_label(self):
        return "Read only" if self.read_only else "Read and write"


class Invitation(models.Model):
    """A one-time link that lets an invited person set their first password.

    Only the SHA-256 of the link's secret is kept (the secret is random and long, as for API tokens).
    A link is good once, until `expires_at`; sending a new one replaces the old (`replaced_at`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    # The form's one-use key: a double-clicked "Send invitation" finds this row instead of inviting twice.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="invitation_user_created")]

    def __str__(self):
        return f"Invitation for {self.user} to {self.organisation}"


class IdempotencyKey(models.Model):
    """A create request's key, kept with what it made: the same request sent twice (a double click, a client's
    retry, two at the same moment) makes one record, and the repeat is answered with the first one's result.

    Never personal data: which action, by whom, and the id of what it made.
    """

    key = models.UUIDField(unique=True)
    action = models.CharField(max_length=60)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.action} {self.key}"


class SignInProvider(models.Model):
    """An organisation's own OpenID Connect provider (e.g. Microsoft Entra ID), recorded by a VRU administrator.

    The client id, secret and issuer live in django-allauth's SocialApp; this row ties it to the organisation.
    People whose email is on one of its domains sign in there; nobody is created and no role is taken from it.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="sign_in_provider")
    app = models.OneToOneField("socialaccount.SocialApp", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Single sign-on for {self.organisation}"


class SignInDomain(models.Model):
    provider = models.ForeignKey(SignInProvider, on_delete=models.CASCADE, related_name="domains")
    # One provider per domain: the database refuses a second.
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain
