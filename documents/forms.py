from crispy_forms_gds.layout import Field
from django import forms

from core.forms import GovukForm

from . import rules
from .models import Kind

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class DocumentForm(GovukForm):
    submit = "Add the document"
    idempotent = True

    file = forms.FileField(label="File", required=False,
)
    title = forms.CharField(label="Title", required=False, max_length=300,
                            help_text="For example, Chronology of concerns, autumn term")
    kind = forms.ChoiceField(label="What kind of document is it?", choices=Kind.choices, required=False,
                             widget=forms.RadioSelect)
    shared_with_referrer = forms.ChoiceField(label="Can the referring organisation see this document?",
                                             choices=YES_NO, required=False, widget=forms.RadioSelect)

    def __init__(self, *args, ask_sharing, max_bytes, **kwargs):
        self.ask_sharing = ask_sharing  # on a referral, asked of the VRU and the partner (the referrer's is shared)
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{rules.KINDS_ALLOWED.capitalize()}, smaller than {rules.size_words(max_bytes)}."
        if not ask_sharing:
            del self.fields["shared_with_referrer"]

    def layout(self):
        return [Field(name) for name in self.fields
                if name != "idempotency_key" and (self.ask_sharing or name != "shared_with_referrer")]

    def sharing(self):
        return _yes_no(self.cleaned_data.get("shared_with_referrer"))


class ReplaceForm(GovukForm):
    submit = "Add the new version"
    idempotent = True

    file = forms.FileField(label="New version", required=False)


class NoteForm(GovukForm):
    submit = "Add the note"
    idempotent = True

    text = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    shared = forms.ChoiceField(label="Who can read this note?", required=False, widget=forms.RadioSelect, choices=[
        ("no", "Only my organisation and the VRU"), ("yes", "Everyone who may see this record")])

    def __init__(self, *args, shared_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        if shared_hint:
            self.fields["shared"].choices = [("no", "Only my organisation and the VRU"), ("yes", shared_hint)]

    def sharing(self):
        return _yes_no(self.cleaned_data.get("shared"))


class AmendForm(GovukForm):
    submit = "Amend the note"
    idempotent = True

    text = forms.CharField(label="The note as it should read", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label="Why are you amending it?", required=False, widget=forms.Textarea(attrs={"rows": 3}))
