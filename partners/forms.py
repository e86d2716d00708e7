from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .models import AuditAction, Organisation, User


def gds_helper(*layout, submit="Continue"):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout, Button("submit", submit))
    return helper


class SignInForm(AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your organisation's administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["password"].label = "Password"
        self.fields["password"].required = False  # not asked of people whose organisation signs them in
        self.fields["password"].help_text = "Not needed if your organisation signs you in with its own account."
        self.provider = None
        self.helper = gds_helper(
            Field.text("username", field_width=20), Field.text("password", field_width=20), submit="Sign in"
        )

    def clean(self):
        from .signin.sso import provider_for_email

        email = self.cleaned_data.get("username")
        self.provider = provider_for_email(email) if email else None
        if self.provider is not None:
            return self.cleaned_data
        if email and not self.cleaned_data.get("password"):
            self.add_error("password", "Enter your password")
            return self.cleaned_data
        try:
            return super().clean()
        except forms.ValidationError as error:
            # GOV.UK pattern: the message shows next to the field (the password, to type again) as well as in the summary.
            self.add_error("password", error)
            return self.cleaned_data


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.helper = gds_helper(Field.text("email", field_width=20), submit="Send reset link")


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("new_password1", field_width=20), Field.text("new_password2", field_width=20),
            submit="Set password",
        )


class SwitchOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Which organisation are you acting for?", empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = gds_helper(Field.radios("organisation", legend_size=Size.MEDIUM), submit="Continue")


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label="User")
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, label="Organisation")
    action = forms.ChoiceField(choices=[("", "Any")] + AuditAction.choices, required=False)
    object_type = forms.CharField(required=False, label="Record type", help_text="For example referrals.referral")
    object_id = forms.CharField(required=False, label="Record id")
    date_from = forms.DateField(required=False, label="From", help_text="For example 2026-11-01")
    date_to = forms.DateField(required=False, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("user"), Field.select("organisation"), Field.select("action"), Field.text("object_type"),
            Field.text("object_id"), Field.text("date_from", field_width=10), Field.text("date_to", field_width=10),
            submit="Apply filters",
        )
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
