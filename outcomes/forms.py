"""Forms of the outcomes pages: interventions (sessions, assessments, completion), diversion cases and their actions.

The forms check what a person typed (a real date, a choice from the list); the services decide whether it is
allowed and say why not, and the views put those messages on the form (partners.web.apply_errors). Each form
has its own id prefix, so several can share a page without two inputs having the same id; field names match the
keys of the services' ValidationErrors, so a service's message lands next to the field it is about.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, ConditionalRadios, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners import access
from partners.models import Area, Organisation
from referrals import rules as referral_rules
from referrals import validators
from referrals.forms_referrer import GovukDateField, Reveal, _ethnicity_choices
from referrals.models import Sex, YoungPerson

from . import rules, selectors
from .models import Assessment, Attendance, History
from .services import LEAD_KINDS, PERSON_FIELDS

DATE_HINT = "For example, 24 11 2026"
YES_NO = [("yes", "Yes"), ("no", "No")]


def today():
    return referral_rules.london_date(timezone.now())


def _date(label, noun, what, required=True, hint=DATE_HINT):
    return GovukDateField(label=label, noun=noun, help_text=hint, required=required, required_message=f"Enter {what}")


def _text(label, message, **kwargs):
    return forms.CharField(label=label, error_messages={"required": message}, **kwargs)


def _textarea(label, message, required=True, rows=3):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), max_length=5000, required=required,
                           error_messages={"required": message,
                                           "max_length": "Write 5,000 characters or fewer"})


def _date_layout(name):
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class _Form(forms.Form):
    """A form with its own id prefix (`id_prefix`), no form tag and one submit button."""

    id_prefix = "form"
    submit = "Continue"
    conditional_radios = ()
    non_field_anchor = None  # where the error summary links a message that is not about one field

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the textarea's maxlength would cut text silently; the message says why
            field.widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        buttons = [Button(self.id_prefix, self.submit, data_prevent_double_click="true")] if self.submit else []
        self.helper.layout = Layout(*self.layout(), *buttons)

    def layout(self):
        return [Field(name) for name in self.fields]

    def anchor(self, name):
        """The id of the input the error summary links to (crispy-forms-gds ids radios by name, not by auto_id)."""
        field = self.fields[name]
        if isinstance(field, GovukDateField):
            wrong = [i for i, sub in enumerate(field.fields) if getattr(sub.widget, "errors", None)]
            return f"{self[name].auto_id}_{wrong[0] if wrong else 0}"
        if name in self.conditional_radios:
            return f"id_{name}_0"  # crispy-forms-gds numbers conditional radios from 0
        if isinstance(field.widget, forms.RadioSelect):
            return f"id_{name}_1"
        return self[name].auto_id

    def error_links(self):
        """[(href, message)] for the GOV.UK error summary, in the order of the fields."""
        first = self.non_field_anchor or self.anchor(next(iter(self.fields)))
        links = [(f"#{first}", message) for message in self.non_field_errors()]
        for name in self.fields:
            links += [(f"#{self.anchor(name)}", message) for message in self.errors.get(name, [])]
        return links


# --- Interventions ------------------------------------------------------------------------------------------


def _attendance_layout():
    return ConditionalRadios(
        "attendance",
        Reveal(Attendance.ATTENDED.label),
        Reveal(Attendance.DID_NOT_ATTEND.label, Field.textarea("reason", rows=3)),
        Reveal(Attendance.CANCELLED_BY_US.label),
    )


class SessionForm(_Form):
    id_prefix = "session"
    conditional_radios = ("attendance",)
    submit = "Record session"

    held_on = _date("Date of the session", "The session date", "the date of the session")
    attendance = forms.ChoiceField(label="Did the young person attend?", choices=Attendance.choices, widget=forms.RadioSelect,
                                   error_messages={"required": "Select whether the young person attended"})
    reason = _textarea("Why did they not attend?", "", required=False)
    next_session_on = _date("Next session (optional)", "The next session date", "the date of the next session",
                            required=False)

    def layout(self):
        return [_date_layout("held_on"), _attendance_layout(), _date_layout("next_session_on")]

    def clean(self):
        data = super().clean()
        if data.get("attendance") == Attendance.DID_NOT_ATTEND and not (data.get("reason") or "").strip():
            self.add_error("reason", "Explain why the young person did not attend")
        return data


class CorrectSessionForm(SessionForm):
    id_prefix = "correct"
    submit = "Record correction"

    correction_reason = _textarea("Why is the session corrected?", "Explain why the session is corrected")

    def layout(self):
        return [_date_layout("held_on"), _attendance_layout(), Field.textarea("correction_reason", rows=3)]


class AssessmentForm(_Form):
    id_prefix = "assessment"
    submit = "Record assessment"

    kind = forms.ChoiceField(label="Type of assessment", choices=Assessment.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the type of assessment"})
    completed_on = _date("Completed on", "The assessment date", "the date the assessment was completed")

    def layout(self):
        return [Field.radios("kind", legend_size=Size.SMALL), _date_layout("completed_on")]


# --- A case's actions --------------------------------------------------------------------------------------


class ReasonForm(_Form):
    """One reason, for an action on a case (propose or confirm a breach, why a condition was missed)."""

    reason = _textarea("Reason", "Give a reason")

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
                      submit="Confirm the breach and re-refer to police", message="Explain why the breach is confirmed")


def missed_reason_form(condition, data=None):
    return ReasonForm(data, id_prefix=f"missed{condition.pk}", label="Why was it missed?", submit="Record the reason",
                      message="Explain why the condition was missed")


class FurtherChanceForm(_Form):
    id_prefix = "chance"
    submit = "Give a further chance"

    condition = forms.TypedChoiceField(label="Which condition gets a new due date?", coerce=int, widget=forms.RadioSelect,
                                       error_messages={"required": "Select one of this case's conditions"})
    new_due_on = _date("New due date", "The new due date", "the new due date")
    reason = _textarea("Why is a further chance given?", "Explain why a further chance is given")

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [
            (c.pk, f"{c.description} (due {c.due_on:%-d %B %Y}, {c.get_status_display().lower()})") for c in conditions
        ]

    def layout(self):
        return [Field.radios("condition", legend_size=Size.SMALL), _date_layout("new_due_on"), Field.textarea("reason", rows=3)]


class ReoffenceForm(_Form):
    id_prefix = "reoffence"
    submit = "Record the further offence"

    offence_date = _date("Date of the further offence", "The offence date", "the date of the further offence")
    crime_reference = _text("Crime reference of the further offence", "Enter the crime reference of the further offence",
                            max_length=40)

    def layout(self):
        return [_date_layout("offence_date"), Field.text("crime_reference", field_width=20)]


def _outcome_choices(closing_only):
    return [("", "Choose an outcome")] + [(o.code, str(o)) for o in selectors.outcome_codes(closing_only=closing_only)]


class CloseForm(_Form):
    id_prefix = "close"
    submit = "Close the case"

    outcome_code = forms.ChoiceField(label="Closing outcome", error_messages={"required": "Select an outcome code"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_code"].choices = _outcome_choices(closing_only=True)

    def layout(self):
        return [Field.select("outcome_code")]


class OutcomeForm(_Form):
    id_prefix = "outcome"
    submit = "Record the police outcome"

    outcome_code = forms.ChoiceField(label="Police outcome", error_messages={"required": "Select an outcome code"})
    notes = _textarea("Notes (optional)", "", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_code"].choices = _outcome_choices(closing_only=False)

    def layout(self):
        return [Field.select("outcome_code"), Field.textarea("notes", rows=3)]


class StatusFilterForm(forms.Form):
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


class CaseForm(_Form):
    """A police decision maker diverts a crime: check eligibility first, then start the case."""

    id_prefix = "case"
    non_field_anchor = "eligibility"
    submit = None  # "Check eligibility" and "Start the case" are on the page, after the checklist

    crime_reference = _text("Crime reference", "Enter the crime reference", max_length=40)
    offence = OffenceChoice(label="Offence", queryset=selectors.offences(), empty_label="Choose the offence",
                            error_messages={"required": "Select the offence", "invalid_choice": "Select the offence"})
    offence_date = _date("Offence date", "The offence date", "the offence date")
    pathway = PathwayChoice(label="Pathway", queryset=selectors.pathways(), widget=forms.RadioSelect, empty_label=None,
                            error_messages={"required": "Select the pathway: Outcome 22 or Checkpoint",
                                            "invalid_choice": "Select the pathway: Outcome 22 or Checkpoint"})
    lead_organisation = forms.ModelChoiceField(
        label="Lead agency", queryset=lead_agencies(), empty_label="Choose the lead agency",
        help_text="The youth offending service, voluntary sector or local authority organisation that delivers the work",
        error_messages={"required": "Select the lead agency", "invalid_choice": "Select the lead agency"},
    )
    young_person = forms.IntegerField(
        label="Known young person id (optional)", required=False, min_value=1,
        help_text="If the young person is already known to the portal, enter the id from their record and leave their "
                  "details blank",
        error_messages={"invalid": "Enter the id as a number, like 1234", "min_value": "Enter the id as a number, like 1234"},
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = _date("Date of birth", "Date of birth", "the young person's date of birth", required=False,
                          hint="For example, 27 3 2011")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, required=False)
    ethnicity = forms.ChoiceField(label="Ethnic group (optional)", choices=_ethnicity_choices, required=False)
    postcode = forms.CharField(label="Home postcode (optional)", max_length=10, required=False,
                               validators=[validators.validate_postcode])
    area = forms.ChoiceField(label="Local authority area", choices=[("", "Choose an area"), *Area.choices], required=False)
    aggravating = forms.ChoiceField(label="Were there aggravating circumstances?", choices=YES_NO, widget=forms.RadioSelect,
                                    required=False)
    admission = forms.ChoiceField(label="Did the young person admit the offence?", choices=YES_NO, widget=forms.RadioSelect,
                                  required=False)
    sufficient_evidence = forms.ChoiceField(label="Is there enough evidence to charge?", choices=YES_NO,
                                            widget=forms.RadioSelect, required=False)
    history = forms.ChoiceField(label="Previous criminal history", choices=History.choices, widget=forms.RadioSelect,
                                required=False)
    start_date = _date("Contract start date", "The start date", "the start date")
    contract_months = forms.IntegerField(
        label="Contract length in months (optional)", required=False, min_value=1, max_value=24,
        help_text="Leave blank for the pathway's default (4 months)",
        error_messages={"invalid": "Enter the contract length as a whole number of months",
                        "min_value": "The contract must last at least one month",
                        "max_value": "The contract must last 24 months or fewer"},
    )
    sessions = forms.IntegerField(
        label="Number of sessions (optional)", required=False, min_value=1, max_value=50,
        help_text="Leave blank for the pathway's default (Checkpoint 6, Outcome 22 4)",
        error_messages={"invalid": "Enter the number of sessions as a whole number",
                        "min_value": "The contract needs at least one session",
                        "max_value": "Enter 50 sessions or fewer"},
    )
    acknowledge_deadline = forms.BooleanField(
        label="I have seen that the contract ends after the re-referral deadline", required=False,
    )

    def __init__(self, *args, acting, **kwargs):
        self.acting = acting
        self.known = None
        super().__init__(*args, **kwargs)
        self.ack_helper = FormHelper()
        self.ack_helper.form_tag = False
        self.ack_helper.disable_csrf = True
        self.ack_helper.layout = Layout(Field.checkbox("acknowledge_deadline"))

    def layout(self):
        return [
            Fieldset(
                Field.text("crime_reference", field_width=20, autocomplete="off", spellcheck="false"),
                Field.select("offence"), _date_layout("offence_date"),
                Field.radios("pathway", legend_size=Size.SMALL, inline=True), Field.select("lead_organisation"),
                legend="The crime", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("young_person", field_width=10, inputmode="numeric"),
                HTML('<p class="govuk-body">Or a young person new to the portal:</p>'),
                Field.text("given_name", field_width=20, autocomplete="off", spellcheck="false"),
                Field.text("family_name", field_width=20, autocomplete="off", spellcheck="false"),
                _date_layout("date_of_birth"), Field.radios("sex", legend_size=Size.SMALL, inline=True),
                Field.select("ethnicity"), Field.text("postcode", field_width=10, autocomplete="off"), Field.select("area"),
                legend="The young person", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-hint">Answer these for a Checkpoint case.</p>'),
                Field.radios("aggravating", legend_size=Size.SMALL, inline=True),
                Field.radios("admission", legend_size=Size.SMALL, inline=True),
                Field.radios("sufficient_evidence", legend_size=Size.SMALL, inline=True),
                Field.radios("history", legend_size=Size.SMALL),
                legend="Checkpoint facts", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                _date_layout("start_date"), Field.text("contract_months", field_width=3, inputmode="numeric"),
                Field.text("sessions", field_width=3, inputmode="numeric"),
                legend="The contract", legend_size=Size.MEDIUM,
            ),
        ]

    def clean(self):
        data = super().clean()
        new_person = any(data.get(name) for name in PERSON_FIELDS)
        if data.get("young_person"):
            if new_person:
                self.add_error("young_person", "Enter a known young person's id or a new young person's details, not both")
            else:
                self.known = access.visible(self.acting, YoungPerson.objects.filter(
                    pk=data["young_person"], merged_into__isnull=True, anonymised_at__isnull=True)).first()
                if self.known is None:
                    self.add_error("young_person", "Enter the id of a young person known to your organisation")
        elif "young_person" not in self.errors and "date_of_birth" not in self.errors:
            for name, message in PERSON_MESSAGES.items():
                if not data.get(name):
                    self.add_error(name, message)
            if data.get("date_of_birth") and data["date_of_birth"] > today():
                self.add_error("date_of_birth", "The date of birth must be in the past")
        pathway = data.get("pathway")
        if pathway is not None and pathway.code == "checkpoint":
            for name, message in FACT_MESSAGES.items():
                if not data.get(name):
                    self.add_error(name, message)
        for name, message in rules.date_problems(offence_date=data.get("offence_date"), start_date=data.get("start_date"),
                                                 today=today()).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def person(self):
        if self.known is not None:
            return None
        return {name: self.cleaned_data.get(name) or ("" if name != "date_of_birth" else None) for name in PERSON_FIELDS}

    def facts(self):
        data = self.cleaned_data
        return {
            "aggravating": data.get("aggravating") == "yes", "admission": data.get("admission") == "yes",
            "sufficient_evidence": data.get("sufficient_evidence") == "yes", "history": data.get("history") or rules.HISTORY_NONE,
        }

    def check(self):
        """The eligibility checklist and the contract's dates, before anything is written."""
        from . import services

        data = self.cleaned_data
        pathway, offence = data["pathway"], data["offence"]
        dob = self.known.date_of_birth if self.known is not None else data["date_of_birth"]
        try:
            results = services.eligibility(pathway, date_of_birth=dob, offence=offence, offence_date=data["offence_date"],
                                           **self.facts())
        except (ValidationError, ValueError):
            results = []
        months = data.get("contract_months") or pathway.contract_months
        end = rules.contract_end(data["start_date"], months)
        deadline = rules.rereferral_deadline(data["offence_date"], offence.mode_of_trial, end)
        return {"results": results, "eligible": rules.is_eligible(results), "months": months, "end": end,
                "deadline": deadline, "late": rules.contract_ends_after_deadline(end, deadline)}

    def start_kwargs(self):
        """The arguments of services.start_case."""
        data = self.cleaned_data
        return {
            "crime_reference": data["crime_reference"], "offence": data["offence"], "offence_date": data["offence_date"],
            "pathway": data["pathway"], "lead_organisation": data["lead_organisation"], "start_date": data["start_date"],
            "young_person": self.known, "person": self.person(), "contract_months": data.get("contract_months"),
            "sessions": data.get("sessions"), "acknowledge_deadline": bool(data.get("acknowledge_deadline")), **self.facts(),
        }
