from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, ConditionalQuestion, ConditionalRadios, Field, Layout, Size
from django import forms

from core.filtering import FilterForm
from core.forms import add_idempotency_key, date_field, date_layout
from partners.forms import gds_helper
from partners.models import Area

from .models import Concern, Decision, DeclineReason, Rag, Source
from .selectors import partner_organisations


def _blank(label, choices):
    return [("", label)] + list(choices)


class QueueFilterForm(FilterForm):
    static_choices = True  # core.page_tags.filter_form may reuse its markup
    area = forms.ChoiceField(choices=_blank("All areas", Area.choices), required=False)
    source = forms.ChoiceField(choices=_blank("All sources", Source.choices), required=False)
    concern = forms.ChoiceField(choices=_blank("All concerns", Concern.choices), required=False)
    rag = forms.ChoiceField(label="Risk rating", choices=_blank("Any rating", Rag.choices), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"  # no CSRF token in the address bar
        self.helper.layout = Layout(
            Field.select("area"), Field.select("source"), Field.select("concern"), Field.select("rag"),
            Button.secondary("filter", "Apply filters"),
        )

    def filters(self):
        return self.chosen()


class DecisionForm(forms.Form):
    rag = forms.ChoiceField(label="Risk rating", choices=Rag.choices, widget=forms.RadioSelect, required=False)
    decision = forms.ChoiceField(label="Decision", choices=Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Select a decision"})
    organisation = forms.ModelChoiceField(label="Partner organisation", queryset=None, required=False,
                                          empty_label="Choose a partner")
    programme = forms.CharField(label="Programme", max_length=200, required=False)
    signpost_to = forms.CharField(label="Signposted to", max_length=200, required=False)
    decline_reason = forms.ChoiceField(label="Reason for declining", choices=_blank("Choose a reason", DeclineReason.choices),
                                       required=False)
    question = forms.CharField(label="Question for the referrer", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(label="Why (recorded on the timeline)", widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("rag", legend_size=Size.MEDIUM, inline=True),
            ConditionalRadios(
                "decision",
                ConditionalQuestion(Decision.ALLOCATE.label, Field.select("organisation"), Field.text("programme")),
                ConditionalQuestion(Decision.SIGNPOST.label, Field.text("signpost_to")),
                ConditionalQuestion(Decision.DECLINE.label, Field.select("decline_reason")),
                ConditionalQuestion(Decision.REQUEST_INFO.label, Field.textarea("question")),
            ),
            Field.textarea("reason"),
            Button("record", "Record decision"),
        )


class CorrectionForm(forms.Form):
    summary = forms.CharField(label="The corrected entry", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    reason = forms.CharField(label="Why it is corrected", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = add_idempotency_key(self)  # a double-clicked correction is one timeline entry
        self.helper = gds_helper(Field.textarea("summary"), Field.textarea("reason"), key, submit="Record correction")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, label="Reason", submit="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = gds_helper(Field.textarea("reason"), submit=submit)


class FirstContactForm(forms.Form):
    on = date_field("Date of first contact", "The date of first contact", "the date of first contact")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(date_layout("on"), submit="Record first contact")
