"""Single sign-on: whose provider an email's domain is, and whether the person signing in there may come in.

Nobody is created and nothing about roles is taken from the provider: the provider only proves an email address,
and it must be the verified address of someone already invited to the provider's organisation.
"""

from allauth.socialaccount.models import SocialApp
from django.db import transaction

from partners import audit
from partners.models import Membership, SignInDomain, SignInProvider, User

from .state import record_provider_factor

# RFC 8176 amr values, and the OpenID Connect acr values, that mean more than one factor.
MULTI_FACTOR_AMR = {"mfa"}
PROVIDER_ID_PREFIX = "org-"


def domain_of(email):
    return email.rpartition("@")[2].strip().lower()


def provider_for_email(email):
    """The organisation's provider an email address signs in with, or None."""
    domain = SignInDomain.objects.select_related("provider__app").filter(domain=domain_of(email)).first()
    return domain.provider if domain else None


def _claims(extra_data):
    id_token = extra_data.get("id_token") or {}
    userinfo = extra_data.get("userinfo") or {}
    return id_token, {**id_token, **userinfo}


def asserts_second_factor(id_token, app):
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    accepted_acr = set(app.settings.get("mfa_acr_values") or [])
    return bool(MULTI_FACTOR_AMR & set(amr)) or (id_token.get("acr") in accepted_acr if accepted_acr else False)


def _refuse(request, provider_id, email, reason):
    audit.record(None, audit.AuditAction.SSO_REFUSED, request=request, email=email,
                 detail={"provider": provider_id, "reason": reason})
    return reason


def match(request, sociallogin):
    """Tie a provider's sign-in to the invited person it proves, or say why not (a sentence for the page)."""
    provider_id = sociallogin.account.provider
    provider = SignInProvider.objects.select_related("organisation", "app").filter(app__provider_id=provider_id).first()
    id_token, claims = _claims(sociallogin.account.extra_data)
    email = str(claims.get("email") or "").strip().lower()
    if provider is None or not provider.organisation.active:
        return _refuse(request, provider_id, email, "This organisation does not sign in here with single sign-on.")
    if not email or claims.get("email_verified") not in (True, "true", "True"):
        return _refuse(request, provider_id, email, "Your organisation's sign-in did not confirm your email address.")
    if not provider.domains.filter(domain=domain_of(email)).exists():
        return _refuse(request, provider_id, email, "Your email address is not on one of your organisation's domains.")
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    member = user and Membership.objects.filter(user=user, organisation=provider.organisation, active=True).exists()
    if not member:
        return _refuse(request, provider_id, email,
                       "There is no account for this email address. Ask your organisation's administrator to invite you.")
    if sociallogin.is_existing and sociallogin.user.pk != user.pk:
        return _refuse(request, provider_id, email, "This sign-in belongs to another account.")
    if not sociallogin.is_existing:
        with transaction.atomic():
            sociallogin.user = user
            sociallogin.save(request)
    request.provider_factor = asserts_second_factor(id_token, provider.app)
    if request.provider_factor:
        record_provider_factor(request, user, provider_id)
    audit.record(user, audit.AuditAction.SSO_LOGIN, request=request,
                 detail={"provider": provider_id, "provider_factor": request.provider_factor})
    return None


def record_error(request, provider, error, exception):
    audit.record(None, audit.AuditAction.SSO_REFUSED, request=request,
                 detail={"provider": getattr(provider, "id", ""), "reason": str(error or exception or "")[:200]})


def save_provider(acting, organisation, *, issuer, client_id, secret, domains, mfa_acr_values=()):
    """Record (or change) an organisation's provider and its email domains. The caller has checked the rule."""
    with transaction.atomic():
        existing = SignInProvider.objects.select_related("app").filter(organisation=organisation).first()
        app = existing.app if existing else SocialApp(provider="openid_connect")
        app.provider_id = f"{PROVIDER_ID_PREFIX}{organisation.pk}"
        app.name = organisation.name
        app.client_id = client_id
        if secret:
            app.secret = secret
        app.settings = {"server_url": issuer, "mfa_acr_values": list(mfa_acr_values)}
        app.save()
        provider = existing or SignInProvider.objects.create(organisation=organisation, app=app, created_by=acting.user)
        provider.domains.exclude(domain__in=domains).delete()
        for domain in domains:
            SignInDomain.objects.get_or_create(provider=provider, domain=domain)
        audit.record(acting, audit.AuditAction.UPDATE if existing else audit.AuditAction.CREATE, provider,
                     detail={"domains": sorted(domains)})
    return provider
