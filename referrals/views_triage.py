"""The VRU's triage pages: the daily queue, one referral's triage page, and the decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.web import apply_errors, flash_error
from partners import access

from . import rules, selectors, services
from .forms_triage import CorrectionForm, DecisionForm, QueueFilterForm, ReasonForm
from .models import Decision

# The queue shows the first items of each section; "show all" opens one section, a page at a time.
QUEUE_PREVIEW = 20
QUEUE_PAGE = 100
LATE_PAGE = 50


@login_required
def queue(request):
    now = timezone.now()
    form = QueueFilterForm(request.GET or None)
    focus = request.GET.get("section")
    focus = focus if focus in rules.SECTION_ORDER else None
    pages = {}

    def pick(section, ids):
        if focus is None:
            return ids[:QUEUE_PREVIEW]
        if section != focus:
            return []
        pages[section] = Paginator(ids, QUEUE_PAGE).get_page(request.GET.get("page"))  # past the end: the last page
        return pages[section].object_list

    sections = selectors.triage_queue(request.acting, now=now, pick=pick, **form.filters())
    selectors.show_names(request.acting, [r for s in sections for r in s["items"]], today=clock.today(now),
                         list_name="triage-queue")
    page = pages.get(focus)
    query = form.query()
    return render(request, "referrals/triage/queue.html", {
        "form": form, "sections": sections, "total": sum(s["count"] for s in sections), "now": now,
        "query": query, "page_query": "&".join(q for q in (query, f"section={focus}" if focus else "") if q),
        "focus": focus, "page": page,
        "shown": [s for s in sections if s["key"] == focus] if focus else sections,
    })


@login_required
@require_POST
def take_next(request):
    form = QueueFilterForm(request.POST)
    filters = form.filters()
    if "concern" in filters:
        filters["concerns__concern"] = filters.pop("concern")
    referral = services.claim_next(request.acting, now=timezone.now(), filters=filters)
    if referral is None:
        messages.info(request, "There is nothing unclaimed in the queue.")
        return redirect("triage-queue")
    return redirect("triage-referral", pk=referral.pk)


def _correctable(acting, events):
    """The timeline, each entry flagged with whether this person may correct it (no query: the rule reads fields)."""
    events = list(events)
    for event in events:
        event.correctable = access.may(acting, "referrals.correct_event", event)
    return events


def _triage_context(request, referral, form=None, refusal=None):
    now = timezone.now()
    claim_live = referral.claimed_by_id is not None and not services.rules.claim_lapsed(referral.claim_activity_at, now)
    mine = referral.claimed_by_id == request.user.pk
    can_decide = referral.status in services.rules.QUEUE_STATUSES
    earlier, matches = selectors.earlier_and_matches(referral)
    return {
        "referral": referral,
        "claim_live": claim_live,
        "mine": mine,
        # The decision form is the claimant's alone (access rule referrals.decide); others see who holds it.
        "show_decision": can_decide and claim_live and access.may(request.acting, "referrals.decide", referral),
        "refusal_links": [("#claim-status", refusal)] if refusal else [],
        "earlier": earlier,
        "matches": matches,
        "events": _correctable(request.acting, selectors.timeline(request.acting, referral)),
        "question": selectors.open_question(referral),
        "allocation": referral.allocations.select_related("organisation").exclude(state="handed_back").first(),
        "form": form or DecisionForm(),
        "close_form": ReasonForm(label="Why the referral is closed", submit="Close referral"),
        "can_decide": can_decide,
        "can_close": referral.status in ("allocated", "signposted", "declined"),
    }


@login_required
def referral(request, pk):
    item = selectors.read_for_triage(request.acting, pk)
    return render(request, "referrals/triage/referral.html", _triage_context(request, item))


@login_required
@require_POST
def claim(request, pk):
    item = selectors.read_for_triage(request.acting, pk)
    try:
        services.claim(request.acting, item, now=timezone.now())
        messages.success(request, f"You are working on {item.reference}.")
    except ValidationError as error:
        flash_error(request, error)
    return redirect("triage-referral", pk=pk)


@login_required
@require_POST
def release(request, pk):
    item = selectors.read_for_triage(request.acting, pk)
    try:
        services.release(request.acting, item, now=timezone.now())
        messages.success(request, f"You released {item.reference}. It is back in the queue.")
        return redirect("triage-queue")
    except ValidationError as error:
        flash_error(request, error)
        return redirect("triage-referral", pk=pk)


def _refused(request, item, error):
    """Not the claimant: the page again, its error summary pointing at who holds the claim (or the Claim button).
    The refusal's audit event is kept although its transaction was rolled back."""
    access.keep_denial(error)
    return render(request, "referrals/triage/referral.html", _triage_context(request, item, refusal=error.args[0]),
                  status=400)


@login_required
@require_POST
def decide(request, pk):
    item = selectors.read_for_triage(request.acting, pk)
    try:
        access.require_to(request.acting, "referrals.decide", item)  # before the form: its questions are not theirs
    except access.NotAllowed as error:
        return _refused(request, item, error)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                request.acting, item, decision=data["decision"], now=timezone.now(), rag=data["rag"],
                organisation=data["organisation"], programme=data["programme"], signpost_to=data["signpost_to"],
                decline_reason=data["decline_reason"], reason=data["reason"], question=data["question"],
            )
            messages.success(request, f"{item.reference}: {Decision(data['decision']).label.lower()} recorded.")
            return redirect("triage-queue")
        except access.NotAllowed as error:  # the claim moved on between the page and the service
            return _refused(request, selectors.read_for_triage(request.acting, pk), error)
        except ValidationError as error:
            apply_errors(form, error)
    item = selectors.read_for_triage(request.acting, pk)
    return render(request, "referrals/triage/referral.html", _triage_context(request, item, form), status=400)


@login_required
@require_POST
def close(request, pk):
    item = selectors.read_for_triage(request.acting, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.close_referral(request.acting, item, reason=form.cleaned_data["reason"], now=timezone.now())
            messages.success(request, f"{item.reference} is closed.")
        except ValidationError as error:
            flash_error(request, error)
    else:
        messages.error(request, "Explain why the referral is closed.")
    return redirect("triage-referral", pk=pk)


@login_required
@require_POST
def resolve_match(request, pk, verdict):
    match = selectors.match_for_triage(request.acting, pk)
    if verdict not in ("confirm", "reject"):
        return redirect("triage-referral", pk=match.referral_id)
    try:
        services.resolve_match(request.acting, match, confirm=verdict == "confirm", now=timezone.now())
        done = "Linked to the known young person." if verdict == "confirm" else "Marked as a different young person."
        messages.success(request, done)
    except ValidationError as error:
        flash_error(request, error)
    return redirect("triage-referral", pk=match.referral_id)


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, pk):
    event = selectors.event_for_triage(request.acting, pk)
    access.require_to(request.acting, "referrals.correct_event", event)  # a portal entry ("Claimed"): 403
    form = CorrectionForm(request.POST or None, initial={"summary": event.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.correct(request.acting, event, now=timezone.now(), **form.cleaned_data)
            messages.success(request, "The correction is on the timeline. The original entry is kept.")
            return redirect("triage-referral", pk=event.referral_id)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "referrals/triage/correct.html", {"event": event, "form": form})


@login_required
def late_partners(request):
    now = timezone.now()
    page = Paginator(selectors.late_allocations(request.acting, now=now), LATE_PAGE).get_page(request.GET.get("page"))
    selectors.show_names(request.acting, page.object_list, today=clock.today(now), list_name="late-partners",
                         subject=lambda allocation: allocation.referral)
    return render(request, "referrals/triage/late_partners.html", {"page": page, "today": clock.today(now)})
