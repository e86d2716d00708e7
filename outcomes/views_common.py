"""What the outcomes pages share: who may open case pages at all (access.CAPABILITIES["view_cases"])."""

from django.core.exceptions import PermissionDenied

from partners import access


def require_case_reader(acting):
    """The gate for the case pages, so a school's referrer (or an administrator) gets 403 and learns nothing."""
    if not access.can(acting, "view_cases"):
        raise PermissionDenied("Your role does not allow you to see diversion cases.")
    return access.as_acting(acting)
