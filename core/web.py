"""Small helpers the HTML views share."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: field messages inline, the rest in the summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else NON_FIELD_ERRORS
            for message in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
    return form


def flash_error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
