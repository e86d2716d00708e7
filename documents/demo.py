"""Synthetic case notes for the demo: on a referral the VRU allocated and on an intervention, one amended.

No documents: every file goes through the virus scan, and the demo (`make run`) has no clamd, so a document
uploaded there stays "being checked" (see the README for running clamd beside the demo)."""

from datetime import timedelta

from django.utils import timezone

from outcomes.models import Intervention
from partners.access import acting_for
from referrals.models import Referral, Status

from . import services
from .models import Note


def seed_notes(users):
    """Returns how many notes were added; none if the demo already has some."""
    if Note.objects.exists():
        return 0
    now = timezone.now() - timedelta(days=1)
    triager = acting_for(users["triager@vru.example.org"])
    referral = Referral.objects.filter(status=Status.ALLOCATED).order_by("pk").first()
    made = []
    if referral is not None:
        made.append(services.add_note(triager, referral, now=now, shared=False,
                                      text="Checked with the school: no earlier contact with the VRU."))
        made.append(services.add_note(triager, referral, now=now, shared=True,
                                      text="Allocated for mentoring; the school will keep the family informed."))
    intervention = Intervention.objects.filter(
        organisation__memberships__user=users["caseworker@yos-birmingham.example.org"]).order_by("pk").first()
    if intervention is not None:
        caseworker = acting_for(users["caseworker@yos-birmingham.example.org"], intervention.organisation_id)
        note = services.add_note(caseworker, intervention, now=now, shared=True,
                                 text="First meeting at the youth centre; agreed to weekly sessions on Tuesdays.")
        made += [note, services.amend_note(caseworker, note, now=now + timedelta(hours=2), reason="Wrong day recorded.",
                                           text="First meeting at the youth centre; agreed to weekly sessions on Thursdays.")]
    return len(made)
