"""The figures page's period chooser and the population reference data form."""

from datetime import timedelta

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovukDateField, GovukForm
from partners.models import Area
from referrals.forms_referrer import ethnicity_choices
from referrals.models import Ethnicity

from . import rules


class _Form(GovukForm):
    """A GOV.UK form: no form tag (the page writes it), one button, and links for the error summary."""


class PeriodForm(_Form):
    """Which period and area the figures are for. Read from the query string, so a page of figures has an address."""

    submit = "Show figures"
    DEFAULT = rules.LAST_12_MONTHS

    preset = forms.ChoiceField(label="Period", choices=list(rules.PRESETS.items()), widget=forms.RadioSelect,
                               required=False)
    start = GovukDateField(label="From", noun="The start date", required=False, required_message="Enter the start date",
                           help_text="Only if you choose dates. For example, 1 4 2025")
    end = GovukDateField(label="To", noun="The end date", required=False, required_message="Enter the end date",
                         help_text="Including this day. For example, 31 3 2026")
    area = forms.ChoiceField(label="Area", choices=[("", "All areas")] + Area.choices, required=False)

    def __init__(self, data=None, *, today, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("preset", self.DEFAULT)

    def layout(self):
        date = {"legend_size": Size.for_legend(Size.SMALL)}
        return [
            Field.radios("preset", legend_size=Size.SMALL, inline=True, small=True),
            Field("start", context=date), Field("end", context=date),
            Field.select("area"),
        ]

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or self.DEFAULT
        data["preset"] = preset
        if preset != rules.CUSTOM:
            data["period"] = rules.preset_period(preset, self.today)
            return data
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is None:
            self.add_error("start", "Enter the start date")
        if end is None:
            self.add_error("end", "Enter the end date")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days >= rules.MAX_PERIOD_DAYS:
                self.add_error("end", "Choose a period of 5 years or less")
            else:
                data["period"] = rules.Period(start, end + timedelta(days=1))
        return data

    @classmethod
    def read(cls, query, *, today):
        """The form for a query string; a query without any of the form's fields is the default period."""
        bound = any(key in query for key in ("preset", "area", "start_0", "end_0"))
        return cls(query if bound else None, today=today)

    @property
    def period(self):
        if not self.is_bound:
            return rules.preset_period(self.DEFAULT, self.today)
        return self.cleaned_data.get("period") if self.is_valid() else None

    @property
    def chosen_area(self):
        if not self.is_bound:
            return ""
        return self.cleaned_data.get("area", "") if self.is_valid() else ""


AGE_RANGES = [(f"{low}-{high}", label) for _key, label, low, high in rules.AGE_BANDS]


class PopulationForm(_Form):
    """One number of the population reference data: how many people of a group and age live in an area."""

    submit = "Save this figure"

    area = forms.ChoiceField(label="Area", choices=[("", "Choose an area")] + Area.choices,
                             error_messages={"required": "Select the area"})
    ethnicity = forms.ChoiceField(label="Ethnic group (ONS 2021)", error_messages={"required": "Select the ethnic group"})
    ages = forms.ChoiceField(label="Age range", choices=[("", "Choose an age range")] + AGE_RANGES,
                             error_messages={"required": "Select the age range"})
    year = forms.IntegerField(label="Year the figure is for", min_value=2000, max_value=2100,
                              error_messages={"required": "Enter the year", "invalid": "The year must be a number, like 2021",
                                              "min_value": "The year must be 2000 or later",
                                              "max_value": "The year must be 2100 or earlier"})
    count = forms.IntegerField(label="Number of people", min_value=0, max_value=10_000_000,
                               error_messages={"required": "Enter the number of people",
                                               "invalid": "The number of people must be a whole number, like 1250",
                                               "min_value": "The number of people must be 0 or more",
                                               "max_value": "The number of people must be 10,000,000 or fewer"})
    source = forms.CharField(label="Source", max_length=200, help_text="For example, ONS Census 2021, table TS021",
                             error_messages={"required": "Enter where the figure comes from",
                                             "max_length": "The source must be 200 characters or fewer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = [c for c in ethnicity_choices() if c[0] != Ethnicity.NOT_STATED]

    def layout(self):
        return [
            Field.select("area"), Field.select("ethnicity"), Field.select("ages"),
            Field.text("year", field_width=4), Field.text("count", field_width=10), Field.text("source"),
        ]

    def clean_ages(self):
        low, high = (int(x) for x in self.cleaned_data["ages"].split("-"))
        return low, high

    def values(self):
        data = self.cleaned_data
        return {"area": data["area"], "ethnicity": data["ethnicity"], "age_from": data["ages"][0], "age_to": data["ages"][1],
                "year": data["year"], "count": data["count"], "source": data["source"].strip()}

