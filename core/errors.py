"""Domain errors that every app's services may raise, and every page and API answer the same way."""

from django.core.exceptions import ValidationError


class HeldElsewhere(ValidationError):
    """Someone else holds the record (a triager's claim): a page shows the message, the API answers 409."""
