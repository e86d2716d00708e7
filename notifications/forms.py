from crispy_forms_gds.layout import Field, Size
from django import forms

from partners.forms import gds_helper

from .kinds import ALWAYS, OPTIONAL


class EmailChoicesForm(forms.Form):
    emails = forms.MultipleChoiceField(
        label="Which messages do you want by email?", choices=list(OPTIONAL.items()), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You will always see every message in the portal. " + "; ".join(ALWAYS.values()) + ".",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.checkboxes("emails", legend_size=Size.MEDIUM), submit="Save choices")
