"""Pages of signing in: set up a second factor, your sessions, an administrator's factor reset, providers."""

from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partners import access, selectors

from . import services, sso
from .decorators import fresh_second_factor
from .forms_admin import ProviderForm
from .user_agents import describe


def counts_as_passed(view):
    """Setting up a factor proves it: the session has passed a second factor from then on (allauth tells of the
    new factor only once the transaction commits, too late for the page that follows)."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 302 and services.is_enrolled(request.user):
            from .state import has_second_factor, record_enrolment

            if not has_second_factor(request):
                record_enrolment(request, request.user, "new")
        return response

    return wrapper


def go_to_provider(request, provider, next_url):
    """Start the organisation's OpenID Connect sign-in; allauth checks the answer and sso.match the person."""
    social = get_social_adapter().get_provider(request, provider.app.provider_id)
    return social.redirect(request, process=AuthProcess.LOGIN, next_url=next_url)


@login_required
def set_up(request):
    if services.is_enrolled(request.user):
        return redirect("mfa_index")
    return render(request, "signin/set_up.html")


@login_required
def factors(request):
    """Your sign-in: the factors you have, and what you can do with them."""
    mine = services.factors_of(request.user)
    return render(request, "mfa/index.html", {
        "apps": [a for a in mine if a.type == Authenticator.Type.TOTP],
        "keys": [a for a in mine if a.type == Authenticator.Type.WEBAUTHN],
        "codes": next((a for a in mine if a.type == Authenticator.Type.RECOVERY_CODES), None),
    })


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request):
    current = request.session.session_key
    if request.method == "POST":
        ended = services.end_sessions(request, request.user, reason="signed_out_others", keep_session_key=current)
        messages.success(request, f"Signed out of {ended} other session{'' if ended == 1 else 's'}.")
        return redirect("sessions")
    rows = [
        {"session": s, "browser": describe(s.user_agent), "current": s.session_key == current,
         "address": "Unknown" if s.ip == "0.0.0.0" else s.ip}  # nosec B104
        for s in UserSession.objects.filter(user_id=request.user.pk).order_by("-last_seen_at")
    ]
    return render(request, "signin/sessions.html", {"rows": rows, "others": sum(not r["current"] for r in rows)})


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor
def reset_factors(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    person = selectors.person_of(acting, pk)
    access.require_to(acting, "partners.reset_factors", person)
    if request.method == "POST":
        services.reset_factors(acting, person)
        messages.success(request, f"{person.full_name}'s second factors are removed and their sessions ended. "
                                  "They set up new ones when they next sign in.")
        return redirect("person-detail", pk=person.pk)
    return render(request, "signin/reset_factors.html", {"person": person,
                                                          "factors": services.factors_of(person)})


@login_required
@require_http_methods(["GET", "POST"])
def provider(request, pk):
    acting = access.require_capability(request, "onboard_organisations")
    organisation = access.get_visible_or_404(acting, selectors.organisations_for_admin(acting), pk=pk)
    existing = getattr(organisation, "sign_in_provider", None) if hasattr(organisation, "sign_in_provider") else None
    form = ProviderForm(request.POST or None, existing=existing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sso.save_provider(acting, organisation, issuer=data["issuer"], client_id=data["client_id"],
                          secret=data["secret"], domains=data["domains"], mfa_acr_values=data["acr_values"])
        messages.success(request, f"People of {organisation.name} whose email is on "
                                  f"{', '.join(data['domains'])} now sign in with their organisation's account.")
        return redirect("organisations")
    return render(request, "signin/provider.html", {"organisation": organisation, "form": form,
                                                    "existing": existing})
