"""Permission matrix rows for the outcomes routes. `o` is the `objects` fixture (tests/security/conftest.py).

o.case and o.re_referred are led by "Other YOS" for "Other police NPU": the caseworker's YOS and the decision
maker's police NPU are other organisations, so both get 404. The VRU's triager and manager see every case (200);
the VRU's administrator, and schools, may not open case pages at all (403).
"""

import datetime

from outcomes.models import Session

from .matrix import Row, all_

CASE_READERS = {"triager": 200, "vru_manager": 200, "caseworker": 404, "decision_maker": 404}


def _session(o):
    """A session on the other YOS's intervention (the fixture has none yet)."""
    if o.session is None:
        o.session = Session.objects.create(intervention=o.intervention, held_on=o.intervention.started_on,
                                           attendance="attended", recorded_by=o.case.decision_maker,
                                           recorded_at=datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC))
    return o.session


def _case(o):
    return {"pk": o.case.pk}


ROWS = [
    Row("caseload", **all_(403, caseworker=200)),
    Row("intervention-detail", kwargs=lambda o: {"pk": o.intervention.pk}, **all_(403, **CASE_READERS)),
    Row("intervention-session", kwargs=lambda o: {"pk": o.intervention.pk}, **all_(405)),
    Row("intervention-assessment", kwargs=lambda o: {"pk": o.intervention.pk}, **all_(405)),
    # Ending the work: a confirmation page for the delivering organisation's caseworkers only (another YOS's: 404).
    *[Row(f"intervention-{ending}", kwargs=lambda o: {"pk": o.intervention.pk}, **all_(403, caseworker=404))
      for ending in ("complete", "disengage", "withdraw")],
    # Start work on an allocation: partners' caseworkers and managers; o.allocation is another YOS's, so 404.
    Row("allocation-start-work", kwargs=lambda o: {"pk": o.allocation.pk}, **all_(403, caseworker=404)),
    # Only the delivering organisation's caseworker corrects a session: another YOS's caseworker gets 404.
    Row("session-correct", kwargs=lambda o: {"pk": _session(o).pk}, **all_(403, caseworker=404)),
    Row("cases", **all_(403, triager=200, vru_manager=200, caseworker=200, decision_maker=200)),
    # Starting a case: a new journey (a redirect to its first question); a journey not in this session is 404.
    Row("case-new", **all_(403, decision_maker=302)),
    *[Row("case-start", kwargs=lambda o, step=step: {"journey": "5d7f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f", "step": step},
          **all_(403, decision_maker=404)) for step in ("crime", "check")],
    Row("case-detail", kwargs=_case, **all_(403, **CASE_READERS)),
    Row("case-print", kwargs=_case, **all_(403, **CASE_READERS)),
    Row("case-detail", kwargs=lambda o: {"pk": o.re_referred.pk}, **all_(403, **CASE_READERS)),
    Row("case-propose-breach", kwargs=_case, **all_(405)),
    Row("case-confirm-breach", kwargs=_case, **all_(405)),
    Row("case-further-chance", kwargs=_case, **all_(405)),
    Row("case-reoffence", kwargs=_case, **all_(405)),
    Row("case-close", kwargs=_case, **all_(405)),
    Row("case-receive", kwargs=lambda o: {"pk": o.re_referred.pk}, **all_(405)),
    Row("case-outcome", kwargs=lambda o: {"pk": o.re_referred.pk}, **all_(405)),
    Row("condition-reason", kwargs=lambda o: {"pk": o.condition.pk}, **all_(405)),
    # Changing conditions: the VRU sees the case but does not change its contract (403); others' cases are 404.
    Row("case-condition-add", kwargs=_case, **all_(403, caseworker=404, decision_maker=404)),
    Row("condition-met", kwargs=lambda o: {"pk": o.condition.pk}, **all_(403, caseworker=404, decision_maker=404)),
    Row("condition-missed", kwargs=lambda o: {"pk": o.condition.pk}, **all_(403, caseworker=404, decision_maker=404)),
    Row("returned-to-police", **all_(403, decision_maker=200)),
]
