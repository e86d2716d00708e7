"""'Our caseload' and the intervention page: the lead agency's caseworker records sessions, assessments and the end."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partners import access
from partners.web import apply_errors

from . import rules, selectors, services
from .forms import AssessmentForm, CompleteForm, CorrectSessionForm, DisengageForm, SessionForm, today
from .models import Intervention, Session
from .views_common import may_see_cases, require_case_reader

PAGE_SIZE = 50
TEMPLATE = "outcomes/intervention.html"


def _row(intervention):
    """One card of the caseload, with what its case's conditions say (prefetched: no query per row)."""
    conditions = list(intervention.case.conditions.all()) if intervention.case_id else []
    pending = [c for c in conditions if c.status == rules.PENDING]
    sessions = [c for c in conditions if c.kind == rules.SESSIONS]
    return {
        "intervention": intervention,
        "next_condition": min(pending, key=lambda c: (c.due_on, c.position), default=None),
        "missed": [c for c in conditions if c.status == rules.MISSED],
        "sessions_target": sessions[0].target if sessions else None,
    }


@login_required
def caseload(request):
    access.require_capability(request.acting, "work_allocations")
    day = today()
    ended = request.GET.get("show") == "ended"
    rows = selectors.caseload(request.acting, today=day, ended=ended)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outcomes/caseload.html", {
        "page": page, "rows": [_row(i) for i in page], "today": day, "ended": ended, "query": "show=ended" if ended else "",
        "live_statuses": (*rules.ACTIVE_STATUSES, rules.RE_REFERRED),
    })


def _context(request, intervention, **forms):
    acting = request.acting
    mine = access.can(acting, "record_session") and intervention.organisation_id == acting.organisation.pk
    live = intervention.status not in services.ENDED
    error_form = next((form for form in forms.values() if form.errors), None)
    return {
        "intervention": intervention, "today": today(), "can_record": mine and live, "can_correct": mine,
        "sessions": intervention.sessions.all(), "assessments": intervention.assessments.all(),
        "case_link": intervention.case_id is not None and may_see_cases(acting),
        "session_form": forms.get("session") or SessionForm(),
        "assessment_form": forms.get("assessment") or AssessmentForm(),
        "complete_form": forms.get("complete") or CompleteForm(),
        "disengage_form": forms.get("disengage") or DisengageForm(),
        "error_form": error_form,
    }


@login_required
def intervention(request, pk):
    require_case_reader(request.acting)
    item = selectors.intervention_detail(request.acting, pk)
    return render(request, TEMPLATE, _context(request, item))


def _record(request, pk, key, form_class, action, success):
    """A POST from one of the intervention page's forms: the service records it, or its errors show on the form."""
    require_case_reader(request.acting)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(form.cleaned_data, timezone.now())
            messages.success(request, success)
            return redirect("intervention-detail", pk=pk)
        except ValidationError as error:
            apply_errors(form, error)
    item = selectors.intervention_detail(request.acting, pk)
    return render(request, TEMPLATE, _context(request, item, **{key: form}), status=400)


@login_required
@require_POST
def record_session(request, pk):
    def action(data, now):
        services.record_session(request.acting, pk, held_on=data["held_on"], attendance=data["attendance"],
                                reason=data["reason"], next_session_on=data.get("next_session_on"), now=now)

    return _record(request, pk, "session", SessionForm, action, "Session recorded.")


@login_required
@require_POST
def record_assessment(request, pk):
    def action(data, now):
        services.record_assessment(request.acting, pk, kind=data["kind"], completed_on=data["completed_on"], now=now)

    return _record(request, pk, "assessment", AssessmentForm, action, "Assessment recorded.")


@login_required
@require_POST
def complete(request, pk):
    def action(data, now):
        services.complete_intervention(request.acting, pk, on=data["on"], now=now)

    return _record(request, pk, "complete", CompleteForm, action, "Completion recorded.")


@login_required
@require_POST
def disengage(request, pk):
    def action(data, now):
        end = services.withdraw if data["ending"] == "withdrawn" else services.disengage
        end(request.acting, pk, on=data["on"], reason=data["reason"], now=now)

    return _record(request, pk, "disengage", DisengageForm, action, "The end of the intervention is recorded.")


def _own_session(acting, pk):
    """A session on one of the acting organisation's own interventions (only the delivering organisation corrects)."""
    interventions = access.visible(acting, Intervention.objects.filter(organisation=acting.organisation))
    queryset = Session.objects.select_related("intervention", "intervention__young_person", "intervention__programme",
                                              "recorded_by", "correction", "corrects")
    return access.get_object_or_404_in(queryset.filter(intervention__in=interventions), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def correct_session(request, pk):
    acting = access.require_capability(request.acting, "record_session")
    session = _own_session(acting, pk)
    initial = {"held_on": session.held_on, "attendance": session.attendance, "reason": session.reason}
    form = CorrectSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_session(acting, session, held_on=data["held_on"], attendance=data["attendance"],
                                     reason=data["reason"], correction_reason=data["correction_reason"], now=timezone.now())
            messages.success(request, "The correction is recorded. The original session is kept and shown as corrected.")
            return redirect("intervention-detail", pk=session.intervention_id)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "outcomes/session_correct.html", {"session": session, "form": form},
                  status=400 if form.errors else 200)
