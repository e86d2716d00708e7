"""Adding documents and notes to a record, replacing a document, amending a note, and downloading a file.

A download is the only way to a file: the policy says whether this person sees the document (404 if not, the
same as no such document), the download is audited, and the answer is an attachment the browser may not sniff
or keep in its cache. A document still being checked, or refused, has no file to give.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cohorts.models import CohortMembership
from outcomes.models import DiversionCase, Intervention, Session
from partners import access
from referrals.models import Allocation, Referral, Status

from . import rules, selectors, services
from .forms import AmendForm, DocumentForm, NoteForm, ReplaceForm
from .models import Note, Scan

# The first part of each record's own URL: /referrals/12/documents/new/ adds to referral 12.
ON = {"referrals": Referral, "interventions": Intervention, "cases": DiversionCase, "cohort-members": CohortMembership}
NOTES_ON = ("referrals", "interventions", "cases")


def record_page(acting, parent) -> str:
    """Where this person works on the record: where they came from, and go back to."""
    label = parent._meta.label_lower
    if label == "referrals.referral":
        if access.may(acting, "referrals.act_as_referrer", parent):
            return reverse("referral-check" if parent.status == Status.DRAFT else "referral-detail", args=[parent.pk])
        if access.can(acting, "triage"):
            return reverse("triage-referral", args=[parent.pk])
        live = Allocation.objects.filter(referral=parent, organisation=acting.organisation,
                                         state__in=Allocation.LIVE).values_list("pk", flat=True).first()
        return reverse("allocation-detail", args=[live]) if live else reverse("home")
    name = {"outcomes.intervention": "intervention-detail", "outcomes.diversioncase": "case-detail",
            "cohorts.cohortmembership": "cohort-member"}[label]
    return reverse(name, args=[parent.pk])


def _parent(request, on, pk):
    if on not in ON:
        raise Http404
    acting = access.as_acting(request)
    parent = access.get_visible_or_404(acting, ON[on].objects.all(), pk=pk)
    access.require_to(acting, "documents.add", parent)
    return acting, parent


def _errors_onto(form, error):
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _asks_sharing(acting, parent):
    return parent._meta.label_lower == "referrals.referral" and acting.organisation.pk != parent.referring_organisation_id


@login_required
@require_http_methods(["GET", "POST"])
def add_document(request, on, pk):
    acting, parent = _parent(request, on, pk)
    ask = _asks_sharing(acting, parent)
    form = DocumentForm(request.POST or None, request.FILES or None, ask_sharing=ask,
                        max_bytes=settings.DOCUMENTS_MAX_BYTES)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.add_document(
                acting, parent, uploaded=data["file"], title=data["title"], kind=data["kind"],
                shared_with_referrer=form.sharing() if ask else None, now=timezone.now(),
                idempotency_key=data.get("idempotency_key"))
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _added_words(document))
            return redirect(record_page(acting, parent) + "#documents")
    return render(request, "documents/add.html", {
        "form": form, "parent": parent, "back": record_page(acting, parent), "multipart": True,
        "heading": "Add a document"})


def _added_words(document):
    if document.scan == Scan.HELD:
        return (f"“{document.title}” was added. It is being checked for viruses and can be downloaded once the "
                "check is done.")
    return f"“{document.title}” was added."


@login_required
@require_http_methods(["GET", "POST"])
def replace_document(request, pk):
    acting = access.as_acting(request)
    document = selectors.document_for_download(acting, pk)
    access.require_to(acting, "documents.add", document.parent)
    form = ReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.replace_document(acting, document, uploaded=form.cleaned_data["file"], now=timezone.now(),
                                            idempotency_key=form.cleaned_data.get("idempotency_key"))
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, f"A new version of “{new.title}” was added. The earlier one is kept.")
            return redirect(record_page(acting, document.parent) + "#documents")
    return render(request, "documents/add.html", {
        "form": form, "parent": document.parent, "back": record_page(acting, document.parent), "multipart": True,
        "heading": f"Add a new version of “{document.title}”"})


def file_of(acting, pk):
    """The one way to a document's file, for the page and the API: seen (else 404), clean (else 404), audited,
    an attachment the browser may not sniff or keep."""
    document = selectors.document_for_download(acting, pk)
    if not document.downloadable:
        raise Http404("This document cannot be downloaded.")
    services.record_download(acting, document)
    response = FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=rules.download_name(document.original_name, document.content_type),
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request, pk):
    return file_of(access.as_acting(request), pk)


# --- Case notes ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def add_note(request, on, pk):
    if on not in NOTES_ON:
        raise Http404
    acting, parent = _parent(request, on, pk)
    hint = ("Everyone who may see this referral, the referring organisation included"
            if on == "referrals" else "Everyone who may see this record")
    form = NoteForm(request.POST or None, shared_hint=hint)
    sessions = list(Session.objects.filter(intervention=parent, correction__isnull=True).order_by("-held_on")) \
        if on == "interventions" else []
    session = next((s for s in sessions if str(s.pk) == request.GET.get("session", request.POST.get("session"))), None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(acting, parent, text=form.cleaned_data["text"], shared=form.sharing(), session=session,
                              now=timezone.now(), idempotency_key=form.cleaned_data.get("idempotency_key"))
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, "The note was added.")
            return redirect(record_page(acting, parent) + "#notes")
    return render(request, "documents/note.html", {
        "form": form, "parent": parent, "session": session, "back": record_page(acting, parent),
        "heading": "Add a note" + (f" on the session of {session.held_on:%-d %B %Y}" if session else "")})


@login_required
@require_http_methods(["GET", "POST"])
def amend_note(request, pk):
    acting = access.as_acting(request)
    note = access.get_visible_or_404(acting, Note.objects.select_related("referral", "intervention", "case"), pk=pk)
    access.require_to(acting, "documents.amend", note)
    form = AmendForm(request.POST or None, initial=None if request.method == "POST" else {"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_note(acting, note, text=form.cleaned_data["text"], reason=form.cleaned_data["reason"],
                                now=timezone.now(), idempotency_key=form.cleaned_data.get("idempotency_key"))
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, "The note was amended. The original is kept beside the amendment.")
            return redirect(record_page(acting, note.parent) + "#notes")
    return render(request, "documents/note.html", {
        "form": form, "parent": note.parent, "original": note, "back": record_page(acting, note.parent),
        "heading": "Amend a note"})
