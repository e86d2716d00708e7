"""Forms of the cohort pages. They check what a person typed (a real date, a choice from the list); the services
decide whether it is allowed and say why not, and the views put those messages on the form. Field names match
the keys of the services' ValidationErrors, so a service's message lands beside its field.
"""

from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.forms import PrefixedForm, date_field, date_layout, textarea_field
from partners.models import Area

from . import rules, selectors
from .models import ActionStatus, Strand, TierModel


class CohortsForm(PrefixedForm):
    """The outcomes pages' form (its own id prefix, GOV.UK error links), with checkboxes linked like radios, and
    fields that depend on the cohort (its tiers, its organisations) added by `add_fields` before the layout is built.
    """

    _ready = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # builds an empty layout: the fields are not all there yet
        self.add_fields()
        self._ready = True
        buttons = [Button(self.id_prefix, self.submit, data_prevent_double_click="true")] if self.submit else []
        hidden = [Field("idempotency_key")] if self.idempotent else []
        self.helper.layout = Layout(*self.layout(), *hidden, *buttons)

    def add_fields(self):
        pass

    def layout(self):
        return self.parts() if self._ready else []

    def parts(self):
        return [Field(name) for name in self.fields if name != "idempotency_key"]

    def order(self, *names):
        if self.idempotent:  # the hidden key stays, last
            names = (*names, "idempotency_key")
        self.fields = {name: self.fields[name] for name in names}

    def anchor(self, name):
        if isinstance(self.fields[name].widget, forms.CheckboxSelectMultiple):
            return f"id_{name}_1"
        return super().anchor(name)


def _tier_field(model, label="Tier"):
    return forms.TypedChoiceField(
        label=label, coerce=int, widget=forms.RadioSelect, choices=[(n, rules.tier_label(model, n)) for n, _ in
                                                                    rules.tier_choices(model)],
        error_messages={"required": "Select a tier", "invalid_choice": "Select a tier"},
    )


def _organisations(label, queryset_or_list, message, **kwargs):
    choices = [(o.pk, o.name) for o in queryset_or_list]
    return forms.TypedChoiceField(label=label, coerce=int, choices=[("", "Choose an organisation"), *choices],
                                  error_messages={"required": message, "invalid_choice": message}, **kwargs)


class CohortForm(CohortsForm):
    id_prefix = "cohort"
    submit = "Create the cohort"
    idempotent = True

    name = forms.CharField(label="Name", max_length=200, error_messages={
        "required": "Enter the cohort's name", "max_length": "The name must be 200 characters or fewer"})
    area = forms.ChoiceField(label="Area", choices=[("", "Choose an area"), *Area.choices],
                             error_messages={"required": "Select the area", "invalid_choice": "Select the area"})
    tier_model = forms.ChoiceField(label="Tier model", choices=TierModel.choices, widget=forms.RadioSelect,
                                   error_messages={"required": "Select the tier model"})
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation", queryset=selectors.cohort_organisation_choices(), empty_label="Choose the lead organisation",
        error_messages={"required": "Select the lead organisation", "invalid_choice": "Select the lead organisation"},
    )
    partner_organisations = forms.ModelMultipleChoiceField(
        label="Partner organisations", required=False, queryset=selectors.cohort_organisation_choices(),
        widget=forms.CheckboxSelectMultiple, help_text="They see this cohort and its members' plans",
        error_messages={"invalid_choice": "Select partners from the list"},
    )
    review_weeks = forms.IntegerField(
        label="Review every (weeks)", initial=rules.DEFAULT_REVIEW_WEEKS, min_value=1, max_value=rules.MAX_REVIEW_WEEKS,
        help_text=f"Members are reviewed every {rules.DEFAULT_REVIEW_WEEKS} weeks unless you choose otherwise",
        error_messages={m: f"Enter how often members are reviewed: 1 to {rules.MAX_REVIEW_WEEKS} weeks"
                        for m in ("required", "invalid", "min_value", "max_value")},
    )

    def parts(self):
        return [
            Field.text("name", field_width=30), Field.select("area"), Field.radios("tier_model", legend_size=Size.SMALL),
            Field.select("lead_organisation"), Field.checkboxes("partner_organisations", legend_size=Size.SMALL,
                                                                  small=True),
            Field.text("review_weeks", field_width=3, inputmode="numeric"),
        ]


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or referral reference", max_length=100, required=False)


class AddMemberForm(CohortsForm):
    id_prefix = "member"
    submit = "Add to the cohort"
    idempotent = True

    young_person = forms.TypedChoiceField(label="Young person", coerce=int, widget=forms.RadioSelect, error_messages={
        "required": "Select a young person", "invalid_choice": "Search again and select a young person"})
    reason = textarea_field("Why do they join the cohort?", "Explain why the young person joins the cohort")
    joined_on = date_field("Date joined (optional)", "The date they joined", "the date they joined", required=False,
                      hint="Leave blank for today")

    def __init__(self, *args, cohort, people, **kwargs):
        self.cohort, self.people = cohort, people
        super().__init__(*args, **kwargs)

    def add_fields(self):
        self.fields["young_person"].choices = [
            (f.person.pk, f"{f.person.display_name}, born {f.person.born}, {f.person.get_area_display()} ({f.why})")
            for f in self.people
        ]
        self.fields["tier"] = _tier_field(self.cohort.tier_model)
        self.fields["lead_agency"] = _organisations("Lead agency", selectors.cohort_organisations(self.cohort),
                                                    "Select the lead agency from the cohort's organisations")
        self.order("young_person", "tier", "lead_agency", "reason", "joined_on")

    def parts(self):
        return [Field.radios("young_person", legend_size=Size.SMALL), Field.radios("tier", legend_size=Size.SMALL),
                Field.select("lead_agency"), Field.textarea("reason", rows=3), date_layout("joined_on")]


class TierForm(CohortsForm):
    id_prefix = "change"  # not "tier": the submit button is named after the prefix
    submit = "Change the tier"

    reason = textarea_field("Why does the tier change?", "Explain why the tier changes")

    def __init__(self, *args, member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def add_fields(self):
        self.fields["tier"] = _tier_field(self.member.cohort.tier_model, "New tier")
        self.order("tier", "reason")

    def parts(self):
        return [Field.radios("tier", legend_size=Size.SMALL), Field.textarea("reason", rows=3)]


class RemoveForm(CohortsForm):
    id_prefix = "remove"
    submit = "Remove from the cohort"

    left_on = date_field("Date they left (optional)", "The date they left", "the date they left", required=False,
                    hint="Leave blank for today")
    reason = textarea_field("Why do they leave the cohort?", "Explain why the young person leaves the cohort")

    def parts(self):
        return [date_layout("left_on"), Field.textarea("reason", rows=3)]


class ReviewForm(CohortsForm):
    id_prefix = "review"
    submit = "Record the review"
    idempotent = True

    held_on = date_field("Date of the review", "The review date", "the date of the review")
    summary = textarea_field("Summary", "Summarise the review", rows=5)

    def __init__(self, *args, member, acting, **kwargs):
        self.member, self.acting = member, acting
        super().__init__(*args, **kwargs)

    def add_fields(self):
        member, cohort = self.member, self.member.cohort
        self.attendee_choices = {o.pk: o for o in selectors.action_owners(cohort, self.acting)}
        self.fields["attendees"] = forms.TypedMultipleChoiceField(
            label="Organisations that attended", coerce=int, widget=forms.CheckboxSelectMultiple,
            choices=[(pk, o.name) for pk, o in self.attendee_choices.items()],
            error_messages={"required": "Select the organisations that attended",
                            "invalid_choice": "Select organisations from the list"},
        )
        # Not pre-selected: a review's tier is a decision the reviewer makes, never one made for them.
        self.fields["tier_decision"] = _tier_field(cohort.tier_model, "Tier decided")
        self.fields["tier_decision"].error_messages["required"] = "Select the tier the review decided"
        self.fields["tier_decision"].help_text = f"They are in tier {member.tier} now: select it to keep them there"
        self.fields["next_review_on"] = date_field(
            "Next review (optional)", "The next review date", "the date of the next review", required=False,
            hint=f"Leave blank for {cohort.review_weeks} weeks after this review",
        )
        self.order("held_on", "attendees", "summary", "tier_decision", "next_review_on")

    def parts(self):
        return [date_layout("held_on"), Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
                Field.textarea("summary", rows=5), Field.radios("tier_decision", legend_size=Size.SMALL),
                date_layout("next_review_on")]

    def attendees(self):
        return [self.attendee_choices[pk] for pk in self.cleaned_data.get("attendees") or ()]


class PlanActionForm(CohortsForm):
    id_prefix = "action"
    submit = "Add the action"
    idempotent = True

    strand = forms.ChoiceField(label="Which of the four Ps?", choices=Strand.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select which of the four Ps the action is for"})
    description = forms.CharField(label="Action", max_length=300, error_messages={
        "required": "Describe the action", "max_length": "Describe the action in 300 characters or fewer"})
    due_on = date_field("Due by", "The due date", "the date the action is due")

    def __init__(self, *args, member, acting, **kwargs):
        self.member, self.acting = member, acting
        super().__init__(*args, **kwargs)

    def add_fields(self):
        self.owners = {o.pk: o for o in selectors.action_owners(self.member.cohort, self.acting)}
        self.fields["owner"] = _organisations("Owner", self.owners.values(),
                                              "Select the organisation that owns the action: one named on the cohort")
        self.order("strand", "description", "owner", "due_on")

    def parts(self):
        return [Field.radios("strand", legend_size=Size.SMALL, inline=True), Field.text("description"),
                Field.select("owner"), date_layout("due_on")]

    def owner(self):
        return self.owners.get(self.cleaned_data.get("owner"))


class ActionStatusForm(CohortsForm):
    """One per plan action on the member's page (its own id prefix, so the ids stay unique)."""

    submit = "Update"

    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices,
                               error_messages={"required": "Select the action's status"})
    note = forms.CharField(label="Note (needed when dropped)", max_length=2000, required=False)

    def __init__(self, *args, action, **kwargs):
        self.id_prefix = f"action{action.pk}"
        kwargs.setdefault("initial", {"status": action.status, "note": action.status_note})
        super().__init__(*args, **kwargs)

    def parts(self):
        return [Field.select("status"), Field.text("note")]
