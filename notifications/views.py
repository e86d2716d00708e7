from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.filtering import choice_filter
from core.numbers import is_ascii_number
from partners.access import require_capability

from . import selectors, services
from .models import OutboxMessage


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("notification") if is_ascii_number(i)]
        services.mark_read(request.user, ids, now=timezone.now())
        return redirect("notifications")
    page = Paginator(selectors.notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


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
