"""The referring organisation's question pages: one form per step, plus the start, filter and answer forms.

Each step form validates with the checks in `referrals.validators` and gives GOV.UK messages;
the services normalise what is stored (postcode, UPN, NHS number). A form built with
`partial=True` is for "Save and come back later": nothing is required, but what has been
entered must still be valid, so a draft never holds a wrong answer.
"""


from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, ConditionalQuestion, ConditionalRadios, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from core import clock
from core.filtering import FilterForm
from core.forms import GovukDateField, add_idempotency_key, input_id
from partners.models import Area

from . import rules, validators
from .models import Concern, Ethnicity, Informed, LawfulBasis, Sex, Status

CONTINUE = "continue"
SAVE_LATER = "save_later"

URGENT_YES = "Yes – immediate risk of harm"
URGENT_NO = "No"

ACCOUNT_HINT = (
    "Say what has happened or what you have seen or been told, when, and who else knows. "
    "Write facts and what people said, not opinions."
)
LAWFUL_BASIS_HINT = (
    "Consent is often not the right basis for sharing information to keep a young person safe. "
    "The ICO's guidance prefers public task, legal obligation or legitimate interests."
)


def _step_helper(*layout):
    """Question-page buttons: Continue, and a secondary Save and come back later."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(
        *layout,
        HTML('<div class="govuk-button-group">'),
        Button(CONTINUE, "Continue", data_prevent_double_click="true"),
        Button.secondary(SAVE_LATER, "Save and come back later", data_prevent_double_click="true"),
        HTML("</div>"),
    )
    return helper


class Reveal(ConditionalQuestion):
    """A radio that may reveal a follow-up question.

    GOV.UK Frontend links a radio to what it reveals through `data-aria-controls`; the package's own
    template writes `aria-controls` on every radio, even one that reveals nothing (an id that does not exist).
    """

    template = "referrals/referrer/_conditional_question.html"


def ethnicity_choices():
    """ONS 2021 groups as option groups: "Asian, Asian British or Asian Welsh" > "Indian"."""
    groups = {}
    for value, label in Ethnicity.choices:
        group, _, name = label.partition(": ")
        if name:
            groups.setdefault(group, []).append((value, name))
        else:
            groups.setdefault("", []).append((value, label))
    choices = [("", "Choose an ethnic group")]
    choices += [(group, options) for group, options in groups.items() if group]
    return choices + groups.get("", [])


class _StepForm(forms.Form):
    """Shared by the step forms: partial saving, what to store, and where each error links to."""

    title = ""

    def __init__(self, *args, partial=False, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial = partial
        self.today = today or clock.today()
        if partial:
            for field in self.fields.values():
                field.required = False

    def require(self, name, message):
        """A conditional question: required only when its answer is wanted, and not when saving for later."""
        if not self.partial and not (self.cleaned_data.get(name) or "").strip() and name not in self.errors:
            self.add_error(name, message)

    def draft_data(self):
        """The answers as save_draft takes them (None: leave what is stored)."""
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, referral):
        return {name: getattr(referral, name) for name in cls.base_fields if hasattr(referral, name)}

    def anchor(self, name):
        """The id of the first input of a field, for the error summary link."""
        if name not in self.fields:
            name = next(iter(self.fields))
        return input_id(self, name, getattr(self, "conditional_radios", ()) or None)

    def error_links(self):
        """[(href, message)] in the order of the fields, for the GOV.UK error summary."""
        links = [(f"#{self.anchor(next(iter(self.fields)))}", message) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                links.append((f"#{self.anchor(name)}", message))
        return links


class YoungPersonForm(_StepForm):
    title = "About the young person"

    given_name = forms.CharField(label="First name", max_length=100,
                                 error_messages={"required": "Enter the young person's first name",
                                                 "max_length": "First name must be 100 characters or fewer"})
    family_name = forms.CharField(label="Last name", max_length=100,
                                  error_messages={"required": "Enter the young person's last name",
                                                  "max_length": "Last name must be 100 characters or fewer"})
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False,
                                     help_text="If they are known by another name",
                                     error_messages={"max_length": "Preferred name must be 100 characters or fewer"})
    date_of_birth = GovukDateField(label="Date of birth", noun="Date of birth", help_text="For example, 27 3 2010",
                                   required_message="Enter the young person's date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect,
                            error_messages={"required": "Select the young person's sex"})
    gender_identity = forms.CharField(label="Gender identity (optional)", max_length=100, required=False,
                                      help_text="If it is different from their sex and they have told you",
                                      error_messages={"max_length": "Gender identity must be 100 characters or fewer"})
    ethnicity = forms.ChoiceField(label="Ethnic group", choices=ethnicity_choices, help_text="ONS 2021 census groups",
                                  error_messages={"required": "Select the young person's ethnic group, or Not stated"})
    postcode = forms.CharField(label="Home postcode", max_length=10, validators=[validators.validate_postcode],
                               error_messages={"required": "Enter the young person's home postcode",
                                               "max_length": validators.POSTCODE_MESSAGE})
    area = forms.ChoiceField(label="Which local authority area do they live in?", choices=Area.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the local authority area where the young person lives"})
    upn = forms.CharField(label="Unique pupil number (UPN) (optional)", max_length=20, required=False,
                          help_text="13 characters, for example A123456789012",
                          validators=[validators.validate_upn], error_messages={"max_length": validators.UPN_MESSAGE})
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=20, required=False,
                                 help_text="10 digits, for example 943 476 5919",
                                 validators=[validators.validate_nhs_number],
                                 error_messages={"max_length": validators.NHS_NUMBER_MESSAGE})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _step_helper(
            Field.text("given_name", field_width=20, autocomplete="off", spellcheck="false"),
            Field.text("family_name", field_width=20, autocomplete="off", spellcheck="false"),
            Field.text("preferred_name", field_width=20, autocomplete="off", spellcheck="false"),
            Field("date_of_birth", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.text("gender_identity", field_width=20),
            Field.select("ethnicity"),
            Field.text("postcode", field_width=10, autocomplete="off"),
            Field.radios("area", legend_size=Size.SMALL),
            Field.text("upn", field_width=20, autocomplete="off", spellcheck="false"),
            Field.text("nhs_number", field_width=10, autocomplete="off", inputmode="numeric", spellcheck="false"),
        )

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob is None:
            return None
        # "Date of birth must be in the past", or "must be under 25 on the date of referral".
        validators.validate_under_25(dob, on=self.today)
        return dob


class ConcernForm(_StepForm):
    title = "The concern"

    concerns = forms.MultipleChoiceField(
        label="What are you worried about?", choices=Concern.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply", error_messages={"required": "Select at least one concern"},
    )
    account = forms.CharField(
        label="What has happened", widget=forms.Textarea, help_text=ACCOUNT_HINT,
        validators=[validators.validate_account_length], error_messages={"required": "Describe what has happened"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _step_helper(
            Field.checkboxes("concerns", legend_size=Size.SMALL, small=True),
            Field.textarea("account", label_size=Size.SMALL, rows=12, max_characters=rules.ACCOUNT_MAX_CHARS,
                           threshold=75),
        )

    def clean_account(self):
        # Browsers send line breaks as CR LF; count (and store) them as one character, as the character count does.
        account = (self.cleaned_data.get("account") or "").replace("\r\n", "\n")
        validators.validate_account_length(account)
        return account

    @classmethod
    def initial_from(cls, referral):
        return {"concerns": [c.concern for c in referral.concerns.all()], "account": referral.account}


class UrgencyForm(_StepForm):
    title = "Urgency"
    conditional_radios = ("urgent",)

    urgent = forms.ChoiceField(
        label="Is the young person at immediate risk of harm?",
        choices=[("yes", URGENT_YES), ("no", URGENT_NO)], widget=forms.RadioSelect,
        help_text="The VRU decides on an urgent referral within 4 hours. If anyone is in immediate danger, call 999.",
        error_messages={"required": "Select yes if the young person is at immediate risk of harm"},
    )
    urgency_reason = forms.CharField(label="Explain the immediate risk of harm", widget=forms.Textarea, required=False,
                                     max_length=5000,
                                     error_messages={"max_length": "The explanation must be 5,000 characters or fewer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urgency_reason"].widget.attrs.pop("maxlength", None)
        self.helper = _step_helper(
            ConditionalRadios(
                "urgent",
                Reveal(URGENT_YES, Field.textarea("urgency_reason", rows=4)),
                Reveal(URGENT_NO),
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("urgent") == "yes":
            self.require("urgency_reason", "Explain the immediate risk of harm")
        elif data.get("urgent") == "no":
            data["urgency_reason"] = ""
        return data

    def draft_data(self):
        answer = self.cleaned_data.get("urgent")
        return {
            "urgent": {"yes": True, "no": False}.get(answer),
            "urgency_reason": self.cleaned_data.get("urgency_reason", ""),
        }

    @classmethod
    def initial_from(cls, referral):
        # None is "not answered": no radio is chosen until the referrer answers.
        return {
            "urgent": {True: "yes", False: "no"}.get(referral.urgent),
            "urgency_reason": referral.urgency_reason,
        }


class SharingForm(_StepForm):
    title = "Sharing information"
    conditional_radios = ("informed",)

    lawful_basis = forms.ChoiceField(
        label="What is your lawful basis for sharing this information?", choices=LawfulBasis.choices,
        widget=forms.RadioSelect, help_text=LAWFUL_BASIS_HINT,
        error_messages={"required": "Select the lawful basis for sharing this information"},
    )
    informed = forms.ChoiceField(
        label="Has the young person, or a parent or carer, been told about this referral?",
        choices=Informed.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the young person or a parent has been told about this referral"},
    )
    not_informed_reason = forms.CharField(
        label="Why would telling them put them at risk?", widget=forms.Textarea, required=False, max_length=5000,
        error_messages={"max_length": "The reason must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_informed_reason"].widget.attrs.pop("maxlength", None)
        self.helper = _step_helper(
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            ConditionalRadios(
                "informed",
                Reveal(Informed.YOUNG_PERSON.label),
                Reveal(Informed.PARENT.label),
                Reveal(Informed.NOT_TOLD.label, Field.textarea("not_informed_reason", rows=4)),
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("informed") == Informed.NOT_TOLD:
            self.require("not_informed_reason", "Explain why telling them would put them at risk")
        elif data.get("informed"):
            data["not_informed_reason"] = ""
        return data


# The journey, in order: (slug, form). The slugs are part of the URLs.
STEPS = (
    ("young-person", YoungPersonForm),
    ("concern", ConcernForm),
    ("urgency", UrgencyForm),
    ("sharing", SharingForm),
)
STEP_FORMS = dict(STEPS)
STEP_SLUGS = [slug for slug, _ in STEPS]

# Which step asks each question: where an error found on submission is fixed.
FIELD_STEPS = {
    name: slug for slug, form in STEPS for name in form.base_fields
}


def step_for_field(name):
    return FIELD_STEPS.get(name, STEP_SLUGS[0])


def first_unanswered_step(referral, concerns):
    """Where a referrer picking up a draft should go: the first step with a required answer missing."""
    needs = {
        "young-person": ("given_name", "family_name", "date_of_birth", "sex", "ethnicity", "postcode", "area"),
        "concern": ("account",),
        "sharing": ("lawful_basis", "informed"),
    }
    for slug in STEP_SLUGS:
        if slug == "concern" and not concerns:
            return slug
        if any(not getattr(referral, name) for name in needs.get(slug, ())):
            return slug
        # An unanswered urgency (None) does not stop here: the referrer goes on, and Check your answers shows it
        # as "Not answered" and refuses to send until it is answered.
        if slug == "urgency" and referral.urgent and not referral.urgency_reason:
            return slug
    return None


class StartForm(forms.Form):
    """A hidden key made when the start page is shown: a double-clicked start makes one draft."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class StatusFilterForm(FilterForm):
    status = forms.ChoiceField(label="Status", choices=[("", "All statuses")] + list(Status.choices), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"  # no CSRF token in the query string
        self.helper.layout = Layout(Field.select("status"), Button.secondary("filter", "Apply filter"))

    def chosen_status(self):
        return self.chosen().get("status", "")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer", widget=forms.Textarea,
        help_text="The VRU sees your answer on the referral's timeline, and it goes back to them for a decision.",
        error_messages={"required": "Enter your answer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        key = add_idempotency_key(self)  # a double-clicked answer is sent once
        self.helper.layout = Layout(
            Field.textarea("answer", label_size=Size.SMALL, rows=6, max_characters=rules.ACCOUNT_MAX_CHARS, threshold=75),
            key, Button("send", "Send your answer", data_prevent_double_click="true"),
        )

    def clean_answer(self):
        answer = (self.cleaned_data.get("answer") or "").replace("\r\n", "\n")
        if len(answer) > rules.ACCOUNT_MAX_CHARS:
            raise ValidationError(f"Your answer must be {rules.ACCOUNT_MAX_CHARS:,} characters or fewer")
        return answer

    def error_links(self):
        return [("#id_answer", message) for message in self.non_field_errors()] + [
            ("#id_answer", message) for message in self.errors.get("answer", [])
        ]

