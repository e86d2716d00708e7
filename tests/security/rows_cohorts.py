"""Permission matrix rows for the cohort pages and the cohorts API. `o` is the `objects` fixture.

o.cohort is led by "Other YOS" with "Other police NPU" as partner: the caseworker's YOS and the decision maker's
NPU are not named on it, so they may use the cohort pages (view_cohorts) but get 404 for it and its member. The
VRU's triager and manager see every cohort and may act (manage_cohorts); schools and administrators get 403.
Statuses are for a GET: routes that only take POST answer 405 to those who may use them.
"""

from .matrix import Row, all_
from .rows_api import API

VRU = {"triager": 200, "vru_manager": 200}
READERS = {**VRU, "caseworker": 200, "decision_maker": 200}
NOT_ON_IT = {**VRU, "caseworker": 404, "decision_maker": 404}
POST_ONLY = {"triager": 405, "vru_manager": 405, "caseworker": 405, "decision_maker": 405}


def _cohort(o):
    return {"pk": o.cohort.pk}


def _member(o):
    return {"pk": o.cohort_member.pk}


def _action(o):
    return {"pk": o.plan_action.pk}


ROWS = [
    Row("cohort-list", **all_(403, **READERS)),
    Row("cohort-new", **all_(403, **VRU)),
    Row("cohort-detail", kwargs=_cohort, **all_(403, **NOT_ON_IT)),
    Row("cohort-add-member", kwargs=_cohort, **all_(403, **VRU)),
    Row("cohort-member", kwargs=_member, **all_(403, **NOT_ON_IT)),
    *[Row(name, kwargs=_member, **all_(403, **VRU))
      for name in ("cohort-member-tier", "cohort-member-remove", "cohort-member-review", "cohort-member-action")],
    Row("cohort-action-status", kwargs=_action, **all_(405)),
    # The API: view_cohorts on every viewset, so a role without it is 403 before any record is looked up.
    Row("api-cohort-list", anonymous=API, **all_(403, **READERS)),
    Row("api-cohort-detail", kwargs=_cohort, anonymous=API, **all_(403, **NOT_ON_IT)),
    Row("api-cohort-member-list", anonymous=API, **all_(403, **READERS)),
    Row("api-cohort-member-detail", kwargs=_member, anonymous=API, **all_(403, **NOT_ON_IT)),
    Row("api-cohort-member-reviews", kwargs=_member, anonymous=API, **all_(403, **POST_ONLY)),
    Row("api-plan-action-list", anonymous=API, **all_(403, **READERS)),
    Row("api-plan-action-detail", kwargs=_action, anonymous=API, **all_(403, **NOT_ON_IT)),
    Row("api-plan-action-status", kwargs=_action, anonymous=API, **all_(403, **POST_ONLY)),
]
