from django.utils.functional import SimpleLazyObject

from .access import SESSION_KEY, acting_for


class ActingOrganisationMiddleware:
    """Sets request.acting: the signed-in user, the organisation they act for, and their roles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: acting_for(request.user, request.session.get(SESSION_KEY)))
        return self.get_response(request)
