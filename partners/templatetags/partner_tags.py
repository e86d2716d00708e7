from django import template

from partners.models import Role

register = template.Library()


@register.filter
def role_label(value):
    """A role's name as people read it: "decision_maker" -> "Decision maker"."""
    try:
        return Role(value).label
    except ValueError:
        return str(value).replace("_", " ").capitalize()
