"""Synthetic demo organisations and users. No real people: names are invented, emails use example domains."""

import base64
import hashlib

from .models import Area, Membership, Organisation, Role, User
from .models import OrganisationKind as K

DEMO_PASSWORD = "demo-portal-2026"

ORGANISATIONS = [
    ("West Midlands Violence Reduction Unit", K.VRU, ""),
    ("West Midlands Police – Birmingham West NPU", K.POLICE, Area.BIRMINGHAM),
    ("West Midlands Police – Walsall NPU", K.POLICE, Area.WALSALL),
    ("YOS Birmingham", K.YOS, Area.BIRMINGHAM),
    ("YOS Walsall", K.YOS, Area.WALSALL),
    ("Northfield Park Academy", K.SCHOOL, Area.BIRMINGHAM),
    ("Riverside High School", K.SCHOOL, Area.WALSALL),
    ("Canal Side College", K.SCHOOL, Area.COVENTRY),
    ("St Giles Trust", K.VOLUNTARY, ""),
    ("Remedi", K.VOLUNTARY, ""),
]

# (email, name, organisation, roles)
USERS = [
    ("triager@vru.example.org", "Tara Triage", "West Midlands Violence Reduction Unit", [Role.TRIAGER]),
    ("triager2@vru.example.org", "Theo Triage", "West Midlands Violence Reduction Unit", [Role.TRIAGER]),
    ("manager@vru.example.org", "Mina Manager", "West Midlands Violence Reduction Unit", [Role.MANAGER]),
    ("admin@vru.example.org", "Adam Admin", "West Midlands Violence Reduction Unit", [Role.ORG_ADMIN]),
    ("dsl@northfield.example.sch.uk", "Dana Safeguard", "Northfield Park Academy", [Role.REFERRER]),
    ("dsl@riverside.example.sch.uk", "Rory Safeguard", "Riverside High School", [Role.REFERRER]),
    ("dsl@canalside.example.ac.uk", "Cara Safeguard", "Canal Side College", [Role.REFERRER]),
    ("caseworker@yos-birmingham.example.org", "Casey Worker", "YOS Birmingham", [Role.CASEWORKER]),
    ("manager@yos-birmingham.example.org", "Morgan Lead", "YOS Birmingham", [Role.MANAGER]),
    ("caseworker@yos-walsall.example.org", "Kit Worker", "YOS Walsall", [Role.CASEWORKER]),
    ("caseworker@stgiles.example.org", "Sam Navigator", "St Giles Trust", [Role.CASEWORKER]),
    ("caseworker@remedi.example.org", "Ravi Restore", "Remedi", [Role.CASEWORKER]),
    ("decisions@police.example.org", "Dee Decider", "West Midlands Police – Birmingham West NPU", [Role.DECISION_MAKER]),
    ("referrer@police.example.org", "Pat Constable", "West Midlands Police – Birmingham West NPU", [Role.REFERRER]),
    # Some partners have their own administrator too: they invite and deactivate their own people.
    ("admin@northfield.example.sch.uk", "Nia Admin", "Northfield Park Academy", [Role.ORG_ADMIN]),
    ("admin@yos-birmingham.example.org", "Yusuf Admin", "YOS Birmingham", [Role.ORG_ADMIN]),
    ("admin@stgiles.example.org", "Gail Admin", "St Giles Trust", [Role.ORG_ADMIN]),
    # One person who works for two organisations and picks which one they act for.
    ("multi@example.org", "Jo Twohats", "YOS Walsall", [Role.CASEWORKER]),
    ("multi@example.org", "Jo Twohats", "Remedi", [Role.MANAGER]),
]


def seed_organisations_and_users(password=DEMO_PASSWORD):
    """Idempotent: creates what is missing, resets demo passwords, leaves everything else alone."""
    orgs = {}
    for name, kind, area in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "area": area})
        orgs[name] = org
    users = {}
    for email, full_name, org_name, roles in USERS:
        user = users.get(email) or User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name)
        elif email not in users:
            user.set_password(password)
            user.save(update_fields=["password"])
        users[email] = user
        enrol_demo_app(user)
        for role in roles:
            Membership.objects.get_or_create(user=user, organisation=orgs[org_name], role=role)
    return orgs, users


def demo_totp_secret(email):
    """Each demo login's authenticator setup key, the same every time (demo data only, like DEMO_PASSWORD)."""
    return base64.b32encode(hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]).decode()


def enrol_demo_app(user):
    """The demo logins have an authenticator app already, so `make run` signs in at once (manage.py demo_code)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(user.email))
        RecoveryCodes.activate(user)
