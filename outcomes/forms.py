"""Forms of the outcomes pages: interventions (sessions, assessments, completion), diversion cases and their actions.

The forms check what a person typed (a real date, a choice from the list); the services decide whether it is
allowed and say why not, and the views put those messages on the form (core.web.apply_errors). Each form
has its own id prefix, so several can share a page without two inputs having the same id; field names match the
keys of the services' ValidationErrors, so a service's message lands next to the field it is about.
"""

from crispy_forms_gds.layout import ConditionalRadios, Field, Size
from django import forms

from core.filtering import FilterForm
from core.forms import PrefixedForm, date_field, date_layout, textarea_field
from partners.models import Organisation
from referrals.forms_referrer import Reveal

from . import selectors
from .models import Assessment, Attendance
from .services import LEAD_KINDS

YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label, message, **kwargs):
    return forms.CharField(label=label, error_messages={"required": message}, **kwargs)


# --- Interventions ------------------------------------------------------------------------------------------


def _attendance_layout():
    return ConditionalRadios(
        "attendance",
        Reveal(Attendance.ATTENDED.label),
        Reveal(Attendance.DID_NOT_ATTEND.label, Field.textarea("reason", rows=3)),
        Reveal(Attendance.CANCELLED_BY_US.label),
    )


class SessionForm(PrefixedForm):
    id_prefix = "session"
    conditional_radios = ("attendance",)
    submit = "Record session"
    idempotent = True

    held_on = date_field("Date of the session", "The session date", "the date of the session")
    attendance = forms.ChoiceField(label="Did the young person attend?", choices=Attendance.choices, widget=forms.RadioSelect,
                                   error_messages={"required": "Select whether the young person attended"})
    reason = textarea_field("Why did they not attend?", "", required=False)
    next_session_on = date_field("Next session (optional)", "The next session date", "the date of the next session",
                            required=False)

    def layout(self):
        return [date_layout("held_on"), _attendance_layout(), date_layout("next_session_on")]

    def clean(self):
        data = super().clean()
        if data.get("attendance") == Attendance.DID_NOT_ATTEND and not (data.get("reason") or "").strip():
            self.add_error("reason", "Explain why the young person did not attend")
        return data


class CorrectSessionForm(SessionForm):
    id_prefix = "correct"
    submit = "Record correction"

    correction_reason = textarea_field("Why is the session corrected?", "Explain why the session is corrected")

    def layout(self):
        return [date_layout("held_on"), _attendance_layout(), Field.textarea("correction_reason", rows=3)]


class AssessmentForm(PrefixedForm):
    id_prefix = "assessment"
    submit = "Record assessment"
    idempotent = True

    kind = forms.ChoiceField(label="Type of assessment", choices=Assessment.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the type of assessment"})
    completed_on = date_field("Completed on", "The assessment date", "the date the assessment was completed")

    def layout(self):
        return [Field.radios("kind", legend_size=Size.SMALL), date_layout("completed_on")]


# --- A case's actions --------------------------------------------------------------------------------------


class ReasonForm(PrefixedForm):
    """One reason, for an action on a case (propose or confirm a breach, why a condition was missed)."""

    reason = textarea_field("Reason", "Give a reason")

    def __init__(self, *args, id_prefix, label, submit, message, **kwargs):
        self.id_prefix, self.submit = id_prefix, submit
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = message


def propose_form(data=None):
    return ReasonForm(data, id_prefix="propose", label="Why do you propose a breach?", submit="Propose a breach",
                      message="Explain why a breach is proposed")


def confirm_form(data=None):
    return ReasonForm(data, id_prefix="confirm", label="Why is the breach confirmed?",
                      submit="Confirm the breach and return to police", message="Explain why the breach is confirmed")


def missed_reason_form(condition, data=None):
    return ReasonForm(data, id_prefix=f"missed{condition.pk}", label="Why was it missed?", submit="Record the reason",
                      message="Explain why the condition was missed")


class FurtherChanceForm(PrefixedForm):
    id_prefix = "chance"
    submit = "Give a further chance"

    condition = forms.TypedChoiceField(label="Which condition gets a new due date?", coerce=int, widget=forms.RadioSelect,
                                       error_messages={"required": "Select one of this case's conditions"})
    new_due_on = date_field("New due date", "The new due date", "the new due date")
    reason = textarea_field("Why is a further chance given?", "Explain why a further chance is given")

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [
            (c.pk, f"{c.description} (due {c.due_on:%-d %B %Y}, {c.get_status_display().lower()})") for c in conditions
        ]

    def layout(self):
        return [Field.radios("condition", legend_size=Size.SMALL), date_layout("new_due_on"), Field.textarea("reason", rows=3)]


class ReoffenceForm(PrefixedForm):
    id_prefix = "reoffence"
    submit = "Record the further offence"
    idempotent = True

    offence_date = date_field("Date of the further offence", "The offence date", "the date of the further offence")
    crime_reference = _text("Crime reference of the further offence", "Enter the crime reference of the further offence",
                            max_length=40)

    def layout(self):
        return [date_layout("offence_date"), Field.text("crime_reference", field_width=20)]


def _outcome_choices(closing_only):
    return [("", "Choose an outcome")] + [(o.code, str(o)) for o in selectors.outcome_codes(closing_only=closing_only)]


class CloseForm(PrefixedForm):
    id_prefix = "close"
    submit = "Close the case"

    outcome_code = forms.ChoiceField(label="Closing outcome", error_messages={"required": "Select an outcome code"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_code"].choices = _outcome_choices(closing_only=True)

    def layout(self):
        return [Field.select("outcome_code")]


class OutcomeForm(PrefixedForm):
    id_prefix = "outcome"
    submit = "Record the police outcome"

    outcome_code = forms.ChoiceField(label="Police outcome", error_messages={"required": "Select an outcome code"})
    notes = textarea_field("Notes (optional)", "", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_code"].choices = _outcome_choices(closing_only=False)

    def layout(self):
        return [Field.select("outcome_code"), Field.textarea("notes", rows=3)]


class StatusFilterForm(FilterForm):
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All statuses"), *choices]


# --- Starting a case -----------------------------------------------------------------------------------------

PERSON_MESSAGES = {
    "given_name": "Enter the young person's first name",
    "family_name": "Enter the young person's last name",
    "date_of_birth": "Enter the young person's date of birth",
    "sex": "Select the young person's sex",
    "area": "Select the local authority area where the young person lives",
}
FACT_MESSAGES = {
    "aggravating": "Select whether there were aggravating circumstances",
    "admission": "Select whether the young person admitted the offence",
    "sufficient_evidence": "Select whether there is enough evidence to charge",
    "history": "Select the young person's criminal history",
}


class OffenceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.legislation}; {obj.get_mode_of_trial_display().lower()})"


class PathwayChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def lead_agencies():
    """Partner organisations that may lead a case: youth offending services, voluntary sector, local authorities."""
    return Organisation.objects.filter(kind__in=LEAD_KINDS, active=True).order_by("name")
