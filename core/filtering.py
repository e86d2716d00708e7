"""The filters of a list page, read from the address bar.

An address may carry a value the list does not know: an old bookmark, a status renamed since, a hand-typed link
(`?status=more_information_requested`). Django's form would then fail as a whole with "Select a valid choice" and
drop every filter. A FilterForm leaves out only the value it does not know, keeps the others, and names what it
left out in `ignored`, which the page says (templates/includes/ignored_filters.html).
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError

# Not filters: where in the list the person is, or which part of it they opened.
NOT_FILTERS = ("page", "section")


def _known(field, value):
    try:
        field.clean([value] if isinstance(field, forms.MultipleChoiceField) else value)
    except ValidationError:
        return False
    return True


class FilterForm(forms.Form):
    """A GET form of choices: unknown values are ignored (and listed in `ignored`), never an error."""

    ignored = ()

    def full_clean(self):
        if self.is_bound and not self.ignored:
            self.data, self.ignored = self._without_unknown(self.data)
        super().full_clean()

    def _without_unknown(self, data):
        data = data.copy()
        ignored = []
        for name, field in self.fields.items():
            if not isinstance(field, forms.ChoiceField) or name not in data:
                continue
            values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
            known = [v for v in values if v in ("", None) or _known(field, v)]
            ignored += [(str(field.label or name.capitalize()), v) for v in values if v not in known]
            if hasattr(data, "setlist"):
                data.setlist(name, known)
            elif not known:
                data.pop(name)
        return data, tuple(ignored)

    def chosen(self):
        """The filters chosen, without the empty ones (so one unknown value leaves the rest in force)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [], ())}

    @property
    def filtered(self):
        return bool(self.chosen())

    def query(self):
        """The chosen filters as a query string, for the pages of the list (unknown values left out)."""
        pairs = []
        for name in self.chosen():
            pairs += [(name, v) for v in self.data.getlist(name) if v] if hasattr(self.data, "getlist") else [
                (name, self.data[name])]
        return urlencode(pairs)


def choice_filter(data, name, choices, *, label):
    """A FilterForm of one choice, for a list filtered by links (tabs) rather than by a form."""
    field = forms.ChoiceField(label=label, choices=[("", "All"), *choices], required=False)
    form = type("ChoiceFilter", (FilterForm,), {name: field})(data or None)
    return form.chosen().get(name, ""), form
