"""The GOV.UK form pieces every app's pages share.

GovukForm is the one form base: no form tag (the page writes it, with its CSRF token and idempotency key), one
submit button that ignores a second click, and the links of the GOV.UK error summary, each landing on the input
to correct. GovukDateField is the Design System's date input; date_field, textarea_field and date_layout build
the questions the case, intervention and cohort pages ask; PrefixedForm lets several forms share one page.
"""

import uuid
from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, ConditionalRadios, Field, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from .numbers import is_ascii_number

DATE_HINT = "For example, 24 11 2026"


def add_idempotency_key(form):
    """For a create form not built on GovukForm: the same hidden key, fresh each time the form is shown.
    Returns the layout field to put in the form's helper."""
    form.fields["idempotency_key"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
    if not form.is_bound:
        form.initial["idempotency_key"] = uuid.uuid4()
    return Field("idempotency_key")


def _conditional_radios(form):
    """The names of the radios a crispy layout shows as ConditionalRadios (ids numbered from 0, not 1)."""
    names, todo = set(), [getattr(getattr(form, "helper", None), "layout", None)]
    while todo:
        item = todo.pop()
        if item is None:
            continue
        if isinstance(item, ConditionalRadios):
            names.add(item.field)
        todo.extend(f for f in getattr(item, "fields", ()) if not isinstance(f, str))
    return names


def input_id(form, name, conditional_radios=None):
    """The id of the input the error summary links to: the first radio or checkbox of a question, the part of a
    date to blame (else the day). crispy-forms-gds ids radios by their html name, so a form prefix is kept."""
    field, bound = form.fields[name], form[name]
    if conditional_radios is None:
        conditional_radios = _conditional_radios(form)
    if isinstance(field, forms.MultiValueField):
        wrong = [i for i, sub in enumerate(field.fields) if getattr(sub.widget, "errors", None)]
        return f"{bound.auto_id}_{wrong[0] if wrong else 0}"
    if name in conditional_radios:
        return f"id_{bound.html_name}_0"
    if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"id_{bound.html_name}_1"
    return bound.auto_id


def error_links(form):
    """[(href, message)] for the GOV.UK error summary of any form, in the order of its questions.
    A message about no one question (or about a hidden field) links to the first visible question."""
    if hasattr(form, "error_links"):
        return form.error_links()
    conditional = _conditional_radios(form)
    visible = [f.name for f in form.visible_fields()]
    first = f"#{input_id(form, visible[0], conditional)}" if visible else ""
    links = [(first, message) for message in form.non_field_errors()]
    for bound in form.hidden_fields():
        links += [(first, message) for message in bound.errors]
    for name in visible:
        links += [(f"#{input_id(form, name, conditional)}", message) for message in form.errors.get(name, [])]
    return links


class GovukForm(forms.Form):
    submit = "Continue"
    button_name = "submit"
    conditional_radios = ()  # crispy-forms-gds numbers these from 0, other radios and checkboxes from 1
    non_field_anchor = None  # where the summary links a message that is not about one field
    idempotent = False  # a create form: a hidden key makes a double-clicked or repeated submit one record

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.idempotent:
            self.fields["idempotency_key"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
            if not self.is_bound:
                self.initial["idempotency_key"] = uuid.uuid4()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        buttons = [Button(self.button_name, self.submit, data_prevent_double_click="true")] if self.submit else []
        hidden = [Field("idempotency_key")] if self.idempotent else []
        self.helper.layout = Layout(*self.layout(), *hidden, *buttons)

    def layout(self):
        return [Field(name) for name in self.fields if name != "idempotency_key"]

    def anchor(self, name):
        return input_id(self, name, self.conditional_radios or None)

    def error_links(self):
        """[(href, message)] for the GOV.UK error summary, in the order of the fields."""
        first = self.non_field_anchor or self.anchor(next(iter(self.fields)))
        links = [(f"#{first}", message) for message in self.non_field_errors()]
        # A hidden key's error (a form sent again after its key was used elsewhere) links to the first question.
        links += [(f"#{first}", message) for message in self.errors.get("idempotency_key", [])]
        for name in self.fields:
            if name == "idempotency_key":
                continue
            links += [(f"#{self.anchor(name)}", message) for message in self.errors.get(name, [])]
        return links


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages.

    The part to blame (a missing month, a two-digit year) is marked on its own input by putting the
    message on that sub-widget's `errors`, which crispy-forms-gds reads when it renders the inputs.
    """

    widget = DateInputWidget
    PARTS = ("day", "month", "year")
    MAX_DIGITS = {"day": 2, "month": 2, "year": 4}

    def __init__(self, *, noun, required_message, **kwargs):
        self.noun = noun
        fields = tuple(forms.CharField(required=False) for _ in self.PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = required_message

    def compress(self, data_list):  # pragma: no cover - clean() builds the date itself
        return None

    def _fail(self, message, code, parts=()):
        for index, field in enumerate(self.fields):
            field.widget.errors = [message] if self.PARTS[index] in parts else []
        raise ValidationError(message, code=code)

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        parts = [str(v).strip() if v is not None else "" for v in (list(value) + ["", "", ""])[:3]]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [name for name, part in zip(self.PARTS, parts, strict=True) if not part]
        if missing:
            words = " and ".join(missing)
            self._fail(f"{self.noun} must include a {words}", "incomplete", missing)
        # Only 0-9, and no more of them than a part can hold: "²" or "①" pass isdigit() but not int(), and
        # int() refuses over 4,300 digits; either was a server error (issue 13).
        wrong = [name for name, part in zip(self.PARTS, parts, strict=True)
                 if not is_ascii_number(part, max_digits=self.MAX_DIGITS[name])]
        if wrong == ["year"] and parts[2].isascii() and parts[2].isdigit():
            self._fail("Year must include 4 numbers", "invalid_year", ("year",))
        if wrong:
            self._fail(f"{self.noun} must be a real date, in numbers 0 to 9", "invalid", wrong)
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            self._fail("Year must include 4 numbers", "invalid_year", ("year",))
        try:
            value = date(year, month, day)
        except ValueError:
            self._fail(f"{self.noun} must be a real date", "invalid", ())
        self.validate(value)
        self.run_validators(value)
        return value


def date_field(label, noun, what, required=True, hint=DATE_HINT):
    return GovukDateField(label=label, noun=noun, help_text=hint, required=required, required_message=f"Enter {what}")


def textarea_field(label, message, required=True, rows=3):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), max_length=5000, required=required,
                           error_messages={"required": message,
                                           "max_length": "Write 5,000 characters or fewer"})


def date_layout(name):
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class PrefixedForm(GovukForm):
    """A form with its own id prefix (`id_prefix`), so two forms on one case page never share an id."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        self.button_name = self.id_prefix
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the textarea's maxlength would cut text silently; the message says why
            field.widget.attrs.pop("maxlength", None)
