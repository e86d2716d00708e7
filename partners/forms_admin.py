"""Forms of the administration pages. They check what was typed; partners/admin_services.py decides what is
allowed. Field names match the keys of the services' ValidationErrors, so a message lands beside its field.
"""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.clock import today
from core.forms import GovukForm, date_field, date_layout

from . import rules
from .admin_services import ONBOARD_KINDS
from .models import Area, OrganisationKind


class AdminForm(GovukForm):
    """The administration pages' forms: the portal's GOV.UK form."""


def _text(label, message, max_length, **kwargs):
    return forms.CharField(label=label, max_length=max_length, error_messages={
        "required": message, "max_length": f"Enter {max_length} characters or fewer"}, **kwargs)


def _email(label="Email address"):
    return forms.EmailField(label=label, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}),
                            error_messages={"required": "Enter the person's email address",
                                            "invalid": "Enter an email address in the correct format, like name@example.org"})


def _roles_field(kind):
    return forms.MultipleChoiceField(
        label="Roles", widget=forms.CheckboxSelectMultiple, help_text="Select all that apply",
        choices=[(r.value, r.label) for r in rules.roles_for(kind)],
        error_messages={"required": "Select at least one role",
                        "invalid_choice": "Select only roles this organisation can use"},
    )


class InviteForm(AdminForm):
    submit = "Send invitation"

    full_name = _text("Full name", "Enter the person's full name", 150)
    email = _email()

    def __init__(self, *args, kind, **kwargs):
        self.base_fields = {**self.base_fields, "roles": _roles_field(kind)}
        super().__init__(*args, **kwargs)

    def layout(self):
        return [Field.text("full_name", field_width=20), Field.text("email", field_width=20),
                Field.checkboxes("roles", legend_size=Size.SMALL, small=True)]


class RolesForm(AdminForm):
    submit = "Save roles"

    def __init__(self, *args, kind, **kwargs):
        self.base_fields = {"roles": _roles_field(kind)}
        super().__init__(*args, **kwargs)

    def layout(self):
        return [Field.checkboxes("roles", legend_size=Size.SMALL, small=True)]


class TokenForm(AdminForm):
    submit = "Create token"
    idempotent = True

    name = _text("Name", "Enter a name for the token", 100, help_text="What the token is for, e.g. the partner system's name")

    def __init__(self, *args, people, **kwargs):
        self.base_fields = {**self.base_fields, "user": forms.TypedChoiceField(
            label="Which person does the token act as?", coerce=int,
            help_text="The token can do exactly what this person can do for your organisation",
            choices=[("", "Choose a person"), *[(p.pk, f"{p.full_name} ({p.email})") for p in people]],
            error_messages={"required": "Select the person the token acts as",
                            "invalid_choice": "Select an active person of your organisation"}),
            "scope": forms.ChoiceField(
                label="What may the token do?", widget=forms.RadioSelect,
                choices=[("read", "Read only"), ("write", "Read and write: it can also make and change records")],
                error_messages={"required": "Select what the token may do",
                                "invalid_choice": "Select what the token may do"}),
            "expires_on": date_field("When does it expire?", "The expiry date", "the date the token expires",
                                     hint=f"At most a year from today. For example, {rules.example_expiry(today())}"),
        }
        super().__init__(*args, **kwargs)

    def layout(self):
        return [Field.text("name", field_width=20), Field.select("user"),
                Field.radios("scope", legend_size=Size.SMALL, small=True), date_layout("expires_on")]


class OrganisationForm(AdminForm):
    submit = "Add organisation and send invitation"

    name = _text("Organisation name", "Enter the organisation's name", 200)
    kind = forms.ChoiceField(label="Kind of organisation", widget=forms.RadioSelect,
                             choices=[(k.value, OrganisationKind(k).label) for k in ONBOARD_KINDS],
                             error_messages={"required": "Select the kind of organisation",
                                             "invalid_choice": "Select the kind of organisation"})
    area = forms.ChoiceField(label="Area", required=False, choices=[("", "Choose an area"), *Area.choices],
                             help_text="Leave blank only for a voluntary organisation that works across the region",
                             error_messages={"invalid_choice": "Select the area"})
    admin_name = _text("Full name of its first administrator", "Enter the administrator's full name", 150)
    admin_email = _email("Email address of its first administrator")

    def layout(self):
        return [Field.text("name", field_width=20), Field.radios("kind", legend_size=Size.SMALL, small=True),
                Field.select("area"), Field.text("admin_name", field_width=20), Field.text("admin_email", field_width=20)]


