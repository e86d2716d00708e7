"""Diversion cases: the list, the case page and its actions (conditions included), and the police 'Returned to police'
inbox (starting a case is views_case_start's question journey). Every write is a service call; the services enforce
who may do what, and the page shows each action only to those who may use it."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.web import apply_errors, flash_error
from partners import access, printing

from . import rules, selectors, services
from .forms import (
    CloseForm,
    FurtherChanceForm,
    OutcomeForm,
    ReoffenceForm,
    StatusFilterForm,
    confirm_form,
    missed_reason_form,
    propose_form,
)
from .forms_conditions import AddConditionForm, ConditionMetForm, ConditionMissedForm
from .models import CaseStatus, Condition, DiversionCase
from .views_common import require_case_reader

PAGE_SIZE = 50


@login_required
def cases(request):
    acting = require_case_reader(request.acting)
    form = StatusFilterForm(request.GET or None, choices=CaseStatus.choices)
    status = form.chosen().get("status", "")
    day = clock.today()
    page = Paginator(selectors.cases_for(acting, status=status or None, today=day), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outcomes/cases.html", {
        "page": page, "status": status, "statuses": CaseStatus.choices, "today": day, "query": form.query(), "form": form,
        "live_statuses": (*rules.ACTIVE_STATUSES, rules.RETURNED_TO_POLICE), "can_start": access.can(acting, "decide_diversion"),
    })


def _flags(acting, case):
    """Which actions this person may take on this case now: who from the policy (outcomes/access.py), when from the
    case's state machine (rules.allowed_actions). The services check both again."""
    def may(action):
        return access.may(acting, action, case)

    status = case.status
    allowed = rules.allowed_actions(status)
    return_to_police = getattr(case, "return_to_police", None)
    police = may("outcomes.police_decide")
    return {
        "can_reason": may("outcomes.record_missed_reason"),
        "can_propose": rules.PROPOSE_BREACH in allowed and may("outcomes.work_case"),
        "proposer": status == rules.BREACH_PROPOSED and case.breach_proposed_by_id == acting.user.pk,
        "can_confirm": may("outcomes.confirm_breach"),
        "can_further_chance": rules.FURTHER_CHANCE in allowed and may("outcomes.decide_breach"),
        "can_reoffence": status in (rules.ACTIVE, rules.AT_RISK, rules.BREACH_PROPOSED) and may("outcomes.record_reoffence"),
        "can_close": rules.CLOSE in allowed and police,
        "can_receive": police and status == rules.RETURNED_TO_POLICE and return_to_police is not None
        and return_to_police.received_at is None,
        "can_outcome": rules.RECORD_OUTCOME in allowed and police,
        "can_conditions": status in rules.ACTIVE_STATUSES and may("outcomes.change_conditions"),
    }


def _context(request, case, **forms):
    acting = access.as_acting(request.acting)
    flags = _flags(acting, case)
    conditions = list(case.conditions.all())
    rows = [{"condition": c, "form": (forms.get(f"missed{c.pk}") or missed_reason_form(c))
             if flags["can_reason"] and c.status == rules.MISSED else None} for c in conditions]
    day = clock.today()
    return {
        "case": case, "today": day, "conditions": rows, "interventions": case.interventions.all(),
        "events": case.events.all(), "return_to_police": getattr(case, "return_to_police", None),
        "police_outcome": getattr(case, "police_outcome", None), "deadline": selectors.deadline_state(case, today=day),
        "missed": [c for c in conditions if c.status == rules.MISSED],
        "room_for_condition": len(conditions) < rules.MAX_CONDITIONS, "further": rules.OTHER,
        "propose_form": forms.get("propose") or propose_form(),
        "confirm_form": forms.get("confirm") or confirm_form(),
        "chance_form": forms.get("chance") or FurtherChanceForm(conditions=conditions),
        "reoffence_form": forms.get("reoffence") or ReoffenceForm(),
        "close_form": forms.get("close") or CloseForm(),
        "outcome_form": forms.get("outcome") or OutcomeForm(),
        "error_form": next((form for form in forms.values() if form.errors), None),
        **flags,
    }


@login_required
def case(request, pk):
    require_case_reader(request.acting)
    item = selectors.case_detail(request.acting, pk)
    return render(request, "outcomes/case.html", _context(request, item))


@login_required
def case_print(request, pk):
    """The case page for print (partners/printing.py): audited as printed."""
    require_case_reader(request.acting)
    item = selectors.case_detail(request.acting, pk)
    context = _context(request, item)
    context.update(printing.printed(request, item, page="case", back_url=reverse("case-detail", args=[pk])))
    return render(request, "outcomes/case.html", context)


def _act(request, pk, key, form, action, success):
    """A POST from one of the case page's forms: the service acts, or the page shows again with its errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data, timezone.now())
            messages.success(request, success)
            return redirect("case-detail", pk=pk)
        except ValidationError as error:
            apply_errors(form, error)
    item = selectors.case_detail(request.acting, pk)
    return render(request, "outcomes/case.html", _context(request, item, **{key: form}), status=400)


def _post(view):
    """Signed in, POST only, and a role that may see cases at all (403 before any record is looked up)."""

    def wrapped(request, pk):
        require_case_reader(request.acting)
        return view(request, pk)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(require_POST(wrapped))


@_post
def propose_breach(request, pk):
    def action(data, now):
        services.propose_breach(request.acting, pk, reason=data["reason"], now=now)

    return _act(request, pk, "propose", propose_form(request.POST), action,
                "Breach proposed. A police decision maker or a manager of the lead agency must confirm it.")


@_post
def confirm_breach(request, pk):
    def action(data, now):
        services.confirm_breach(request.acting, pk, reason=data["reason"], now=now)

    return _act(request, pk, "confirm", confirm_form(request.POST), action,
                "Breach confirmed: the case is returned to police.")


@_post
def further_chance(request, pk):
    conditions = list(selectors.case_detail(request.acting, pk).conditions.all())

    def action(data, now):
        services.further_chance(request.acting, pk, condition=data["condition"], new_due_on=data["new_due_on"],
                                reason=data["reason"], now=now)

    return _act(request, pk, "chance", FurtherChanceForm(request.POST, conditions=conditions), action,
                "Further chance given: the condition has its new due date and the case is active again.")


@_post
def reoffence(request, pk):
    def action(data, now):
        services.record_reoffence(request.acting, pk, offence_date=data["offence_date"],
                                  crime_reference=data["crime_reference"], idempotency_key=data.get("idempotency_key"),
                                  now=now)

    return _act(request, pk, "reoffence", ReoffenceForm(request.POST), action,
                "Further offence recorded: the condition of no further offending is missed.")


@_post
def close(request, pk):
    def action(data, now):
        services.close_case(request.acting, pk, outcome_code=data["outcome_code"], now=now)

    return _act(request, pk, "close", CloseForm(request.POST), action, "The case is closed as completed.")


@_post
def record_outcome(request, pk):
    def action(data, now):
        services.record_police_outcome(request.acting, pk, outcome_code=data["outcome_code"], notes=data["notes"], now=now)

    return _act(request, pk, "outcome", OutcomeForm(request.POST), action, "Police outcome recorded. The case is closed.")


@_post
def receive(request, pk):
    try:
        services.receive_return(request.acting, pk, now=timezone.now())
        messages.success(request, "Received by police.")
    except ValidationError as error:
        flash_error(request, error)
    return redirect("case-detail", pk=pk)


@_post
def condition_reason(request, pk):
    acting = access.as_acting(request.acting)
    cases_seen = access.visible(acting, DiversionCase.objects.all())
    condition = access.get_object_or_404_in(Condition.objects.filter(case__in=cases_seen), pk=pk)
    form = missed_reason_form(condition, request.POST)

    def action(data, now):
        services.record_missed_reason(acting, condition, reason=data["reason"], now=now)

    return _act(request, condition.case_id, f"missed{condition.pk}", form, action, "Reason recorded.")


@login_required
def returned_to_police(request):
    page = Paginator(selectors.returned_to_police_inbox(request.acting), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outcomes/returned_to_police.html", {"page": page, "today": clock.today()})


# --- Conditions: add a further one, record one met or missed (police decision makers and the lead agency) ----


def _case_for_conditions(acting, pk):
    """The case (404 if not visible) and 403 unless this person may change its conditions."""
    item = access.get_visible_or_404(acting, DiversionCase.objects.select_related("young_person", "pathway"), pk=pk)
    access.require_to(acting, "outcomes.change_conditions", item)
    return item


def _condition_page(request, item, form, *, title, intro="", condition=None, status=200):
    return render(request, "outcomes/case_condition.html", {
        "case": item, "form": form, "title": title, "intro": intro, "condition": condition,
        "full": item.conditions.count() >= rules.MAX_CONDITIONS and condition is None, "max": rules.MAX_CONDITIONS,
    }, status=status)


def _condition_saved(request, form, item, call, success, **page):
    """Call the service with the form's answers: back to the case, or the page again with the service's errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data, timezone.now())
            messages.success(request, success)
            return redirect("case-detail", pk=item.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return _condition_page(request, item, form, status=400, **page)


@login_required
@require_http_methods(["GET", "POST"])
def add_condition(request, pk):
    acting = require_case_reader(request.acting)
    item = _case_for_conditions(acting, pk)
    page = {"title": "Add a condition",
            "intro": f"A further condition agreed with the young person, due by the contract end "
                     f"({item.end_date:%-d %B %Y}). A contract has at most {rules.MAX_CONDITIONS} conditions."}
    if request.method == "GET":
        return _condition_page(request, item, AddConditionForm(initial={"idempotency_key": uuid.uuid4()}), **page)

    def call(data, now):
        services.add_condition(acting, item, description=data["description"], due_on=data["due_on"], now=now,
                               idempotency_key=data["idempotency_key"])

    return _condition_saved(request, AddConditionForm(request.POST), item, call, "Condition added.", **page)


def _condition(acting, pk):
    condition = selectors.condition_for(acting, pk)
    return condition, _case_for_conditions(acting, condition.case_id)


@login_required
@require_http_methods(["GET", "POST"])
def condition_met(request, pk):
    acting = require_case_reader(request.acting)
    condition, item = _condition(acting, pk)
    page = {"title": "Mark a condition as met", "condition": condition}
    if request.method == "GET":
        return _condition_page(request, item, ConditionMetForm(), **page)

    def call(data, now):
        services.mark_condition_met(acting, condition, on=data["on"], now=now)

    return _condition_saved(request, ConditionMetForm(request.POST), item, call, "Condition marked as met.", **page)


@login_required
@require_http_methods(["GET", "POST"])
def condition_missed(request, pk):
    acting = require_case_reader(request.acting)
    condition, item = _condition(acting, pk)
    page = {"title": "Mark a condition as missed", "condition": condition,
            "intro": "A missed condition puts an active case at risk. If it is not put right within "
                     f"{rules.BREACH_DUE_WORKING_DAYS} working days, the portal proposes a breach for someone to decide."}
    if request.method == "GET":
        return _condition_page(request, item, ConditionMissedForm(), **page)

    def call(data, now):
        services.mark_condition_missed(acting, condition, reason=data["reason"], now=now)

    return _condition_saved(request, ConditionMissedForm(request.POST), item, call,
                            "Condition marked as missed.", **page)
