"""The API's answer to the services' domain errors: NotFound is a 404 JSON, as DRF answers Http404."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from . import access


def exception_handler(exc, context):
    if isinstance(exc, (access.NotFound, access.NotAllowed)):
        access.keep_denial(exc)
    if isinstance(exc, access.NotFound):
        exc = exceptions.NotFound(*exc.args)
    return drf_exception_handler(exc, context)
