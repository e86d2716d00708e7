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


@register.simple_tag
def page_items(page, query=""):
    """The numbered links of the GOV.UK pagination component (templates/includes/pagination.html): the first and
    last page, and one either side of this one, with an ellipsis for each gap."""
    prefix = f"?{query}&page=" if query else "?page="
    items = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": f"{prefix}{number}", "current": number == page.number})
    return {
        "items": items,
        "previous": f"{prefix}{page.previous_page_number()}" if page.has_previous() else "",
        "next": f"{prefix}{page.next_page_number()}" if page.has_next() else "",
    }
