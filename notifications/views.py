from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partners.access import require_capability

from . import selectors, services


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("notification") if i.isdigit()]
        services.mark_read(request.user, ids, now=timezone.now())
        return redirect("notifications")
    page = Paginator(selectors.notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def outbox(request):
    require_capability(request, "view_outbox")
    state = request.GET.get("state", "")
    page = Paginator(selectors.outbox(state=state), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "state": state,
                                                         "counts": selectors.outbox_counts(), "query": f"state={state}"})
