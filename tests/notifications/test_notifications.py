import pytest
from django.urls import reverse

from notifications.models import Notification, OutboxMessage
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_telling_twice_about_the_same_event_tells_once(referrer):
    notify([referrer], kind="decision", key="decision:1", subject="Referral VRU-2026-000001: declined")
    notify([referrer, referrer], kind="decision", key="decision:1", subject="Referral VRU-2026-000001: declined")
    assert Notification.objects.filter(user=referrer).count() == 1
    assert OutboxMessage.objects.filter(to=referrer.email, state="queued").count() == 1


def test_a_user_sees_their_notifications_and_marks_them_read(client, referrer, triager):
    notify([referrer], kind="decision", key="k1", subject="Referral VRU-2026-000001: declined", url="/referrals/1/")
    notify([triager], kind="allocation", key="k2", subject="Not for the referrer")
    client.force_login(referrer)
    page = client.get(reverse("notifications")).content.decode()
    assert "VRU-2026-000001: declined" in page and "Not for the referrer" not in page
    note = Notification.objects.get(user=referrer)
    other = Notification.objects.get(user=triager)
    client.post(reverse("notifications"), {"notification": [note.pk, other.pk]})
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None
    assert other.read_at is None  # nobody marks another person's notifications


def test_the_vru_sees_queued_messages_in_the_outbox(client, triager, referrer):
    notify([referrer], kind="decision", key="k1", subject="Referral VRU-2026-000009: signposted")
    OutboxMessage.objects.update(state="failed", attempts=5, last_error="SMTP 421")
    client.force_login(triager)
    page = client.get(reverse("outbox"), {"state": "failed"})
    assert "VRU-2026-000009: signposted" in page.content.decode() and "SMTP 421" in page.content.decode()
    assert page.context["counts"] == {"queued": 0, "sent": 0, "failed": 1}


def test_a_person_may_turn_off_emails_of_a_kind_but_keeps_the_portal_notification(client, referrer):
    client.force_login(referrer)
    page = client.get(reverse("notification-preferences"))
    assert page.status_code == 200 and "Escalations of overdue or late work (always sent)" in page.content.decode()
    client.post(reverse("notification-preferences"), {"emails": ["allocation"]})  # everything else off
    notify([referrer], kind="decision", key="k1", subject="Referral VRU-2026-000001: declined")
    assert Notification.objects.filter(user=referrer, key="k1").exists()
    assert not OutboxMessage.objects.filter(to=referrer.email).exists()
    notify([referrer], kind="allocation", key="k2", subject="Allocated")
    assert OutboxMessage.objects.filter(to=referrer.email, subject="Allocated").count() == 1


def test_escalations_cannot_be_switched_off(client, vru_manager):
    from notifications.services import set_email_choices

    set_email_choices(vru_manager, wanted=[])
    notify([vru_manager], kind="escalation", key="k3", subject="Overdue for triage: VRU-2026-000004")
    assert OutboxMessage.objects.filter(to=vru_manager.email).count() == 1
    with pytest.raises(ValueError):
        set_email_choices(vru_manager, wanted=["escalation"])
