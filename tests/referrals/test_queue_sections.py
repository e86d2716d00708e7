"""The triage queue sorts its rows into sections in its query: each row lands where rules.queue_section puts it,
across England's midnight, both clock changes and the instant of the deadline itself."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from partners.access import acting_for
from referrals import rules, selectors
from referrals.models import Referral
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

NOWS = [
    datetime(2026, 9, 1, 10, 0, tzinfo=LONDON),               # a summer morning (BST)
    datetime(2026, 9, 1, 23, 30, tzinfo=LONDON),              # late: tomorrow starts in half an hour, UTC is still today
    datetime(2026, 12, 1, 0, 15, tzinfo=LONDON),              # just after midnight in winter (GMT)
    datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),     # the hour that happens twice, second time (GMT)
    datetime(2026, 10, 24, 23, 59, tzinfo=LONDON),            # the night the clocks go back
    datetime(2026, 3, 28, 23, 45, tzinfo=LONDON),             # the night the clocks go forward
]
OFFSETS = [timedelta(minutes=m) for m in (-61, -1, 0, 1, 14, 16, 29, 31, 60, 24 * 60, 25 * 60, 49 * 60)]


@pytest.mark.parametrize("now", NOWS, ids=lambda now: now.isoformat())
def test_every_row_is_in_the_section_the_rule_gives(triager, referrer, now):
    made = []
    for offset in OFFSETS:
        for urgent, returned in ((False, False), (True, False), (False, True), (True, True)):
            deadline = (now + offset).astimezone(UTC)
            made.append(ReferralFactory(created_by=referrer, urgent=urgent, triage_deadline=deadline,
                                        received_at=deadline - timedelta(days=1),
                                        returned_at=now - timedelta(hours=1) if returned else None))
    expected = {r.pk: rules.queue_section(now, r.triage_deadline, r.urgent, r.returned_at is not None) for r in made}

    sections = selectors.triage_queue(acting_for(triager), now=now)
    placed = {item.pk: section["key"] for section in sections for item in section["items"]}
    assert placed == expected
    assert {section["key"]: section["count"] for section in sections} == {
        key: list(expected.values()).count(key) for key in rules.SECTION_ORDER}
    # Every section is met on the way, so the comparison above is not of one section only.
    assert set(expected.values()) == set(rules.SECTION_ORDER)
    assert Referral.objects.count() == len(made)
