"""Starting work on an allocation, 'Our caseload' and the intervention page: the delivering organisation's
caseworker records sessions and assessments, and ends the work through a confirmation page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.filtering import choice_filter
from core.web import apply_errors
from partners import access
from referrals import selectors as referral_selectors
from referrals.models import Allocation

from . import rules, selectors, services
from .forms import AssessmentForm, CorrectSessionForm, SessionForm
from .forms_work import ENDINGS, EndForm, StartWorkForm
from .models import Intervention, Session
from .views_common import require_case_reader

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
        "sessions_target": sessions[0].target if sessions else intervention.planned_sessions,
    }


@login_required
def caseload(request):
    access.require_capability(request.acting, "work_allocations")
    day = clock.today()
    show, form = choice_filter(request.GET, "show", [("ended", "Ended interventions")], label="Show")
    ended = show == "ended"
    rows = selectors.caseload(request.acting, today=day, ended=ended)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    referral_selectors.show_names(request.acting, page, today=day, list_name="caseload",
                                  subject=lambda intervention: intervention.young_person)
    return render(request, "outcomes/caseload.html", {
        "page": page, "rows": [_row(i) for i in page], "today": day, "ended": ended, "query": form.query(), "form": form,
        "live_statuses": (*rules.ACTIVE_STATUSES, rules.RETURNED_TO_POLICE),
    })


def _context(request, intervention, **forms):
    acting = request.acting
    mine = access.may(acting, "outcomes.record_work", intervention)
    live = intervention.status not in services.ENDED
    error_form = next((form for form in forms.values() if form.errors), None)
    return {
        "intervention": intervention, "today": clock.today(), "can_record": mine and live, "can_correct": mine,
        "sessions": intervention.sessions.all(), "assessments": intervention.assessments.all(),
        "case_link": intervention.case_id is not None and access.can(acting, "view_cases"),
        "session_form": forms.get("session") or SessionForm(),
        "assessment_form": forms.get("assessment") or AssessmentForm(),
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
                                reason=data["reason"], next_session_on=data.get("next_session_on"),
                                idempotency_key=data.get("idempotency_key"), now=now)

    return _record(request, pk, "session", SessionForm, action, "Session recorded.")


@login_required
@require_POST
def record_assessment(request, pk):
    def action(data, now):
        services.record_assessment(request.acting, pk, kind=data["kind"], completed_on=data["completed_on"],
                                   idempotency_key=data.get("idempotency_key"), now=now)

    return _record(request, pk, "assessment", AssessmentForm, action, "Assessment recorded.")


_ENDED_MESSAGES = {"complete": "Completion recorded. The referrer sees that the work is completed.",
                   "disengage": "Disengagement recorded. The referrer sees that the work has ended.",
                   "withdraw": "Withdrawal recorded. The referrer sees that the work has ended."}
_END_SERVICES = {"complete": services.complete_intervention, "disengage": services.disengage,
                 "withdraw": services.withdraw}


def _end(request, pk, ending):
    """The confirmation page of one ending: what happens next, the date, a required outcome note."""
    acting = access.require_capability(request.acting, "record_session")
    item = selectors.intervention_detail(acting, pk)
    if not access.may(acting, "outcomes.record_work", item):
        raise Http404("No such record.")  # the VRU sees every intervention; only the delivering organisation ends one
    form = EndForm(request.POST or None, ending=ending)
    if request.method == "POST" and form.is_valid():
        try:
            _END_SERVICES[ending](acting, pk, on=form.cleaned_data["on"], note=form.cleaned_data["note"], now=timezone.now())
            messages.success(request, _ENDED_MESSAGES[ending])
            return redirect("intervention-detail", pk=pk)
        except ValidationError as error:
            apply_errors(form, error)
    status, question, _, _ = ENDINGS[ending]
    return render(request, "outcomes/intervention_end.html", {
        "intervention": item, "form": form, "question": question, "ended": item.status in services.ENDED,
        "referrer_sees": services.work_ended_in_words(status, item.organisation.name) if item.referral_id else "",
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def complete(request, pk):
    return _end(request, pk, "complete")


@login_required
@require_http_methods(["GET", "POST"])
def disengage(request, pk):
    return _end(request, pk, "disengage")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    return _end(request, pk, "withdraw")


# --- Starting work on an accepted allocation ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start_work(request, pk):
    """'Start work' from the allocation's page: the programme, the start date and the planned number of sessions."""
    acting = access.require_capability(request.acting, "work_allocations")
    allocation = referral_selectors.allocation_for(acting, pk)
    started = allocation.interventions.first()
    if started is not None and request.method == "GET":
        messages.info(request, "Work has already started on this allocation.")
        return redirect("intervention-detail", pk=started.pk)
    programmes = list(selectors.programmes_of(acting.organisation))
    form = StartWorkForm(request.POST or None, programmes=programmes,
                         initial=None if request.method == "POST" else {"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            try:
                intervention = services.start_intervention(
                    acting, allocation, programme=data["programme"], started_on=data["started_on"],
                    planned_sessions=data["planned_sessions"], idempotency_key=data["idempotency_key"], now=timezone.now())
            except IntegrityError:
                # Two clicks raced past the "already made?" check: the other one made it, so show that one.
                intervention = services.start_intervention(
                    acting, allocation, programme=data["programme"], started_on=data["started_on"],
                    planned_sessions=data["planned_sessions"], idempotency_key=data["idempotency_key"], now=timezone.now())
            messages.success(request, f"Work started. {intervention.young_person.display_name} is on your caseload.")
            return redirect("intervention-detail", pk=intervention.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "outcomes/start_work.html", {
        "allocation": allocation, "form": form, "programmes": programmes,
        "accepted": allocation.state == Allocation.State.ACCEPTED,
    }, status=400 if form.errors else 200)


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
                                     reason=data["reason"], correction_reason=data["correction_reason"], now=timezone.now(),
                                     idempotency_key=data.get("idempotency_key"))
            messages.success(request, "The correction is recorded. The original session is kept and shown as corrected.")
            return redirect("intervention-detail", pk=session.intervention_id)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "outcomes/session_correct.html", {"session": session, "form": form},
                  status=400 if form.errors else 200)
