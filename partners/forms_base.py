"""The one GOV.UK form base of the portal's pages: no form tag (the page writes it, with its CSRF token and
idempotency key), one submit button that ignores a second click, and the links of the GOV.UK error summary,
each landing on the input to correct.
"""

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms


def add_idempotency_key(form):
    """For a create form not built on GovukForm: the same hidden key, fresh each time the form is shown.
    Returns the layout field to put in the form's helper."""
    form.fields["idempotency_key"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
    if not form.is_bound:
        form.initial["idempotency_key"] = uuid.uuid4()
    return Field("idempotency_key")


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
        """The id of the input the error summary links to (crispy-forms-gds ids radios by name, not by auto_id)."""
        field = self.fields[name]
        if isinstance(field, forms.MultiValueField):  # a GOV.UK date input: the part to blame, else the day
            wrong = [i for i, sub in enumerate(field.fields) if getattr(sub.widget, "errors", None)]
            return f"{self[name].auto_id}_{wrong[0] if wrong else 0}"
        if name in self.conditional_radios:
            return f"id_{name}_0"
        if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            return f"id_{name}_1"
        return self[name].auto_id

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
