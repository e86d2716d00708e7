"""Administration pages: an organisation's people and API tokens, the VRU's organisations, invitation links.

Thin: parse, call one service in partners/admin_services.py (or token_services), render. Forms that create
carry a one-use key, so a double-clicked submit finds what the first click made instead of making another.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.web import apply_errors, flash_error

from . import access, admin_services, rules, selectors, token_services
from .forms import NewPasswordForm
from .forms_admin import InviteForm, OrganisationForm, RolesForm, TokenForm
from .models import ApiToken
from .signin.decorators import fresh_second_factor

PAGE_SIZE = 50


def _key(request):
    """The form's one-use key: the posted one, or a fresh one (a missing or mangled key cannot match anything)."""
    try:
        return uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return uuid.uuid4()


def _retrying(call):
    """Two clicks can race past the "already made?" check: the loser's unique key fails, and the retry finds it."""
    try:
        return call()
    except IntegrityError:
        return call()


# --- People -------------------------------------------------------------------------------------------------


def _row(person):
    return {"person": person, "roles": sorted(m.get_role_display() for m in person.here),
            "active": person.is_active and any(m.active for m in person.here), "invited": not person.has_usable_password()}


@login_required
def people(request):
    acting = access.require_capability(request, "manage_organisation")
    page = Paginator(selectors.people_of(acting), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/admin/people.html", {"page": page, "rows": [_row(p) for p in page]})


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor(only_post=True)
def invite(request):
    acting = access.require_capability(request, "manage_organisation")
    key = _key(request) if request.method == "POST" else uuid.uuid4()
    form = InviteForm(request.POST or None, kind=acting.organisation.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = _retrying(lambda: admin_services.invite_person(
                acting, email=data["email"], full_name=data["full_name"], roles=data["roles"], now=timezone.now(),
                idempotency_key=key))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.user.email}. The link works for 72 hours.")
            return redirect("person-detail", pk=invitation.user_id)
    return render(request, "partners/admin/invite.html", {"form": form, "idempotency_key": key})


def _person_page(request, acting, person, form=None):
    row = _row(person)
    mine = person.pk == acting.user.pk
    if form is None and not mine:
        form = RolesForm(kind=acting.organisation.kind, initial={"roles": [m.role for m in person.here]})
    return render(request, "partners/admin/person.html", {
        "row": row, "person": person, "mine": mine, "form": form,
        "invitation": selectors.pending_invitation(person, acting.organisation) if row["invited"] else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor(only_post=True)
def person(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    person = selectors.person_of(acting, pk)
    if request.method == "GET":
        return _person_page(request, acting, person)
    form = RolesForm(request.POST, kind=acting.organisation.kind)
    if form.is_valid():
        try:
            admin_services.change_roles(acting, person, form.cleaned_data["roles"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Roles of {person.full_name} saved.")
            return redirect("person-detail", pk=person.pk)
    return _person_page(request, acting, person, form)


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor(only_post=True)
def deactivate_person(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    person = selectors.person_of(acting, pk)
    errors = []
    if request.method == "POST":
        try:
            admin_services.deactivate_person(acting, person, now=timezone.now())
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"{person.full_name} is deactivated. They can no longer act for "
                                      f"{acting.organisation.name}.")
            return redirect("person-detail", pk=person.pk) if person.pk != acting.user.pk else redirect("home")
    return render(request, "partners/admin/deactivate_person.html", {
        "person": person, "mine": person.pk == acting.user.pk, "links": [("#confirm", m) for m in errors]})


@login_required
@require_POST
def reactivate_person(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    person = selectors.person_of(acting, pk)
    admin_services.reactivate_person(acting, person)
    messages.success(request, f"{person.full_name} is active again.")
    return redirect("person-detail", pk=person.pk)


@login_required
@require_POST
def resend_invitation(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    person = selectors.person_of(acting, pk)
    try:
        admin_services.resend_invitation(acting, person, now=timezone.now())
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, f"A new invitation has been sent to {person.email}. Earlier links no longer work.")
    return redirect("person-detail", pk=person.pk)


# --- API tokens ---------------------------------------------------------------------------------------------


@login_required
def tokens(request):
    acting = access.require_capability(request, "manage_organisation")
    page = Paginator(selectors.tokens_of(acting), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/admin/tokens.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor
def new_token(request):
    acting = access.require_capability(request, "manage_organisation")
    people = [row["person"] for row in map(_row, selectors.people_of(acting)) if row["active"] and not row["invited"]]
    form = TokenForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = next(p for p in people if p.pk == form.cleaned_data["user"])
        try:
            token, secret = token_services.create_token(
                acting, form.cleaned_data["name"], for_user=chosen,
                idempotency_key=form.cleaned_data.get("idempotency_key"),
                expires_at=rules.token_expiry_moment(form.cleaned_data["expires_on"]),
                read_only=form.cleaned_data["scope"] == "read")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if secret is None:  # the same form sent twice: the first response showed the secret, once
                messages.info(request, f"The token “{token.name}” was already created. Its secret was shown once: "
                                       "if it was not copied, revoke the token and create a new one.")
                return redirect("tokens")
            # Shown on this response only: never stored, never in a redirect or a message.
            return render(request, "partners/admin/token_created.html", {"token": token, "secret": secret})
    return render(request, "partners/admin/token_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@fresh_second_factor
def revoke_token(request, pk):
    acting = access.require_capability(request, "manage_organisation")
    token = access.get_visible_or_404(acting, ApiToken.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        token_services.revoke_token(acting, token)
        messages.success(request, f"The token “{token.name}” is revoked. Systems using it are refused from now on.")
        return redirect("tokens")
    return render(request, "partners/admin/token_revoke.html", {"token": token})


# --- Organisations (the VRU's administrators) ---------------------------------------------------------------


@login_required
def organisations(request):
    acting = access.require_capability(request, "onboard_organisations")
    page = Paginator(selectors.organisations_for_admin(acting), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/admin/organisations.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def new_organisation(request):
    acting = access.require_capability(request, "onboard_organisations")
    key = _key(request) if request.method == "POST" else uuid.uuid4()
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = _retrying(lambda: admin_services.onboard_organisation(
                acting, name=data["name"], kind=data["kind"], area=data["area"], admin_name=data["admin_name"],
                admin_email=data["admin_email"], now=timezone.now(), idempotency_key=key))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{invitation.organisation.name} is added. An invitation has been sent to "
                                      f"{invitation.user.email}, its first administrator.")
            return redirect("organisations")
    return render(request, "partners/admin/organisation_new.html", {"form": form, "idempotency_key": key})


@login_required
@require_http_methods(["GET", "POST"])
def deactivate_organisation(request, pk):
    acting = access.require_capability(request, "onboard_organisations")
    org = access.get_visible_or_404(acting, selectors.organisations_for_admin(acting), pk=pk)
    errors = []
    if request.method == "POST":
        try:
            admin_services.deactivate_organisation(acting, org)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"{org.name} is deactivated. Nobody can act for it until it is reactivated.")
            return redirect("organisations")
    return render(request, "partners/admin/deactivate_organisation.html", {
        "organisation": org, "links": [("#confirm", m) for m in errors]})


@login_required
@require_POST
def reactivate_organisation(request, pk):
    acting = access.require_capability(request, "onboard_organisations")
    org = access.get_visible_or_404(acting, selectors.organisations_for_admin(acting), pk=pk)
    admin_services.reactivate_organisation(acting, org)
    messages.success(request, f"{org.name} is active again.")
    return redirect("organisations")


# --- The invitation link (no sign-in needed: the link is the credential) ------------------------------------


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    now = timezone.now()
    invitation = admin_services.invitation_for(token)
    state = admin_services.invitation_state(invitation, now=now)
    form = None
    if state == rules.VALID:
        form = NewPasswordForm(invitation.user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                admin_services.accept_invitation(token, form.cleaned_data["new_password1"], now=now)
            except ValidationError as error:
                state = error.code or rules.UNKNOWN
            else:
                messages.success(request, "Your password is set. Sign in with your email address and new password.")
                return redirect("login")
    return render(request, "partners/admin/accept_invitation.html", {
        "form": form if state == rules.VALID else None, "invitation": invitation, "state": state,
        "problem": admin_services.STATE_MESSAGES.get(state)})
