"""'Allocated to us': the partner organisation's side of an allocation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.filtering import choice_filter
from core.web import apply_errors, flash_error
from partners import access

from . import selectors, services
from .forms_triage import FirstContactForm, ReasonForm
from .models import Allocation


@login_required
def allocations(request):
    state, form = choice_filter(request.GET, "state", Allocation.State.choices, label="State")
    page = Paginator(selectors.allocations_for(request.acting, state=state or None), 25).get_page(request.GET.get("page"))
    now = timezone.now()
    selectors.show_names(request.acting, page, today=clock.today(now), list_name="allocations",
                         subject=lambda allocation: allocation.referral)
    return render(request, "referrals/partner/allocations.html", {
        "page": page, "state": state, "states": Allocation.State.choices, "now": now,
        "today": clock.today(now), "query": form.query(), "form": form,
    })


def _context(request, allocation, **extra):
    referral = selectors.referral_detail(request.acting, allocation.referral_id) if allocation.state != "handed_back" else None
    intervention = allocation.interventions.select_related("programme").first()
    return {
        "allocation": allocation, "referral": referral, "now": timezone.now(), "today": clock.today(),
        "events": selectors.timeline(request.acting, referral) if referral else [],
        "hand_back_form": extra.get("hand_back_form") or ReasonForm(label="Why are you handing this referral back?",
                                                                     submit="Hand back to the VRU"),
        "contact_form": extra.get("contact_form") or FirstContactForm(),
        # The work started on it (outcomes.services.start_intervention), if any: shown instead of "Start work".
        "intervention": intervention,
        # Not once work has started, nor on closed work (access rule referrals.hand_back).
        "can_hand_back": intervention is None and access.may(request.acting, "referrals.hand_back", allocation),
    }


@login_required
def allocation(request, pk):
    item = selectors.allocation_for(request.acting, pk)
    return render(request, "referrals/partner/allocation.html", _context(request, item))


@login_required
@require_POST
def accept(request, pk):
    item = selectors.allocation_for(request.acting, pk)
    try:
        services.accept_allocation(request.acting, item, now=timezone.now())
        messages.success(request, f"You accepted {item.referral.reference}. Make first contact by the date shown.")
    except ValidationError as error:
        flash_error(request, error)
    return redirect("allocation-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def hand_back(request, pk):
    item = selectors.allocation_for(request.acting, pk)
    if request.method == "GET" and item.state != "handed_back" and not access.may(request.acting, "referrals.hand_back", item):
        messages.info(request, access.ACTIONS["referrals.hand_back"].message)
        return redirect("allocation-detail", pk=pk)
    form = ReasonForm(request.POST or None, label="Why are you handing this referral back?", submit="Hand back to the VRU")
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_back(request.acting, item, form.cleaned_data["reason"], now=timezone.now())
            messages.success(request, f"{item.referral.reference} is back with the VRU.")
            return redirect("allocations")
        except access.NotAllowed as error:  # closed work: said on the form, the refusal kept in the audit trail
            access.keep_denial(error)
            form.add_error(None, error.args[0])
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "referrals/partner/hand_back.html", {"allocation": item, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def first_contact(request, pk):
    item = selectors.allocation_for(request.acting, pk)
    form = FirstContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_first_contact(request.acting, item, form.cleaned_data["on"], now=timezone.now())
            messages.success(request, "First contact recorded.")
            return redirect("allocation-detail", pk=pk)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "referrals/partner/allocation.html", _context(request, item, contact_form=form), status=400)
