"""Permission matrix rows for triage, allocations, young people and notifications. `o` is the `objects` fixture."""

from .matrix import Row, all_

VRU_TRIAGE = {"triager": 200, "vru_manager": 200}

ROWS = [
    Row("triage-queue", **all_(403, **VRU_TRIAGE)),
    Row("triage-next", **all_(405)),  # POST only
    Row("triage-late-partners", **all_(403, **VRU_TRIAGE)),
    Row("triage-referral", kwargs=lambda o: {"pk": o.referral.pk}, **all_(403, **VRU_TRIAGE)),
    Row("triage-claim", kwargs=lambda o: {"pk": o.referral.pk}, **all_(405)),
    Row("triage-release", kwargs=lambda o: {"pk": o.referral.pk}, **all_(405)),
    Row("triage-decide", kwargs=lambda o: {"pk": o.referral.pk}, **all_(405)),
    Row("triage-close", kwargs=lambda o: {"pk": o.referral.pk}, **all_(405)),
    Row("triage-match", kwargs=lambda o: {"pk": o.match.pk, "verdict": "confirm"}, **all_(405)),
    Row("triage-correct", kwargs=lambda o: {"pk": o.event.pk}, **all_(403, **VRU_TRIAGE)),
    # The VRU sees every young person; the school that referred them sees them; nobody else does.
    Row("young-person", kwargs=lambda o: {"pk": o.young_person.pk},
        **all_(404, triager=200, vru_manager=200, org_admin=200, referrer=200)),
    Row("young-person-print", kwargs=lambda o: {"pk": o.young_person.pk},
        **all_(404, triager=200, vru_manager=200, org_admin=200, referrer=200)),
    Row("allocations", **all_(403, caseworker=200)),
    # Allocated to another YOS: the caseworker's organisation gets 404.
    Row("allocation-detail", kwargs=lambda o: {"pk": o.allocation.pk}, **all_(403, caseworker=404)),
    Row("allocation-accept", kwargs=lambda o: {"pk": o.allocation.pk}, **all_(405)),
    Row("allocation-hand-back", kwargs=lambda o: {"pk": o.allocation.pk}, **all_(403, caseworker=404)),
    Row("allocation-first-contact", kwargs=lambda o: {"pk": o.allocation.pk}, **all_(405)),
    Row("notifications", **all_(200)),
    # Another person's notification, or none: one answer.
    Row("notification-open", kwargs=lambda o: {"pk": 999999}, **all_(404)),
    Row("notification-preferences", **all_(200)),
    Row("outbox", **all_(403, **VRU_TRIAGE)),
    # The VRU's administrators see the page to run a job now; the run itself is a POST.
    Row("jobs", **all_(403, vru_manager=200, org_admin=200)),
    Row("job-run", kwargs=lambda o: {"name": "send_outbox"}, **all_(405)),
]
