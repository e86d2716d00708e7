"""A notification's link: the record's own page, or, for a record of one of the person's organisations, the page that
opens it acting for that organisation, under whatever prefix the portal is served from."""

from django.urls import reverse, set_script_prefix

from notifications.models import Notification
from notifications.notices import link


def test_a_message_naming_an_organisation_links_to_the_opening_page_under_the_portals_prefix():
    note = Notification(pk=4321, organisation_id=7, url="/cases/12/")
    assert link(note) == reverse("notification-open", args=[4321]) == "/notifications/4321/"
    try:
        set_script_prefix("/portal/")
        assert link(note) == reverse("notification-open", args=[4321]) == "/portal/notifications/4321/"
    finally:
        set_script_prefix("/")
    assert link(Notification(pk=5, organisation_id=None, url="/cases/12/")) == "/cases/12/"
