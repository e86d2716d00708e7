"""The documents and notes panels on a record's page, for any app's template: {% load documents %}
{% documents_panel record %} and {% notes_panel record %}. The pages below this app need not import it: the
panel asks the access policy for the person viewing (two queries for documents, two for notes)."""

from django import template

from partners import access

from .. import selectors
from ..models import PARENT_FIELD
from ..views import NOTES_ON, ON

register = template.Library()
URL_PART = {model._meta.label_lower: part for part, model in ON.items()}


def _acting(context):
    return access.as_acting(context["request"])


@register.inclusion_tag("documents/_documents.html", takes_context=True)
def documents_panel(context, record, heading_level=2):
    acting = _acting(context)
    return {"documents": selectors.documents_on(acting, record), "heading_level": heading_level,
            "on": URL_PART[record._meta.label_lower], "record": record,
            "may_add": access.may(acting, "documents.add", record),
            "on_referral": PARENT_FIELD[record._meta.label_lower] == "referral"}


@register.inclusion_tag("documents/_notes.html", takes_context=True)
def notes_panel(context, record, heading_level=2):
    acting = _acting(context)
    part = URL_PART[record._meta.label_lower]
    notes = list(selectors.notes_on(acting, record)) if part in NOTES_ON else []
    may_add = part in NOTES_ON and access.may(acting, "documents.add", record)
    for note in notes:
        note.may_amend = may_add and note.organisation_id == acting.organisation.pk
    return {"notes": notes, "heading_level": heading_level, "on": part, "record": record, "may_add": may_add}
