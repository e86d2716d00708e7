"""Permission matrix rows for administration: people, API tokens, organisations, invitations, programmes.

`org_admin` is the VRU's administrator: it manages the VRU's people and tokens and onboards organisations,
so a person or token of school A (another organisation) answers 404 to it, and 403 to every other role
(which may not use these pages at all). No role here is a partner's manager or administrator, so the
programme pages answer 403 to all. Routes that only take POST answer 405 to a GET.
"""

from datetime import timedelta

from django.utils import timezone

from partners.models import ApiToken, Membership

from .matrix import Row, all_

ADMIN = {"org_admin": 200}
NOT_OURS = {"org_admin": 404}


def _school_person(o):
    return {"pk": Membership.objects.filter(organisation_id=o.referral.referring_organisation_id).first().user_id}


def _school_token(o):
    m = Membership.objects.filter(organisation_id=o.referral.referring_organisation_id).first()
    token, _ = ApiToken.objects.get_or_create(user_id=m.user_id, organisation_id=m.organisation_id, key_hash="0" * 64,
                                              defaults={"name": "School system", "key_prefix": "00000000",
                                                        "expires_at": timezone.now() + timedelta(days=30)})
    return {"pk": token.pk}


def _school(o):
    return {"pk": o.referral.referring_organisation_id}


ROWS = [
    Row("people", **all_(403, **ADMIN)),
    Row("person-invite", **all_(403, **ADMIN)),
    Row("person-detail", kwargs=_school_person, **all_(403, **NOT_OURS)),
    Row("person-deactivate", kwargs=_school_person, **all_(403, **NOT_OURS)),
    Row("person-reactivate", kwargs=_school_person, **all_(405)),
    Row("person-resend-invitation", kwargs=_school_person, **all_(405)),
    Row("tokens", **all_(403, **ADMIN)),
    Row("token-new", **all_(403, **ADMIN)),
    Row("token-revoke", kwargs=_school_token, **all_(403, **NOT_OURS)),
    Row("organisations", **all_(403, **ADMIN)),
    Row("organisation-new", **all_(403, **ADMIN)),
    Row("organisation-deactivate", kwargs=_school, **all_(403, **ADMIN)),
    Row("organisation-reactivate", kwargs=_school, **all_(405)),
    # The invitation link is its own credential: anyone may open it, and a bad one says so on the page.
    Row("invitation-accept", kwargs=lambda o: {"token": "not-a-real-token"}, anonymous=200, **all_(200)),
    Row("programmes", **all_(403)),
    Row("programme-new", **all_(403)),
    Row("programme-deactivate", kwargs=lambda o: {"pk": o.intervention.programme_id}, **all_(405)),
    Row("programme-reactivate", kwargs=lambda o: {"pk": o.intervention.programme_id}, **all_(405)),
]
