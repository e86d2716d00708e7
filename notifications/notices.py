"""The link a notification gives, in the portal's list and in its email."""

from django.urls import get_script_prefix, reverse

_OPEN = {}


def link(note):
    """The link of a notification: its record's page, or, where it names an organisation, the page that opens the
    record acting for that organisation (notifications.views.open_notification)."""
    if note.organisation_id is not None:
        return f"{_open_prefix()}{note.pk}/"
    return note.url


def _open_prefix():
    """reverse("notification-open") without reversing once a message: a morning's sweep tells thousands of people,
    and reversing was a fifth of its time. The pattern is reversed once per script prefix."""
    prefix = get_script_prefix()
    if prefix not in _OPEN:
        _OPEN[prefix] = reverse("notification-open", args=[0]).removesuffix("0/")
    return _OPEN[prefix]
