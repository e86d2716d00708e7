"""allauth's second-factor forms with GOV.UK labels, and django-axes counting wrong codes with wrong passwords."""

from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from axes.handlers.proxy import AxesProxyHandler
from crispy_forms_gds.layout import Field
from django import forms

from partners.forms import gds_helper

CODE_HINT = "The 6 numbers your authenticator app shows, or one of your recovery codes."
LOCKED = "Too many wrong codes. Try again in 15 minutes, or ask your organisation's administrator."


def _code_field(form, label, hint=CODE_HINT):
    form.fields["code"].label = label
    form.fields["code"].help_text = hint
    form.fields["code"].widget.attrs.pop("placeholder", None)
    form.fields["code"].widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false"})


class CountedCodeMixin:
    """A wrong code counts as a failed sign-in for django-axes, for the same email and address as a password."""

    def clean_code(self):
        request = context.request
        credentials = {"username": self.user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            self._locked(request)
        try:
            return super().clean_code()
        except forms.ValidationError:
            AxesProxyHandler.user_login_failed(sender=type(self), credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                self._locked(request)
            raise forms.ValidationError("The code is not right. Check your authenticator app and try again.") from None

    def _locked(self, request):
        request.axes_locked_out = True  # axes' middleware shows its lockout page
        clear_login(request)
        raise forms.ValidationError(LOCKED)


class CodeForm(CountedCodeMixin, AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Security code")
        self.helper = gds_helper(Field.text("code", field_width=10), submit="Continue")


class ReauthenticateCodeForm(CountedCodeMixin, ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Security code")
        self.helper = gds_helper(Field.text("code", field_width=10), submit="Confirm")


class ActivateAppForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, "Code from the app", hint="Enter the 6 numbers the app shows for this portal.")
        self.helper = gds_helper(Field.text("code", field_width=10), submit="Set up the app")

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError:
            raise forms.ValidationError("The code is not right. Check the app shows this portal, and try again.") from None


class AddKeyForm(AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name this key"
        self.fields["name"].help_text = "So you can tell your keys apart, for example \"Blue USB key\"."
        self.fields["credential"].widget = forms.HiddenInput()
