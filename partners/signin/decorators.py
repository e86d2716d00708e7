from functools import wraps

from allauth.account.internal.flows.reauthentication import suspend_request
from django.urls import reverse

from .state import second_factor_is_fresh


def fresh_second_factor(view=None, *, only_post=False):
    """A sensitive action (exports, tokens, roles, factor resets) asks for the second factor again if it was
    entered more than settings.STEP_UP_SECONDS ago; a form posted meanwhile is kept and sent on afterwards."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            asks = not only_post or request.method == "POST"
            if asks and request.user.is_authenticated and not second_factor_is_fresh(request):
                return suspend_request(request, reverse("mfa_reauthenticate"))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
