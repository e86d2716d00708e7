"""The referring organisation's pages: My referrals, the referral journey, and a referral's detail page.

Thin views: parse a form, call one service or selector, render. Every page of the journey needs
the "refer" capability (403 for roles that may not refer) and finds the referral among the
organisation's own (404 for anyone else's). The detail page is also read by the VRU and by a
partner the referral is allocated to, through selectors.referral_detail (which audits the view).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import clock
from core.web import apply_errors
from partners import access, audit, printing

from . import rules, selectors, services
from .forms_referrer import (
    SAVE_LATER,
    STEP_FORMS,
    STEP_SLUGS,
    AnswerForm,
    StartForm,
    StatusFilterForm,
    first_unanswered_step,
    step_for_field,
)
from .models import Allocation, Concern, DeclineReason, ReferralEvent, Status

PAGE_SIZE = 25
DRAFTS_OFFERED = 10  # the newest few: the rest are on My referrals
NOT_A_DRAFT = "This referral has been submitted and can no longer be changed."
SAVED_FOR_LATER = "Your answers have been saved. You can finish this referral from My referrals."

# What the VRU decided, as the referrer is told it (shared events only).
_DECISION_EVENTS = (ReferralEvent.Kind.SIGNPOSTED, ReferralEvent.Kind.DECLINED)


def _decision_events():
    return Prefetch(
        "events",
        queryset=ReferralEvent.objects.filter(kind__in=_DECISION_EVENTS, shared_with_referrer=True).order_by("-at", "-id"),
        to_attr="decision_events",
    )


def decision_in_words(referral):
    """The VRU's decision in plain words, from the referral and its prefetched allocations and decision events."""
    status = referral.status
    if status == Status.DRAFT:
        return "Not sent yet"
    if status in (Status.SUBMITTED, Status.IN_TRIAGE):
        return "Waiting for the VRU's decision"
    if status == Status.INFO_REQUESTED:
        return "The VRU has asked you a question"
    allocations = getattr(referral, "live_allocations", None) or []
    events = getattr(referral, "decision_events", None) or []
    said = ""
    if referral.decision == "allocate" and allocations:
        allocation = allocations[0]
        said = f"Allocated to {allocation.organisation.name}"
        if allocation.programme:
            said += f" ({allocation.programme})"
    elif referral.decision == "signpost":
        to = next((e.detail.get("to") for e in events if e.kind == ReferralEvent.Kind.SIGNPOSTED), "")
        said = f"Signposted to {to}" if to else "Signposted to another service"
    elif referral.decision == "decline":
        code = next((e.detail.get("reason_code") for e in events if e.kind == ReferralEvent.Kind.DECLINED), "")
        said = f"Declined: {DeclineReason(code).label.lower()}" if code in DeclineReason.values else "Declined"
    if status == Status.CLOSED:
        return f"{said}. Now closed" if said else "Closed"
    return said or referral.get_status_display()


# How the work with the young person stands, as the partner's service wrote it for the referrer (in words only).
_WORK_EVENTS = (ReferralEvent.Kind.WORK_STARTED, ReferralEvent.Kind.WORK_ENDED)


def _work_events():
    return Prefetch(
        "events",
        queryset=ReferralEvent.objects.filter(kind__in=_WORK_EVENTS, shared_with_referrer=True).order_by("-at", "-id"),
        to_attr="work_events",
    )


def work_in_words(referral):
    """The latest "Work started with ..." / "Work completed by ..." from the prefetched work events, or ""."""
    events = getattr(referral, "work_events", None) or []
    return events[0].summary if events else ""


def _continue_url(referral, concerns):
    """Picking up a draft: the first step with an answer missing, or the check page when all are there."""
    slug = first_unanswered_step(referral, concerns)
    return reverse("referral-step", args=[referral.pk, slug]) if slug else reverse("referral-check", args=[referral.pk])


def _own(request, pk):
    """One of this organisation's own referrals (a draft included), or 404."""
    acting = access.require_capability(request, "refer")
    referral = access.get_object_or_404_in(selectors.own_referrals(acting), pk=pk)
    return acting, referral


def _not_a_draft(request, referral):
    messages.info(request, NOT_A_DRAFT)
    return redirect("referral-detail", pk=referral.pk)


# --- My referrals --------------------------------------------------------------------------


@login_required
def my_referrals(request):
    acting = access.require_capability(request, "refer")
    form = StatusFilterForm(request.GET or None)
    referrals = selectors.own_referrals(acting, status=form.chosen_status()).prefetch_related(
        _decision_events(), _work_events())
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for referral in page:
        concerns = list(referral.concerns.all())
        row = {
            "referral": referral,
            "decision": decision_in_words(referral),
            "work": work_in_words(referral),
            "question": referral.open_questions[0] if referral.open_questions else None,
        }
        if referral.status == Status.DRAFT:
            row["continue_url"] = _continue_url(referral, concerns)
            row["may_delete"] = access.may(acting, "referrals.delete_draft", referral)
        rows.append(row)
    return render(request, "referrals/referrer/my_referrals.html", {
        "form": form, "page": page, "rows": rows, "query": form.query(), "filtered": form.filtered,
    })


# --- Start -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    acting = access.require_capability(request, "refer")
    if request.method == "POST":
        form = StartForm(request.POST)
        if not form.is_valid():
            # No key (or a mangled one): show the start page again with a fresh key rather than guess.
            return redirect("referral-start")
        key = form.cleaned_data["idempotency_key"]
        try:
            referral = services.save_draft(acting, {}, now=timezone.now(), idempotency_key=key)
        except IntegrityError:
            # Two clicks raced past the "already made?" check: the other one made the draft, so use it.
            referral = services.save_draft(acting, {}, now=timezone.now(), idempotency_key=key)
        return redirect("referral-step", pk=referral.pk, step=STEP_SLUGS[0])
    form = StartForm(initial={"idempotency_key": uuid.uuid4()})
    # Their unsent drafts first, to continue or delete, so that "Start now" is a choice and not yet another draft.
    drafts = [{"referral": draft, "continue_url": _continue_url(draft, list(draft.concerns.all()))}
              for draft in selectors.drafts_started_by(acting)[:DRAFTS_OFFERED]]
    return render(request, "referrals/referrer/start.html", {"form": form, "drafts": drafts})


# --- Deleting a draft --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delete_draft(request, pk):
    """A confirmation page, then the draft is deleted (its author only: access rule referrals.delete_draft)."""
    acting, referral = _own(request, pk)
    if referral.status != Status.DRAFT:
        return _not_a_draft(request, referral)
    access.require_to(acting, "referrals.delete_draft", referral)  # a colleague's draft: 403 with the reason
    if request.method == "POST":
        services.delete_draft(acting, referral, now=timezone.now())
        messages.success(request, "The draft referral has been deleted.")
        return redirect("my-referrals")
    return render(request, "referrals/referrer/delete.html", {"referral": referral})


# --- The steps -----------------------------------------------------------------------------


def _step_urls(referral, slug, back_to_check):
    index = STEP_SLUGS.index(slug)
    if back_to_check:
        back = reverse("referral-check", args=[referral.pk])
    elif index == 0:
        back = reverse("my-referrals")
    else:
        back = reverse("referral-step", args=[referral.pk, STEP_SLUGS[index - 1]])
    if back_to_check or index == len(STEP_SLUGS) - 1:
        forward = reverse("referral-check", args=[referral.pk])
    else:
        forward = reverse("referral-step", args=[referral.pk, STEP_SLUGS[index + 1]])
    return back, forward


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk, step):
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404("No such step.")
    acting, referral = _own(request, pk)
    if referral.status != Status.DRAFT:
        return _not_a_draft(request, referral)
    back_to_check = request.GET.get("next") == "check"
    back_url, next_url = _step_urls(referral, step, back_to_check)
    today = clock.today()
    if request.method == "POST":
        save_later = SAVE_LATER in request.POST
        form = form_class(request.POST, partial=save_later, today=today)
        if form.is_valid():
            try:
                services.save_draft(acting, form.draft_data(), referral=referral, now=timezone.now())
            except ValidationError as error:
                if getattr(error, "code", None) == "not_draft":
                    return _not_a_draft(request, referral)
                apply_errors(form, error)
            else:
                if save_later:
                    messages.success(request, SAVED_FOR_LATER)
                    return redirect("my-referrals")
                return redirect(next_url)
    else:
        form = form_class(initial=form_class.initial_from(referral), today=today)
        audit.record(request, audit.AuditAction.VIEW, referral, detail={"page": f"step:{step}"})
    return render(request, "referrals/referrer/step.html", {
        "referral": referral, "form": form, "step": step, "back_url": back_url,
        "step_number": STEP_SLUGS.index(step) + 1, "step_count": len(STEP_SLUGS),
    })


# --- Check your answers and submit -----------------------------------------------------------


def _anchor(slug, name):
    """The id of the input that answers `name` on step `slug` (for links that land on the question)."""
    return STEP_FORMS[slug]().anchor(name)


def _change_words(label):
    """The label as it reads after "Change": "Date of birth" -> "date of birth", but "NHS number" stays."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() else label[:1].lower() + label[1:]


_OPTIONAL = {"preferred_name", "gender_identity", "upn", "nhs_number"}


def _summary_sections(referral, concerns):
    """The check-your-answers rows, per step: (title, slug, [(label, value, field)])."""
    # In the form's order, not the order they were saved in, so the list reads as the form did.
    concern_labels = [label for value, label in Concern.choices if value in {c.concern for c in concerns}]
    # None (not answered) has no entry: the page says "Not answered" rather than guessing No.
    yes_no = {True: "Yes – immediate risk of harm", False: "No"}
    sections = [
        ("About the young person", "young-person", [
            ("Name", referral.subject_name, "given_name"),
            ("Preferred name", referral.preferred_name, "preferred_name"),
            ("Date of birth", referral.date_of_birth and f"{referral.date_of_birth:%-d %B %Y}", "date_of_birth"),
            ("Sex", referral.get_sex_display() if referral.sex else "", "sex"),
            ("Gender identity", referral.gender_identity, "gender_identity"),
            ("Ethnic group", referral.get_ethnicity_display() if referral.ethnicity else "", "ethnicity"),
            ("Home postcode", referral.postcode, "postcode"),
            ("Local authority area", referral.get_area_display() if referral.area else "", "area"),
            ("Unique pupil number", referral.upn, "upn"),
            ("NHS number", referral.nhs_number, "nhs_number"),
        ]),
        ("The concern", "concern", [
            ("Concerns", concern_labels, "concerns"),
            ("What has happened", referral.account, "account"),
        ]),
        ("Urgency", "urgency", [
            ("Immediate risk of harm", yes_no.get(referral.urgent, ""), "urgent"),
        ] + ([("Why it is urgent", referral.urgency_reason, "urgency_reason")] if referral.urgent else [])),
        ("Sharing information", "sharing", [
            ("Lawful basis", referral.get_lawful_basis_display() if referral.lawful_basis else "", "lawful_basis"),
            ("Told about the referral", referral.get_informed_display() if referral.informed else "", "informed"),
        ] + ([("Why they were not told", referral.not_informed_reason, "not_informed_reason")]
             if referral.informed == "not_told" else [])),
    ]
    return [
        {"title": title, "slug": slug,
         "rows": [{"label": label, "value": value, "anchor": _anchor(slug, field), "many": isinstance(value, list),
                  "change": _change_words(label),
                  "optional": field in _OPTIONAL} for label, value, field in rows]}
        for title, slug, rows in sections
    ]


@login_required
@require_http_methods(["GET", "POST"])
def check_answers(request, pk):
    acting, referral = _own(request, pk)
    problems = []
    if request.method == "POST":
        try:
            submitted = services.submit_referral(acting, referral, now=timezone.now())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages_ in error.message_dict.items():
                    slug = step_for_field(name)
                    url = reverse("referral-step", args=[referral.pk, slug]) + f"?next=check#{_anchor(slug, name)}"
                    problems += [(url, message) for message in messages_]
            else:
                problems += [("#submit", message) for message in error.messages]
        else:
            # A double-clicked submit finds the referral already submitted: the same confirmation.
            return redirect("referral-confirmation", pk=submitted.pk)
    elif referral.status != Status.DRAFT:
        return redirect("referral-detail", pk=referral.pk)
    else:
        audit.record(request, audit.AuditAction.VIEW, referral, detail={"page": "check"})
    concerns = list(referral.concerns.all())
    return render(request, "referrals/referrer/check.html", {
        "referral": referral, "sections": _summary_sections(referral, concerns), "problems": problems,
    }, status=200)




@login_required
def confirmation(request, pk):
    acting, referral = _own(request, pk)
    if referral.status == Status.DRAFT:
        return redirect("referral-check", pk=referral.pk)
    audit.record(request, audit.AuditAction.VIEW, referral, detail={"page": "confirmation"})
    return render(request, "referrals/referrer/confirmation.html", {"referral": referral})


# --- A referral's page, and answering the VRU's question --------------------------------------


def _detail_context(request, referral, answer_form=None):
    acting = access.as_acting(request)
    referral.live_allocations = list(
        Allocation.objects.filter(referral=referral).exclude(state=Allocation.State.HANDED_BACK).select_related("organisation")
    )
    referral.decision_events = list(
        ReferralEvent.objects.filter(referral=referral, kind__in=_DECISION_EVENTS, shared_with_referrer=True)
        .order_by("-at", "-id")
    )
    referral.work_events = list(
        ReferralEvent.objects.filter(referral=referral, kind__in=_WORK_EVENTS, shared_with_referrer=True).order_by("-at", "-id")
    )
    is_referrer = access.may(acting, "referrals.act_as_referrer", referral)
    question = selectors.open_question(referral) if referral.status == Status.INFO_REQUESTED else None
    if question is not None and is_referrer and answer_form is None:
        answer_form = AnswerForm()
    concerns = list(referral.concerns.all())
    return {
        "referral": referral,
        "concerns": concerns,
        "decision": decision_in_words(referral),
        "work": work_in_words(referral),
        "events": list(selectors.timeline(acting, referral))[::-1],  # newest first, as the MoJ timeline shows it
        "question": question,
        "answer_form": answer_form if is_referrer else None,
        "is_referrer": is_referrer,
        "waiting": referral.status in rules.QUEUE_STATUSES,
        "continue_url": _continue_url(referral, concerns) if is_referrer and referral.status == Status.DRAFT else None,
    }


@login_required
def detail(request, pk):
    referral = selectors.referral_detail(request.acting, pk)
    return render(request, "referrals/referrer/detail.html", _detail_context(request, referral))


@login_required
def print_referral(request, pk):
    """The referral's page for print (partners/printing.py), as this person may see it: audited as printed."""
    referral = selectors.referral_detail(request.acting, pk)
    context = _detail_context(request, referral)
    back = "triage-referral" if access.can(request.acting, "triage") and referral.status != Status.DRAFT else "referral-detail"
    context.update(printing.printed(request, referral, page="referral", back_url=reverse(back, args=[pk])))
    return render(request, "referrals/referrer/detail.html", context)


@login_required
@require_POST
def answer(request, pk):
    acting = access.require_capability(request, "refer")
    referral = selectors.referral_detail(acting, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_info(acting, referral, form.cleaned_data["answer"], now=timezone.now(),
                                 idempotency_key=form.cleaned_data.get("idempotency_key"))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Nothing to fix in the answer (the question was withdrawn or has expired): say so on the page.
                for message in error.messages:
                    messages.error(request, message)
                return redirect("referral-detail", pk=referral.pk)
            apply_errors(form, error)
        else:
            messages.success(request, "Your answer has been sent to the VRU. The referral is back with them for a decision.")
            return redirect("referral-detail", pk=referral.pk)
    return render(request, "referrals/referrer/detail.html", _detail_context(request, referral, answer_form=form))

