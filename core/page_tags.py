"""Template tags every page may use without {% load %} (a builtin, see TEMPLATES in config/settings.py).

{% scroll_region "Triage queue" %}<table ...>...</table>{% endscroll_region %} puts a wide table in a region
of its own that scrolls sideways, so the page itself reflows at 320 px (WCAG 2.2 1.4.10). The region is
focusable, so a keyboard can scroll it, and named, so a screen reader says what it holds.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class ScrollRegionNode(template.Node):
    def __init__(self, label, nodelist):
        self.label, self.nodelist = label, nodelist

    def render(self, context):
        return format_html('<div class="app-scroll-region" role="region" aria-label="{}" tabindex="0">{}</div>',
                           self.label.resolve(context), self.nodelist.render(context))


@register.tag
def scroll_region(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% scroll_region %} takes one argument: the region's name")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(parser.compile_filter(bits[1]), nodelist)


# Rendered filter forms, by form and choices made: the form has only fixed choices, so its markup depends on
# nothing else. The load run measured crispy's rendering of the queue's four selects as a tenth of the page.
_FILTER_FORMS = {}
_FILTER_FORMS_KEPT = 1000


@register.simple_tag(takes_context=True)
def filter_form(context, form):
    """{% crispy form %} for a GET filter form whose choices never change (form.static_choices), rendered once per
    set of choices made; any other form (or one with errors to show) is rendered afresh every time."""
    from crispy_forms.utils import render_crispy_form

    if not getattr(form, "static_choices", False) or (form.is_bound and not form.is_valid()):
        return render_crispy_form(form, context=context.flatten())
    data = form.data
    key = (type(form), *((name, tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name))
                         for name in form.fields))
    html = _FILTER_FORMS.get(key)
    if html is None:
        if len(_FILTER_FORMS) >= _FILTER_FORMS_KEPT:
            _FILTER_FORMS.clear()
        html = _FILTER_FORMS[key] = render_crispy_form(form, context=context.flatten())
    return html
