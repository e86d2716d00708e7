"""Pure rules of administration: which roles suit which organisation, invitation validity, the last administrator.

No ORM and no clock: callers pass what they read and `now`.
"""

from datetime import timedelta

from .choices import OrganisationKind as K
from .choices import Role as R

INVITATION_VALID_FOR = timedelta(hours=72)
# An API token lives at most a year; its organisation's administrators are told this many days before it ends.
MAX_TOKEN_DAYS = 365
TOKEN_WARNING_DAYS = 14


def example_expiry(today):
    """A hint's example date, six months on (a date a person might choose): "1 6 2027"."""
    day = today + timedelta(days=182)
    return f"{day.day} {day.month} {day.year}"


def token_expiry_moment(day):
    """A token chosen to expire on `day` works to the end of that day (Europe/London)."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))

# The roles a person can hold in each kind of organisation: what the access policy lets that role do there.
# (A caseworker in a school, or a triager outside the VRU, would have nothing to do.)
ROLES_BY_KIND = {
    K.VRU: [R.TRIAGER, R.MANAGER, R.ORG_ADMIN],
    K.POLICE: [R.REFERRER, R.DECISION_MAKER, R.MANAGER, R.ORG_ADMIN],
    K.YOS: [R.REFERRER, R.CASEWORKER, R.MANAGER, R.ORG_ADMIN],
    K.VOLUNTARY: [R.REFERRER, R.CASEWORKER, R.MANAGER, R.ORG_ADMIN],
    K.LOCAL_AUTHORITY: [R.REFERRER, R.CASEWORKER, R.MANAGER, R.ORG_ADMIN],
    K.SCHOOL: [R.REFERRER, R.ORG_ADMIN],
}

# Why an invitation link cannot be used, as its page tells the person.
VALID, UNKNOWN, USED, EXPIRED, REPLACED, WITHDRAWN = "valid", "unknown", "used", "expired", "replaced", "withdrawn"


def roles_for(kind):
    return list(ROLES_BY_KIND.get(kind, []))


def unsuitable_roles(kind, roles):
    """The roles in `roles` that an organisation of this kind has no use for."""
    allowed = set(roles_for(kind))
    return [r for r in roles if r not in allowed]


def invitation_expires_at(created_at):
    return created_at + INVITATION_VALID_FOR


def invitation_state(*, expires_at, used_at, replaced_at, person_active, now):
    """Whether a link may still set a password. Used beats replaced beats expired: the most useful message first."""
    if used_at is not None:
        return USED
    if not person_active:
        return WITHDRAWN
    if replaced_at is not None:
        return REPLACED
    if now >= expires_at:
        return EXPIRED
    return VALID


def leaves_an_administrator(active_admin_ids, person_id, *, keeps_admin):
    """After a change to `person_id`, is there still at least one active administrator of the organisation?"""
    others = set(active_admin_ids) - {person_id}
    return bool(others) or (keeps_admin and person_id in set(active_admin_ids))
