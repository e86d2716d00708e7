from django import template

from core.forms import error_links as core_error_links
from partners.models import Role

register = template.Library()


@register.filter
def role_label(value):
    """A role's name as people read it: "decision_maker" -> "Decision maker"."""
    try:
        return Role(value).label
    except ValueError:
        return str(value).replace("_", " ").capitalize()


@register.filter
def error_links(form):
    """The GOV.UK error summary's links for any form, each to the first input of its question."""
    return core_error_links(form)
