"""Permission matrix rows for the referral pages. `o` is the `objects` fixture (tests/security/conftest.py).

The journey (start, steps, check, confirmation) needs the "refer" capability: 403 for every role that
may not refer, whatever the record. Another school's referrer asks for school A's records and gets 404,
as if they did not exist. The detail page is read by the VRU (every role there) and by a partner the
referral is allocated to; the caseworker's YOS is not the one allocated, so it gets 404 too.
Answering the VRU's question is a POST: a GET gets 405 from everyone, before any record is looked up
(tests/referrals/test_referrer_pages.py checks that another school's POST gets 404).
"""

from .matrix import Row, all_

NOT_REFERRERS = {role: 403 for role in ("triager", "vru_manager", "org_admin", "caseworker", "decision_maker")}

ROWS = [
    Row("my-referrals", 200, NOT_REFERRERS),
    Row("referral-start", 200, NOT_REFERRERS),
    Row("referral-step", 200, {**NOT_REFERRERS, "other_referrer": 404},
        kwargs=lambda o: {"pk": o.draft.pk, "step": "young-person"}),
    Row("referral-check", 200, {**NOT_REFERRERS, "other_referrer": 404}, kwargs=lambda o: {"pk": o.draft.pk}),
    Row("referral-confirmation", 200, {**NOT_REFERRERS, "other_referrer": 404}, kwargs=lambda o: {"pk": o.referral.pk}),
    Row("referral-detail", kwargs=lambda o: {"pk": o.referral.pk},
        **all_(404, referrer=200, triager=200, vru_manager=200, org_admin=200)),
    Row("referral-answer", kwargs=lambda o: {"pk": o.referral.pk}, **all_(405)),
    # Deleting a draft: its author (the referrer fixture) sees the confirmation page; another school, 404.
    Row("referral-delete", 200, {**NOT_REFERRERS, "other_referrer": 404}, kwargs=lambda o: {"pk": o.draft.pk}),
    # The print view: whoever may read the referral's page (and the print is audited).
    Row("referral-print", kwargs=lambda o: {"pk": o.referral.pk},
        **all_(404, referrer=200, triager=200, vru_manager=200, org_admin=200)),
]
