import re

from crispy_forms_gds.layout import Field
from django import forms

from partners.forms import gds_helper
from partners.models import SignInDomain

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](-?[a-z0-9])*\.)+[a-z]{2,63}$")


class ProviderForm(forms.Form):
    issuer = forms.URLField(label="Issuer URL", assume_scheme="https",
                            help_text="The provider's address. For Microsoft Entra ID: login.microsoftonline.com, then "
                                      "your tenant id, then v2.0. The portal reads its discovery document from there.")
    client_id = forms.CharField(label="Client ID", max_length=191)
    secret = forms.CharField(label="Client secret", required=False, widget=forms.PasswordInput(render_value=False),
                             help_text="Leave blank to keep the secret already recorded.")
    domains = forms.CharField(label="Email domains", help_text="The domains of its people's email addresses, "
                                                               "separated by commas, for example police.example.org")
    acr_values = forms.CharField(label="acr values that mean two factors (optional)", required=False,
                                 help_text="An amr claim of \"mfa\" always counts. Separate values with commas.")

    def __init__(self, *args, existing=None, **kwargs):
        self.existing = existing
        if existing is not None and not kwargs.get("initial"):
            app = existing.app
            kwargs["initial"] = {"issuer": app.settings.get("server_url"), "client_id": app.client_id,
                                 "domains": ", ".join(d.domain for d in existing.domains.all()),
                                 "acr_values": ", ".join(app.settings.get("mfa_acr_values") or [])}
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("issuer"), Field.text("client_id", field_width=20),
                                 Field.text("secret", field_width=20), Field.text("domains"),
                                 Field.text("acr_values", field_width=20), submit="Save single sign-on")

    @staticmethod
    def _split(text):
        return [part.strip().lower() for part in re.split(r"[,\s]+", text or "") if part.strip()]

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if not secret and self.existing is None:
            raise forms.ValidationError("Enter the client secret")
        return secret

    def clean_domains(self):
        domains = self._split(self.cleaned_data["domains"])
        if not domains:
            raise forms.ValidationError("Enter at least one email domain")
        bad = [d for d in domains if not DOMAIN.match(d)]
        if bad:
            raise forms.ValidationError(f"Enter email domains like police.example.org, not {', '.join(bad)}")
        taken = SignInDomain.objects.filter(domain__in=domains)
        if self.existing is not None:
            taken = taken.exclude(provider=self.existing)
        taken = sorted(taken.values_list("domain", flat=True))
        if taken:
            raise forms.ValidationError(f"{', '.join(taken)} already signs in with another organisation's provider")
        return sorted(set(domains))

    def clean_acr_values(self):
        return self._split(self.cleaned_data["acr_values"])
