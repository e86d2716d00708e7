"""The print view of a record (a referral, a young person, a diversion case), for the meetings that discuss them.

A record's page links to its print address; that view reads the record as its page does (through the same
selector, which audits the view) and then records that it was printed (AuditAction.PRINT): paper leaves the
portal, so the audit trail says who took which record and when. The page itself says so too, at the top of
every printed copy. base.html drops the navigation in print mode, the print stylesheet (assets/scss/_print.scss)
hides the buttons and forms, and static/js/app.js opens the browser's print dialog (no inline script: CSP).
"""

from django.utils import timezone

from . import audit


def printed(request, obj, *, page, back_url):
    """Audit the print of `obj` and return what the print view adds to its page's context (`back_url`: the
    record's own page)."""
    audit.record(request, audit.AuditAction.PRINT, obj, detail={"page": page})
    acting = getattr(request, "acting", None)
    organisation = getattr(acting, "organisation", None)
    return {
        "printing": True,
        "printed_by": request.user.full_name or request.user.email,
        "printed_for": organisation.name if organisation else "",
        "printed_at": timezone.localtime(),
        "back_url": back_url,
    }
