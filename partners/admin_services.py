"""Administration without a superuser: an organisation's administrator manages its people, and the VRU's
administrators add organisations with their first administrator.

Semantics for a person in several organisations: their roles in each organisation are Membership rows, and
deactivating them in one organisation clears `Membership.active` on that organisation's rows only (and revokes
their API tokens for it). `access.acting_for` ignores inactive rows, so sessions and tokens lose that organisation
on the next request while the others carry on. Only when no active membership remains is the account itself
disabled (User.is_active=False), which signs out every open session on its next request.

Invitation emails are sent here, inside the transaction, and not through the notifications outbox: the link
carries the secret, and the outbox would keep it in a table. A failed send rolls the invitation back.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction

from . import access, audit, notices, rules
from .models import ApiToken, Area, Invitation, Membership, Organisation, OrganisationKind, Role, User
from .signin.services import end_sessions

SECRET_BYTES = 32
ONBOARD_KINDS = [OrganisationKind.SCHOOL, OrganisationKind.YOS, OrganisationKind.VOLUNTARY,
                 OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.POLICE]
# A voluntary organisation may work region-wide; the others belong to one local authority area.
AREA_OPTIONAL = {OrganisationKind.VOLUNTARY}

STATE_MESSAGES = {
    rules.UNKNOWN: "This invitation link is not valid. Check you copied the whole link from the email.",
    rules.USED: "This invitation link has already been used. Sign in with the password you chose.",
    rules.EXPIRED: "This invitation link has expired: links work for 72 hours. Ask your organisation's "
                   "administrator to send you a new invitation.",
    rules.REPLACED: "A newer invitation has been sent to you: use the link in the most recent email.",
    rules.WITHDRAWN: "This invitation has been withdrawn. Ask your organisation's administrator.",
}


def hash_secret(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _admin(acting):
    return access.require_capability(acting, "manage_organisation")


def _person(acting, person):
    """The person, if they belong to the acting organisation (404 otherwise), locked for the change."""
    pk = getattr(person, "pk", person)
    access.get_visible_or_404(acting, User.objects.all(), pk=pk)
    return User.objects.select_for_update().get(pk=pk)


def _rows(person, organisation):
    return Membership.objects.filter(user=person, organisation=organisation)


def _active_admin_ids(organisation):
    return set(Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN, active=True,
                                         user__is_active=True).values_list("user_id", flat=True))


def _check_roles(kind, roles, problems, field="roles"):
    roles = list(dict.fromkeys(roles or []))
    if not roles:
        problems[field] = "Select at least one role"
    elif rules.unsuitable_roles(kind, roles):
        problems[field] = "Select only roles this organisation can use"
    return roles


def _check_new_person(email, full_name, problems, email_field="email", name_field="full_name"):
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not full_name:
        problems[name_field] = "Enter the person's full name"
    elif len(full_name) > User._meta.get_field("full_name").max_length:
        problems[name_field] = "The name must be 150 characters or fewer"
    if not email:
        problems[email_field] = "Enter the person's email address"
    elif User.objects.filter(email__iexact=email).exists():
        problems[email_field] = ("There is already an account with this email address. "
                                 "Ask the VRU to add that person to your organisation.")
    return email, full_name


def _send_invitation(acting, person, organisation, *, now, idempotency_key=None):
    """A new link for `person` (replacing any earlier one), emailed to them. Returns the Invitation."""
    Invitation.objects.filter(user=person, used_at__isnull=True, replaced_at__isnull=True).update(replaced_at=now)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    invitation = Invitation.objects.create(
        user=person, organisation=organisation, invited_by=acting.user, token_hash=hash_secret(secret),
        created_at=now, expires_at=rules.invitation_expires_at(now), idempotency_key=idempotency_key,
    )
    audit.record(acting, audit.AuditAction.CREATE, invitation, detail={"user": person.pk, "organisation": organisation.pk})
    subject, body = notices.invitation(person, organisation, secret, invitation.expires_at)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    return invitation


def _repeat(idempotency_key, organisation=None):
    """The invitation an earlier submit of the same form made, if any."""
    if idempotency_key is None:
        return None
    found = Invitation.objects.filter(idempotency_key=idempotency_key).select_related("user", "organisation").first()
    if found is not None and organisation is not None and found.organisation_id != organisation.pk:
        raise access.NotFound("No such invitation.")
    return found


# --- People of one organisation --------------------------------------------------------------------------


@transaction.atomic
def invite_person(acting, *, email, full_name, roles, now, idempotency_key=None):
    """Make an account with no password, give it roles here, and email a 72-hour link to set one."""
    acting = _admin(acting)
    org = acting.organisation
    if (found := _repeat(idempotency_key, org)) is not None:
        return found
    problems = {}
    email, full_name = _check_new_person(email, full_name, problems)
    roles = _check_roles(org.kind, roles, problems)
    if problems:
        raise ValidationError(problems)
    person = User.objects.create_user(email, None, full_name=full_name)  # no password: unusable until accepted
    Membership.objects.bulk_create([Membership(user=person, organisation=org, role=r, created_at=now) for r in roles])
    audit.record(acting, audit.AuditAction.CREATE, person, detail={"roles": roles, "invited": True})
    return _send_invitation(acting, person, org, now=now, idempotency_key=idempotency_key)


@transaction.atomic
def resend_invitation(acting, person, *, now):
    acting = _admin(acting)
    person = _person(acting, person)
    if person.has_usable_password():
        raise ValidationError("This person has already set a password. They can use “Forgotten your password?” "
                              "on the sign-in page.")
    if not _rows(person, acting.organisation).filter(active=True).exists():
        raise ValidationError("This person is deactivated. Reactivate them first.")
    return _send_invitation(acting, person, acting.organisation, now=now)


def invitation_for(secret):
    if not secret:
        return None
    return Invitation.objects.select_related("user", "organisation").filter(token_hash=hash_secret(secret)).first()


def invitation_state(invitation, *, now):
    if invitation is None:
        return rules.UNKNOWN
    active = invitation.user.is_active and invitation.organisation.active and _rows(
        invitation.user, invitation.organisation).filter(active=True).exists()
    return rules.invitation_state(expires_at=invitation.expires_at, used_at=invitation.used_at,
                                  replaced_at=invitation.replaced_at, person_active=active, now=now)


@transaction.atomic
def accept_invitation(secret, password, *, now):
    """Set the invited person's first password; the link then stops working. The password is already validated."""
    invitation = invitation_for(secret)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().select_related("user", "organisation").get(pk=invitation.pk)
    state = invitation_state(invitation, now=now)
    if state != rules.VALID:
        raise ValidationError(STATE_MESSAGES[state], code=state)
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    audit.record(access.acting_for(person, invitation.organisation_id), audit.AuditAction.UPDATE, invitation,
                 detail={"action": "accepted"})
    return person


@transaction.atomic
def change_roles(acting, person, roles):
    """An administrator sets another person's roles here. Nobody changes their own (so nobody raises their own)."""
    acting = _admin(acting)
    person = _person(acting, person)
    org = acting.organisation
    problems = {}
    if person.pk == acting.user.pk:
        raise ValidationError({"roles": "You cannot change your own roles. Ask another administrator."})
    roles = _check_roles(org.kind, roles, problems)
    if problems:
        raise ValidationError(problems)
    rows = list(_rows(person, org))
    before = sorted(m.role for m in rows)
    active = any(m.active for m in rows)
    if not rules.leaves_an_administrator(_active_admin_ids(org), person.pk, keeps_admin=Role.ORG_ADMIN in roles):
        raise ValidationError({"roles": "This is the organisation's last administrator: make someone else an "
                                        "administrator first"})
    _rows(person, org).exclude(role__in=roles).delete()
    Membership.objects.bulk_create([Membership(user=person, organisation=org, role=r, active=active)
                                    for r in roles if r not in before])
    audit.record(acting, audit.AuditAction.UPDATE, person, detail={"roles_before": before, "roles": sorted(roles)})
    return person


@transaction.atomic
def deactivate_person(acting, person, *, now):
    """Stop a person acting for this organisation at once: sessions and API tokens on their next request."""
    acting = _admin(acting)
    person = _person(acting, person)
    org = acting.organisation
    rows = _rows(person, org)
    if not rows.filter(active=True).exists():
        return person
    if not rules.leaves_an_administrator(_active_admin_ids(org), person.pk, keeps_admin=False):
        raise ValidationError("You are the organisation's last administrator: make someone else an administrator "
                              "before you deactivate yourself.")
    rows.update(active=False)
    # Revoked, not only refused: a person reactivated later does not find forgotten keys working again.
    revoked = ApiToken.objects.filter(user=person, organisation=org, revoked_at__isnull=True).update(revoked_at=now)
    disabled = not Membership.objects.filter(user=person, active=True).exists()
    if disabled:
        person.is_active = False  # Django's session authentication then answers "signed out"
        person.save(update_fields=["is_active"])
    audit.record(acting, audit.AuditAction.UPDATE, person,
                 detail={"action": "deactivate", "tokens_revoked": revoked, "account_disabled": disabled})
    # Every session of theirs ends on its next request, acting for this organisation or another.
    end_sessions(acting, person, reason="deactivated")
    return person


@transaction.atomic
def reactivate_person(acting, person):
    acting = _admin(acting)
    person = _person(acting, person)
    rows = _rows(person, acting.organisation)
    if not rows.filter(active=False).exists():
        return person
    rows.update(active=True)
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
    audit.record(acting, audit.AuditAction.UPDATE, person, detail={"action": "reactivate"})
    return person


# --- Organisations (the VRU's administrators) ------------------------------------------------------------


@transaction.atomic
def onboard_organisation(acting, *, name, kind, area, admin_name, admin_email, now, idempotency_key=None):
    """A new organisation and its first administrator, who is sent an invitation. Returns the Invitation."""
    acting = access.require_capability(acting, "onboard_organisations")
    if (found := _repeat(idempotency_key)) is not None:
        return found
    problems = {}
    name = " ".join((name or "").split())
    if not name:
        problems["name"] = "Enter the organisation's name"
    elif len(name) > Organisation._meta.get_field("name").max_length:
        problems["name"] = "The name must be 200 characters or fewer"
    elif Organisation.objects.filter(name__iexact=name).exists():
        problems["name"] = "There is already an organisation with this name"
    if kind not in ONBOARD_KINDS:
        problems["kind"] = "Select the kind of organisation"
    area = area or ""
    if area and area not in Area.values:
        problems["area"] = "Select the area"
    elif not area and kind in ONBOARD_KINDS and kind not in AREA_OPTIONAL:
        problems["area"] = "Select the area"
    admin_email, admin_name = _check_new_person(admin_email, admin_name, problems, email_field="admin_email",
                                                name_field="admin_name")
    if problems:
        raise ValidationError(problems)
    org = Organisation.objects.create(name=name, kind=kind, area=area)
    audit.record(acting, audit.AuditAction.CREATE, org, detail={"kind": kind, "area": area})
    person = User.objects.create_user(admin_email, None, full_name=admin_name)
    Membership.objects.create(user=person, organisation=org, role=Role.ORG_ADMIN, created_at=now)
    audit.record(acting, audit.AuditAction.CREATE, person, detail={"roles": [Role.ORG_ADMIN], "invited": True,
                                                                   "organisation": org.pk})
    return _send_invitation(acting, person, org, now=now, idempotency_key=idempotency_key)


def _organisation(acting, organisation):
    acting = access.require_capability(acting, "onboard_organisations")
    pk = getattr(organisation, "pk", organisation)
    access.get_visible_or_404(acting, Organisation.objects.all(), pk=pk)
    return acting, Organisation.objects.select_for_update().get(pk=pk)


@transaction.atomic
def deactivate_organisation(acting, organisation):
    """Nobody acts for it any more (pages and API tokens alike) until it is reactivated; its records stay."""
    acting, org = _organisation(acting, organisation)
    if org.pk == acting.organisation.pk:
        raise ValidationError("You cannot deactivate the organisation you act for.")
    if org.active:
        org.active = False
        org.save(update_fields=["active"])
        audit.record(acting, audit.AuditAction.UPDATE, org, detail={"action": "deactivate"})
    return org


@transaction.atomic
def reactivate_organisation(acting, organisation):
    acting, org = _organisation(acting, organisation)
    if not org.active:
        org.active = True
        org.save(update_fields=["active"])
        audit.record(acting, audit.AuditAction.UPDATE, org, detail={"action": "reactivate"})
    return org
