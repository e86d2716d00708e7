from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import audit, csv_export, selectors
from .access import SESSION_KEY, as_acting, organisations_of, require_capability
from .forms import AuditFilterForm, NewPasswordForm, ResetRequestForm, SignInForm, SwitchOrganisationForm
from .home import home_sections
from .signin.decorators import fresh_second_factor


class SignInView(auth_views.LoginView):
    """The portal's sign-in form (django-axes, Argon2); allauth then asks for the second factor (partners/signin)."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        from allauth.account.internal.flows.login import perform_password_login
        from allauth.account.models import Login

        if form.provider is not None:
            from .signin.views import go_to_provider

            return go_to_provider(self.request, form.provider, self.get_success_url())
        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url(), email=user.email)
        return perform_password_login(self.request, {"email": user.email}, login)


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"


@login_required
def home(request):
    acting = as_acting(request)
    return render(request, "partners/home.html", {"sections": home_sections(acting)})


@login_required
@require_http_methods(["GET", "POST"])
def switch_organisation(request):
    organisations = organisations_of(request.user)
    form = SwitchOrganisationForm(
        request.POST or None, organisations=organisations,
        initial={"organisation": as_acting(request).organisation},
    )
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["organisation"].pk
        messages.success(request, f"You are now acting for {form.cleaned_data['organisation'].name}.")
        return redirect("home")
    return render(request, "partners/switch_organisation.html", {"form": form})


def _filtered_events(request):
    acting = require_capability(request, "view_audit")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        filters["date_from"] = datetime.combine(filters["date_from"], time.min, tzinfo=tz)
    if filters.get("date_to"):
        filters["date_to"] = datetime.combine(filters["date_to"], time.max, tzinfo=tz)
    return acting, form, selectors.audit_events(acting, **filters)


@login_required
def audit_events(request):
    acting, form, events = _filtered_events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "partners/audit_events.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@fresh_second_factor
def audit_events_csv(request):
    acting, form, events = _filtered_events(request)
    audit.record(request, audit.AuditAction.EXPORT, detail={"export": "audit_events", "filters": request.GET.dict()})
    header = ["occurred_at", "actor_email", "organisation", "action", "object_type", "object_id", "young_person_id", "ip_address"]

    def rows():
        yield header
        for e in events.iterator(chunk_size=2000):
            yield [
                e.occurred_at.isoformat(), e.actor_email, e.organisation.name if e.organisation else "",
                e.action, e.object_type, e.object_id, e.young_person_id or "", e.ip_address or "",
            ]

    response = StreamingHttpResponse(csv_export.lines(rows()), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response
