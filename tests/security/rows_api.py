"""Permission matrix rows for the REST API (/api/v1/...), the schema and the docs. `o` is the `objects` fixture.

Statuses are for a GET. The API answers anonymous callers 401 (WWW-Authenticate: Token), never a
redirect to the sign-in page. Routes that only take POST answer 405 to a signed-in GET. A record of
another organisation is 404; a route the role may not use at all (young people for non-VRU roles,
allocations for non-partners) is 403 whatever the record, as require_capability answers.
"""

from .matrix import Row, all_

API = 401
VRU = {"triager": 200, "vru_manager": 200}
# The VRU's organisation admin sees every submitted referral (the VRU's scope), as the access policy says.
SEES_SCHOOL_A_REFERRAL = {"referrer": 200, **VRU, "org_admin": 200}


def _referral(o):
    return {"pk": o.referral.pk}


def _allocation(o):
    return {"pk": o.allocation.pk}


def _young_person(o):
    return {"pk": o.young_person.pk}


ROWS = [
    Row("api-referral-list", anonymous=API, **all_(200)),
    Row("api-referral-detail", kwargs=_referral, anonymous=API, **all_(404, **SEES_SCHOOL_A_REFERRAL)),
    *[
        Row(f"api-referral-{name}", kwargs=_referral, anonymous=API, **all_(405))
        for name in ("submit", "answer", "claim", "release", "decide")
    ],
    Row("api-triage-queue", anonymous=API, **all_(403, **VRU)),
    Row("api-triage-next", anonymous=API, **all_(405)),
    Row("api-young-person-list", anonymous=API, **all_(403, **VRU)),
    Row("api-young-person-detail", kwargs=_young_person, anonymous=API, **all_(403, **VRU)),
    # Every staff role searches (a GET without terms is a 400 that says what to give); an administrator may not.
    Row("api-search-list", anonymous=API, **all_(400, org_admin=403)),
    # o.allocation is to "Other YOS": the caseworker of Test YOS may use allocations, but not that one.
    Row("api-allocation-list", anonymous=API, **all_(403, caseworker=200)),
    Row("api-allocation-detail", kwargs=_allocation, anonymous=API, **all_(403, caseworker=404)),
    Row("api-allocation-accept", kwargs=_allocation, anonymous=API, **all_(405)),
    Row("api-allocation-hand-back", kwargs=_allocation, anonymous=API, **all_(405)),
    Row("api-schema", anonymous=API, **all_(200)),
    Row("api-docs", anonymous=API, **all_(200)),
]
