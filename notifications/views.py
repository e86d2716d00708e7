from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from core.filtering import choice_filter
from core.numbers import is_ascii_number
from partners.access import SESSION_KEY, as_acting, organisations_of, require_capability

from . import selectors, services
from .models import OutboxMessage
from .notices import link


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("notification") if is_ascii_number(i)]
        services.mark_read(request.user, ids, now=timezone.now())
        return redirect("notifications")
    page = Paginator(selectors.notifications_for(request.user), 25).get_page(request.GET.get("page"))
    acting_for = getattr(as_acting(request).organisation, "pk", None)
    for note in page:
        # Straight to the record, unless it is another of the person's organisations': then through open_notification.
        note.href = note.url if note.organisation_id in (None, acting_for) else link(note)
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def open_notification(request, pk):
    """Open a notification's record acting for the organisation it names (a person may belong to several), and mark
    it read. The link in its email comes here, so it works whichever organisation the person last acted for."""
    note = selectors.notifications_for(request.user).filter(pk=pk).first()
    if note is None or not url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        raise Http404("No such notification.")
    services.mark_read(request.user, [note.pk], now=timezone.now())
    if note.organisation_id is not None and note.organisation_id != getattr(as_acting(request).organisation, "pk", None):
        organisation = organisations_of(request.user).filter(pk=note.organisation_id).first()
        if organisation is not None:
            request.session[SESSION_KEY] = organisation.pk
            messages.info(request, f"You are now acting for {organisation.name}.")
    return redirect(note.url or "notifications")


@login_required
def outbox(request):
    require_capability(request, "view_outbox")
    state, form = choice_filter(request.GET, "state", OutboxMessage.State.choices, label="State")
    page = Paginator(selectors.outbox(state=state), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "state": state, "form": form,
                                                         "counts": selectors.outbox_counts(), "query": form.query()})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    from .forms import EmailChoicesForm

    form = EmailChoicesForm(request.POST or None, initial={"emails": selectors.emails_wanted(request.user)})
    if request.method == "POST" and form.is_valid():
        services.set_email_choices(request.user, wanted=form.cleaned_data["emails"])
        messages.success(request, "Your email choices are saved. Every message still appears in the portal.")
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"form": form})
