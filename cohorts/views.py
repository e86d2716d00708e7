"""Cohort pages: the list, a new cohort, a cohort's page, adding a member, a member's page and the VRU's actions
on a member (tier, removal, review, plan action), and a plan action's status.

Thin: each view parses a form, calls one service or selector and renders. Pages a role may not use at all are 403
before any record is looked up; a cohort or member the organisation may not see is 404.
"""

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
from partners import access, audit

from . import selectors, services
from .forms import ActionStatusForm, AddMemberForm, CohortForm, PlanActionForm, RemoveForm, ReviewForm, SearchForm, TierForm
from .models import PlanAction

PAGE_SIZE = 50


def _reader(request):
    return access.require_capability(request.acting, "view_cohorts")


def _manager(request):
    return access.require_capability(request.acting, "manage_cohorts")


def _status(form):
    return 400 if form.errors else 200


@login_required
def cohort_list(request):
    acting = _reader(request)
    day = clock.today()
    page = Paginator(selectors.cohorts_for(acting, today=day), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cohorts/list.html", {"page": page, "can_manage": access.can(acting, "manage_cohorts")})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request):
    acting = _manager(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.create_cohort(acting, now=timezone.now(), name=data["name"], area=data["area"],
                                          tier_model=data["tier_model"], lead_organisation=data["lead_organisation"],
                                          partner_organisations=list(data["partner_organisations"]),
                                          review_weeks=data["review_weeks"],
                                          idempotency_key=data.get("idempotency_key"))
            messages.success(request, f"Cohort {item.name} created.")
            return redirect("cohort-detail", pk=item.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "cohorts/new.html", {"form": form}, status=_status(form))


@login_required
def cohort_detail(request, pk):
    acting = _reader(request)
    context = selectors.cohort_page(acting, pk)
    context["organisations"] = selectors.cohort_organisations(context["cohort"])
    context["can_manage"] = access.can(acting, "manage_cohorts")
    return render(request, "cohorts/cohort.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_member(request, pk):
    acting = _manager(request)
    item = selectors.cohort(acting, pk)
    search = SearchForm(request.POST if request.method == "POST" else request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    people = list(selectors.search_young_people(acting, query, today=clock.today())) if query else []
    form = AddMemberForm(request.POST if request.method == "POST" else None, cohort=item, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_member(acting, item, now=timezone.now(), young_person=data["young_person"], tier=data["tier"],
                                lead_agency=next(o for o in selectors.cohort_organisations(item)
                                                 if o.pk == data["lead_agency"]),
                                reason=data["reason"], joined_on=data["joined_on"],
                                idempotency_key=data.get("idempotency_key"))
            messages.success(request, "Young person added to the cohort.")
            return redirect("cohort-detail", pk=item.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "cohorts/add_member.html", {
        "cohort": item, "search": search, "query": query, "people": people, "form": form,
        "searched": bool(query),
    }, status=_status(form))


@login_required
def member(request, pk):
    acting = _reader(request)
    item = selectors.member_detail(acting, pk)
    day = clock.today()
    plan = selectors.plan_by_strand(item, day)
    for part in plan:
        for action in part["actions"]:
            mine = access.may(acting, "cohorts.update_plan_action", action)
            action.status_form = ActionStatusForm(action=action) if mine else None
    return render(request, "cohorts/member.html", {
        "member": item, "cohort": item.cohort, "today": day, "plan": plan,
        "history": item.tier_changes.all(), "reviews": item.reviews.all(),
        "review_state": selectors.review_state(item, day), "can_manage": access.can(acting, "manage_cohorts"),
        "organisations": selectors.cohort_organisations(item.cohort),
    })


def _member_form_page(request, pk, *, template, make_form, act, success):
    """A VRU page with one form about one member: shows it (an audited view), or acts and returns to the member."""
    acting = _manager(request)
    item = selectors.membership(acting, pk)
    form = make_form(request.POST if request.method == "POST" else None, item, acting)
    if request.method == "POST" and form.is_valid():
        try:
            act(acting, item, form)
            messages.success(request, success)
            return redirect("cohort-member", pk=item.pk)
        except ValidationError as error:
            apply_errors(form, error)
    else:
        audit.record(acting, audit.AuditAction.VIEW, item, detail={"page": template})
    return render(request, f"cohorts/{template}.html", {"member": item, "cohort": item.cohort, "form": form},
                  status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def change_tier(request, pk):
    def act(acting, item, form):
        services.change_tier(acting, item, now=timezone.now(), **form.cleaned_data)

    return _member_form_page(request, pk, template="tier", make_form=lambda data, item, _: TierForm(data, member=item),
                             act=act, success="Tier changed.")


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, pk):
    def act(acting, item, form):
        services.remove_member(acting, item, now=timezone.now(), **form.cleaned_data)

    return _member_form_page(request, pk, template="remove", make_form=lambda data, item, _: RemoveForm(data), act=act,
                             success="Young person removed from the cohort. Their history is kept.")


@login_required
@require_http_methods(["GET", "POST"])
def record_review(request, pk):
    def act(acting, item, form):
        data = form.cleaned_data
        services.record_review(acting, item, now=timezone.now(), held_on=data["held_on"], summary=data["summary"],
                               tier_decision=data["tier_decision"], attendees=form.attendees(),
                               next_review_on=data["next_review_on"], idempotency_key=data.get("idempotency_key"))

    return _member_form_page(request, pk, template="review", act=act, success="Review recorded.",
                             make_form=lambda data, item, acting: ReviewForm(data, member=item, acting=acting))


@login_required
@require_http_methods(["GET", "POST"])
def add_action(request, pk):
    def act(acting, item, form):
        data = form.cleaned_data
        services.add_plan_action(acting, item, now=timezone.now(), strand=data["strand"], description=data["description"],
                                 owner=form.owner(), due_on=data["due_on"], idempotency_key=data.get("idempotency_key"))

    return _member_form_page(request, pk, template="action", act=act, success="Action added to the plan.",
                             make_form=lambda data, item, acting: PlanActionForm(data, member=item, acting=acting))


@login_required
@require_POST
def action_status(request, pk):
    """The VRU, or the organisation owning the action, updates its status from the member's page."""
    acting = _reader(request)
    action = access.get_visible_or_404(acting, PlanAction.objects.all(), pk=pk)
    form = ActionStatusForm(request.POST, action=action)
    if form.is_valid():
        try:
            services.update_plan_action(acting, action, now=timezone.now(), status=form.cleaned_data["status"],
                                        note=form.cleaned_data["note"])
            messages.success(request, "Action updated.")
        except ValidationError as error:
            flash_error(request, error)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{reverse('cohort-member', args=[action.membership_id])}#action-{action.pk}")
