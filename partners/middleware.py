from django.utils.functional import SimpleLazyObject

from . import access
from .access import SESSION_KEY, acting_for


class ActingOrganisationMiddleware:
    """Sets request.acting: the signed-in user, the organisation they act for, and their roles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: acting_for(request.user, request.session.get(SESSION_KEY)))
        return self.get_response(request)


class NoStoreMiddleware:
    """Cache-Control: no-store on every response the portal renders (ASVS 14.3.2): pages, API answers, CSVs.

    Not only signed-in ones: a token's API answer, a sign-in form or an error page is as easily missed, and
    nothing the portal renders is worth keeping in a shared cache. Static files never get here: WhiteNoise
    sits above this middleware and answers them with its own long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class DomainErrorsMiddleware:
    """A service's or selector's domain error as the page a person sees: NotFound is the 404 page (as Http404 is),
    NotAllowed goes on to Django's 403 page. Either way a refusal's audit event outlives its rolled-back transaction.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (access.NotFound, access.NotAllowed)):
            access.keep_denial(exception)
        if isinstance(exception, access.NotFound):
            from core.error_pages import not_found

            return not_found(request, exception)
        return None
