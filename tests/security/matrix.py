"""The permission matrix: every route, every role, the status each should get.

A route is named by its URL name. `kwargs` builds the URL arguments from `objects`, records that
belong to school A (whose referrer is `referrer`); `other_referrer` is a user of another school.
Statuses are for a GET. A new route without a row here makes tests/security fail.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "referrer", "other_referrer", "triager", "vru_manager", "org_admin", "caseworker", "decision_maker")

SIGN_IN = "sign-in"  # a redirect to the sign-in page


@dataclass
class Row:
    name: str
    default: object  # status for every role not listed in `expect`
    expect: dict = field(default_factory=dict)
    kwargs: Callable | None = None
    anonymous: object = SIGN_IN

    def status_for(self, role):
        if role == "anonymous":
            return self.anonymous
        return self.expect.get(role, self.default)


def all_(status, **expect):
    return {"default": status, "expect": expect}


FOUNDATION = [
    Row("home", **all_(200)),
    Row("login", anonymous=200, **all_(302)),  # signed-in users are sent home
    Row("logout", anonymous=405, **all_(405)),  # sign-out is a POST
    Row("password_reset", anonymous=200, **all_(200)),
    Row("password_reset_done", anonymous=200, **all_(200)),
    Row("password_reset_confirm", anonymous=200, kwargs=lambda o: {"uidb64": "MQ", "token": "bad-token"}, **all_(200)),
    Row("password_reset_complete", anonymous=200, **all_(200)),
    Row("switch-organisation", **all_(200)),
    Row("search", **all_(200, org_admin=403)),
    Row("audit-events", **all_(403, vru_manager=200)),
    Row("audit-events-csv", **all_(403, vru_manager=200)),
    Row("healthz", anonymous=200, **all_(200)),
    # The admin is for superusers only: everyone else is sent to its sign-in page.
    Row("admin:*", anonymous=302, **all_(302)),
]


def _rows():
    # Each area keeps its rows in its own module, so features add rows without touching each other.
    from . import rows_api, rows_cohorts, rows_figures, rows_outcomes, rows_outcomes_api, rows_referrals, rows_triage

    return (FOUNDATION + rows_referrals.ROWS + rows_triage.ROWS + rows_api.ROWS + rows_outcomes.ROWS + rows_outcomes_api.ROWS
            + rows_cohorts.ROWS + rows_figures.ROWS)


MATRIX = _rows()

# Administration (people, API tokens, organisations, invitations, programmes).
from . import rows_partners  # noqa: E402

MATRIX += rows_partners.ROWS

from . import rows_signin  # noqa: E402

MATRIX += rows_signin.ROWS

from . import rows_documents  # noqa: E402

MATRIX += rows_documents.ROWS
