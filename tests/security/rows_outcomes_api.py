"""Permission matrix rows for the outcomes REST API (/api/v1/cases, interventions, ...). `o` is the `objects` fixture.

Statuses are for a GET, as in rows_api.py: anonymous callers get 401, never a redirect; routes that
only take POST answer 405 to a signed-in GET. o.case and o.intervention belong to "Other YOS" and
"Other police NPU": the caseworker (Test YOS) and the decision maker (Test Police NPU) get 404 on
them, as does everyone else but the VRU, which sees every case and intervention. A list a role may
not use at all (a caseload for those without one, re-referrals for all but police decision makers)
is 403, as require_capability answers.
"""

from .matrix import Row, all_
from .rows_api import API

# The VRU's organisation admin acts for the VRU too, so it sees what the VRU sees.
VRU = {"triager": 200, "vru_manager": 200, "org_admin": 200}


def _case(o):
    return {"pk": o.case.pk}


def _intervention(o):
    return {"pk": o.intervention.pk}


def _condition(o):
    return {"pk": o.condition.pk}


def _session(o):
    # The fixture records no session; a GET is 405 before any record is looked up, so any id will do.
    return {"pk": o.session.pk if o.session else 999999}


def _assessment(o):
    return {"pk": 999999}  # as for sessions: POST only, 405 before any lookup


ROWS = [
    # Cases: every role may list (a school's list is empty); only the VRU opens another organisation's.
    Row("api-case-list", anonymous=API, **all_(200)),
    Row("api-case-detail", kwargs=_case, anonymous=API, **all_(404, **VRU)),
    # A capability on the action itself: 403 before the method is even considered.
    Row("api-case-eligibility", anonymous=API, **all_(403, decision_maker=405)),
    *[
        Row(f"api-case-{name}", kwargs=_case, anonymous=API, **all_(405))
        for name in ("propose-breach", "confirm-breach", "further-chance", "reoffence", "propose-closure", "close",
                     "receive", "outcome", "conditions")
    ],
    *[Row(f"api-condition-{name}", kwargs=_condition, anonymous=API, **all_(405)) for name in ("reason", "met", "missed")],
    # Interventions: a partner's caseload (caseworkers and managers of partners) or the VRU's view of all.
    Row("api-intervention-list", anonymous=API, **all_(403, caseworker=200, **VRU)),
    Row("api-intervention-detail", kwargs=_intervention, anonymous=API, **all_(404, **VRU)),
    *[
        Row(f"api-intervention-{name}", kwargs=_intervention, anonymous=API, **all_(405))
        for name in ("sessions", "assessments", "complete", "disengage", "withdraw")
    ],
    Row("api-session-correct", kwargs=_session, anonymous=API, **all_(405)),
    Row("api-assessment-correct", kwargs=_assessment, anonymous=API, **all_(405)),
    # Police decision makers' inbox (o.re_referred is another force's, so theirs is empty but theirs to see).
    Row("api-return-to-police-list", anonymous=API, **all_(403, decision_maker=200)),
    # Reference data: any signed-in user.
    Row("api-outcome-code-list", anonymous=API, **all_(200)),
    Row("api-offence-list", anonymous=API, **all_(200)),
]
