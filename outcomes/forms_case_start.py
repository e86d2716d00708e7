"""The question pages of *Start a diversion case* (views_case_start): one short form a page.

No answer is pre-selected: a radio or a box shows only what this decision maker already answered in this
journey. The services decide what is allowed; these forms check what was typed.
"""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import PrefixedForm, date_field, date_layout
from partners.models import Area
from referrals import validators
from referrals.forms_referrer import ethnicity_choices
from referrals.models import Sex

from . import rules, selectors
from .forms import (
    FACT_MESSAGES,
    PERSON_MESSAGES,
    YES_NO,
    OffenceChoice,
    PathwayChoice,
    _text,
    lead_agencies,
)
from .models import History

BIRTH_HINT = "For example, 27 3 2011"


def _radios(name, **kwargs):
    return Field.radios(name, legend_size=Size.SMALL, **kwargs)


class CrimeForm(PrefixedForm):
    id_prefix = "crime"

    crime_reference = _text("Crime reference", "Enter the crime reference", max_length=40,
                            help_text="As it is on the crime record, for example 20/000123/26")
    offence = OffenceChoice(label="Offence", queryset=selectors.offences(), empty_label="Choose the offence",
                            error_messages={"required": "Select the offence", "invalid_choice": "Select the offence"})
    offence_date = date_field("When was the offence committed?", "The offence date", "the offence date")
    pathway = PathwayChoice(label="Which pathway?", queryset=selectors.pathways(), widget=forms.RadioSelect,
                            empty_label=None,
                            error_messages={"required": "Select the pathway: Outcome 22 or Checkpoint",
                                            "invalid_choice": "Select the pathway: Outcome 22 or Checkpoint"})

    def layout(self):
        return [Field.text("crime_reference", field_width=20, autocomplete="off", spellcheck="false"),
                Field.select("offence"), date_layout("offence_date"), _radios("pathway")]


class SearchForm(PrefixedForm):
    """Find a young person already known to the portal (among those this decision maker may see)."""

    id_prefix = "search"
    submit = "Search"

    name = _text("Name", "Enter the young person's first or last name", max_length=100,
                 help_text="First or last name, or both. Spelling variants are found too (Mohammed, Muhammad)")
    date_of_birth = date_field("Date of birth", "Date of birth", "the young person's date of birth",
                               hint=f"If you know it. {BIRTH_HINT}", required=False)

    def layout(self):
        return [Field.text("name", field_width=20, autocomplete="off", spellcheck="false"), date_layout("date_of_birth")]


class NewPersonForm(PrefixedForm):
    id_prefix = "person"

    given_name = _text("First name", PERSON_MESSAGES["given_name"], max_length=100)
    family_name = _text("Last name", PERSON_MESSAGES["family_name"], max_length=100)
    date_of_birth = date_field("Date of birth", "Date of birth", "the young person's date of birth", hint=BIRTH_HINT)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect,
                            error_messages={"required": PERSON_MESSAGES["sex"]})
    ethnicity = forms.ChoiceField(label="Ethnic group (optional)", choices=ethnicity_choices, required=False)
    postcode = forms.CharField(label="Home postcode (optional)", max_length=10, required=False,
                               validators=[validators.validate_postcode])
    area = forms.ChoiceField(label="Local authority area where they live", choices=[("", "Choose an area"), *Area.choices],
                             error_messages={"required": PERSON_MESSAGES["area"]})

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def layout(self):
        return [Field.text("given_name", field_width=20, autocomplete="off", spellcheck="false"),
                Field.text("family_name", field_width=20, autocomplete="off", spellcheck="false"),
                date_layout("date_of_birth"), _radios("sex", inline=True), Field.select("ethnicity"),
                Field.text("postcode", field_width=10, autocomplete="off"), Field.select("area")]

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob is not None and dob >= self.today:
            raise forms.ValidationError("The date of birth must be in the past")
        return dob


def _yes_no(label, name):
    return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect,
                             error_messages={"required": FACT_MESSAGES[name]})


class FactsForm(PrefixedForm):
    """Checkpoint's questions: each must be answered; none is taken to be No."""

    id_prefix = "facts"

    aggravating = _yes_no("Were there aggravating circumstances?", "aggravating")
    admission = _yes_no("Did the young person admit the offence?", "admission")
    sufficient_evidence = _yes_no("Is there enough evidence to charge?", "sufficient_evidence")
    history = forms.ChoiceField(label="What is the young person's criminal history?", choices=History.choices,
                                widget=forms.RadioSelect, error_messages={"required": FACT_MESSAGES["history"]})

    def layout(self):
        return [_radios("aggravating", inline=True), _radios("admission", inline=True),
                _radios("sufficient_evidence", inline=True), _radios("history")]


class ContractForm(PrefixedForm):
    """The lead agency and the contract. A blank length or number of sessions means the pathway's standard."""

    id_prefix = "contract"

    lead_organisation = forms.ModelChoiceField(
        label="Lead agency", queryset=lead_agencies(), empty_label="Choose the lead agency",
        help_text="The youth offending service, voluntary sector or local authority organisation that does the work",
        error_messages={"required": "Select the lead agency", "invalid_choice": "Select the lead agency"},
    )
    start_date = date_field("When does the contract start?", "The start date", "the start date")
    contract_months = forms.IntegerField(
        label="Contract length in months (optional)", required=False, min_value=1, max_value=24,
        error_messages={"invalid": "Enter the contract length as a whole number of months",
                        "min_value": "The contract must last at least one month",
                        "max_value": "The contract must last 24 months or fewer"},
    )
    sessions = forms.IntegerField(
        label="Number of sessions (optional)", required=False, min_value=1, max_value=50,
        error_messages={"invalid": "Enter the number of sessions as a whole number",
                        "min_value": "The contract needs at least one session", "max_value": "Enter 50 sessions or fewer"},
    )

    def __init__(self, *args, pathway, offence_date, today, **kwargs):
        self.offence_date, self.today = offence_date, today
        super().__init__(*args, **kwargs)
        months, sessions = pathway.contract_months, pathway.sessions
        self.fields["contract_months"].help_text = (
            f"Leave blank to use the {pathway.name} standard: {months} month{'s' if months != 1 else ''}")
        self.fields["sessions"].help_text = (
            f"Leave blank to use the {pathway.name} standard: {sessions} session{'s' if sessions != 1 else ''}")

    def layout(self):
        return [Field.select("lead_organisation"), date_layout("start_date"),
                Field.text("contract_months", field_width=3, inputmode="numeric"),
                Field.text("sessions", field_width=3, inputmode="numeric")]

    def clean(self):
        data = super().clean()
        problems = rules.date_problems(offence_date=self.offence_date, start_date=data.get("start_date"), today=self.today)
        if "offence_date" in problems and data.get("start_date"):
            self.add_error("start_date", f"The start date must be on or after the offence date, "
                                         f"{self.offence_date:%-d %B %Y}")
        return data


class DeadlineForm(PrefixedForm):
    id_prefix = "deadline"

    acknowledge = forms.BooleanField(
        label="I have seen that the contract ends after the return-to-police deadline",
        error_messages={"required": "Confirm you have seen that the contract ends after the return-to-police deadline"},
    )

    def layout(self):
        return [Field.checkbox("acknowledge")]

    def anchor(self, name):
        return "deadline_acknowledge"


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProgrammeForm(PrefixedForm):
    id_prefix = "choose"  # not "programme": the Continue button is named after the prefix, and would shadow the field

    programme = ProgrammeChoice(label="Which programme will the young person attend?", queryset=None,
                                widget=forms.RadioSelect, empty_label=None,
                                error_messages={"required": "Select the programme",
                                                "invalid_choice": "Select one of the lead agency's programmes"})

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes_of(organisation)

    def layout(self):
        return [_radios("programme")]


class ExtraConditionForm(PrefixedForm):
    """One further condition; the page lists the standard ones and those added so far."""

    id_prefix = "extra"
    submit = None  # the page has Add condition and Continue

    description = forms.CharField(
        label="What must the young person do?", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the condition", "max_length": "Describe the condition in 300 characters or fewer"},
    )
    due_on = date_field("When is it due?", "The due date", "the date the condition is due")

    def __init__(self, *args, start, end, **kwargs):
        self.start, self.end = start, end
        super().__init__(*args, **kwargs)

    def layout(self):
        return [Field.textarea("description", rows=3, label_size=Size.SMALL), date_layout("due_on")]

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due is not None and not self.start < due <= self.end:
            raise forms.ValidationError(f"The due date must be after the start, {self.start:%-d %B %Y}, and on or "
                                        f"before the contract end, {self.end:%-d %B %Y}")
        return due
