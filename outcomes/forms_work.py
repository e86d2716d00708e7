"""Forms for starting work on an allocation and ending it (completed, disengaged, withdrawn).

No answer is chosen for the person: no programme is pre-selected and the planned number of sessions
starts empty (the programme's usual count is a hint, not a value). The services check the rules and
say why not; the views put those messages on the form.
"""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import PrefixedForm, date_field, date_layout, textarea_field

from .models import InterventionStatus
from .services import MAX_PLANNED_SESSIONS, NOTE_MESSAGES


class StartWorkForm(PrefixedForm):
    id_prefix = "start"
    submit = "Start work"

    programme = forms.TypedChoiceField(
        label="Which programme is the young person starting?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the programme", "invalid_choice": "Select one of your organisation's programmes"},
    )
    started_on = date_field("Start date", "The start date", "the start date")
    planned_sessions = forms.IntegerField(
        label="Planned number of sessions", min_value=1, max_value=MAX_PLANNED_SESSIONS,
        help_text="How many sessions you plan with this young person. The programme's usual number is shown with it.",
        error_messages={
            "required": "Enter the planned number of sessions",
            "invalid": "Enter the planned number of sessions as a whole number, like 6",
            "min_value": f"The planned number of sessions must be between 1 and {MAX_PLANNED_SESSIONS}",
            "max_value": f"The planned number of sessions must be between 1 and {MAX_PLANNED_SESSIONS}",
        },
    )
    # Made when the page is shown: a double-clicked Start work makes one intervention.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": "The page expired: check your answers and press Start work again",
        "invalid": "The page expired: check your answers and press Start work again",
    })

    def __init__(self, *args, programmes=(), **kwargs):
        self.programmes = {p.pk: p for p in programmes}
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            Choice(p.pk, p.name, hint=f"Usually {p.expected_sessions} session{'s' if p.expected_sessions != 1 else ''}")
            for p in programmes
        ]

    def layout(self):
        return [Field.radios("programme", legend_size=Size.SMALL), date_layout("started_on"),
                Field.text("planned_sessions", field_width=3, inputmode="numeric"), Field("idempotency_key")]

    def clean_programme(self):
        return self.programmes.get(self.cleaned_data["programme"])


# (status, what the page asks, the note's label, the button)
ENDINGS = {
    "complete": (InterventionStatus.COMPLETED, "The young person completed the programme",
                 "Outcome note: what did the young person achieve?", "Confirm completion"),
    "disengage": (InterventionStatus.DISENGAGED, "The young person disengaged",
                  "Outcome note: why did the young person disengage?", "Confirm disengagement"),
    "withdraw": (InterventionStatus.WITHDRAWN, "The work is withdrawn by us or the referrer",
                 "Outcome note: why is the work withdrawn?", "Confirm withdrawal"),
}


class EndForm(PrefixedForm):
    """The confirmation page of one ending: the date and a required outcome note."""

    on = date_field("Date it ended", "The date", "the date it ended")
    note = textarea_field("Outcome note", "Write an outcome note", rows=5)

    def __init__(self, *args, ending, **kwargs):
        self.id_prefix = ending
        status, _, label, self.submit = ENDINGS[ending]
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.fields["note"].help_text = "Kept with the intervention. The referrer is told only that the work ended, and how."
        self.fields["note"].error_messages["required"] = NOTE_MESSAGES[status]

    def layout(self):
        return [date_layout("on"), Field.textarea("note", rows=5)]
