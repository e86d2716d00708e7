"""The link a notification gives, in the portal's list and in its email."""

from core.links import record_url


def link(note):
    """The link of a notification: its record's page, or, where it names an organisation, the page that opens the
    record acting for that organisation (notifications.views.open_notification)."""
    if note.organisation_id is not None:
        return record_url("notification-open", note.pk)
    return note.url
