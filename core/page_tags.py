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
