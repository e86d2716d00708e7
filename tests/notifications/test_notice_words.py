"""Every notification says what to do and by when, in a sentence, and links to a page its receiver may open.

One test over the demo data (seeding takes most of a minute), then each job that tells people, run once: every
kind of notice the portal sends, in the portal and by email.
"""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jobs import registry
from notifications.models import Notification, OutboxMessage
from notifications.notices import link

# The subjects as they were: "Referral VRU-2026-000058: accept and allocate", "Late: accepting VRU-...",
# "Diversion case 6 (20/1/26): a breach is proposed", "Cohort review due today: ...".
CODE_LIKE = re.compile(r"^(Referral \S+|Late|Overdue for triage|Cohort review [\w ]+|Diversion case \d+ \(\S+\)|"
                       r"Triage queue for [\w ]+): |_")


@pytest.mark.django_db
def test_every_notice_is_a_sentence_linked_to_a_page_its_receiver_may_open(settings):
    call_command("seed_demo", quiet_logins=True)
    for name in ("triage_digest", "allocation_escalations", "compliance_sweep", "deadline_warnings", "cohort_reviews"):
        registry.run(name, now=timezone.now())
    notes = list(Notification.objects.select_related("user"))
    assert {"allocation", "decision", "digest", "case_started"} <= {n.kind for n in notes}

    for note in notes:
        assert note.subject[0].isupper() and not CODE_LIKE.search(note.subject), note.subject
        assert note.body, f"{note.subject} has no body"

    # The link as the email gives it, opened in a new session (a person of several organisations acts for the
    # first until the link says otherwise).
    checked = {}
    for note in notes:
        checked.setdefault((note.user_id, note.url, note.organisation_id), note)
    for note in checked.values():
        browser = Client()
        browser.force_login(note.user)
        opened = browser.get(link(note), follow=True)
        assert note.url and opened.status_code == 200, f"{note.user.email} cannot open {note.url}"
        assert opened.redirect_chain[-1][0] == note.url if opened.redirect_chain else link(note) == note.url
    assert any(note.organisation_id for note in checked.values() if note.user.email == "multi@example.org")

    emails = list(OutboxMessage.objects.select_related("notification"))
    assert emails
    for email in emails:
        assert email.subject == email.notification.subject
        assert email.body == f"{email.notification.body}\n\n{settings.PORTAL_URL}{link(email.notification)}"
