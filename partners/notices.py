"""What people are emailed about their account: each message's subject, body and link, written once.

The services decide who is told and when; the words (templates) and the link live here.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def invitation(person, organisation, secret, expires_at):
    """The invitation email: (subject, body). The link carries the secret; only its hash is stored."""
    context = {"person": person, "organisation": organisation, "expires_at": expires_at,
               "link": settings.PORTAL_URL + reverse("invitation-accept", args=[secret]),
               "service_name": settings.SERVICE_NAME}
    return (render_to_string("partners/admin/invitation_subject.txt", context).strip(),
            render_to_string("partners/admin/invitation_email.txt", context))
