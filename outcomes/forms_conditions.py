"""The small pages that change a case's conditions: add a further one, record one met, record one missed."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import PrefixedForm, date_field, date_layout, textarea_field


class AddConditionForm(PrefixedForm):
    """A further condition. The hidden key makes a double-clicked Add make one condition (services.add_condition)."""

    id_prefix = "condition"
    submit = "Add condition"

    description = forms.CharField(
        label="What must the young person do?", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, write a letter of apology to the shop owner",
        error_messages={"required": "Describe the condition", "max_length": "Describe the condition in 300 characters or fewer"},
    )
    due_on = date_field("When is it due?", "The due date", "the date the condition is due")
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput,
                                      error_messages={"required": "Start again from the case page",
                                                      "invalid": "Start again from the case page"})

    def layout(self):
        return [_textarea_layout("description"), date_layout("due_on")]


def _textarea_layout(name):
    return Field.textarea(name, rows=3, label_size=Size.SMALL)


class ConditionMetForm(PrefixedForm):
    id_prefix = "met"
    submit = "Mark as met"

    on = date_field("When was it met?", "The date", "the date the condition was met")

    def layout(self):
        return [date_layout("on")]


class ConditionMissedForm(PrefixedForm):
    id_prefix = "missed"
    submit = "Mark as missed"

    reason = textarea_field("Why was it missed?", "Explain why the condition was missed")

    def layout(self):
        return [_textarea_layout("reason")]
