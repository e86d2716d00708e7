"""What the outcomes pages share: who may open case pages at all."""

from django.core.exceptions import PermissionDenied

from partners import access


def may_see_cases(acting) -> bool:
    """Police decision makers, the lead agencies' caseworkers and managers, and the VRU's triagers and managers.

    Which cases each of them sees is the access policy's business (selectors scope every read); this is the
    gate for the pages themselves, so a school's referrer (or an administrator) gets 403 and learns nothing.
    """
    return any(access.can(acting, capability) for capability in ("decide_diversion", "work_allocations", "triage"))


def require_case_reader(acting):
    if not may_see_cases(acting):
        raise PermissionDenied("Your role does not allow you to see diversion cases.")
    return access.as_acting(acting)
