"""The scheduled jobs page: each job, its schedule and its last runs; the VRU's administrators may run one now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from documents import selectors as document_selectors
from jobs import selectors
from jobs.models import JobRun
from jobs.registry import JOBS
from partners.access import can, require_capability

from . import services_jobs


@login_required
def job_list(request):
    require_capability(request, "view_jobs")
    return render(request, "jobs/list.html", {"jobs": selectors.job_overview(), "can_run": can(request, "run_jobs"),
                                              "storage": document_selectors.storage_used()})


@login_required
@require_POST
def run_job(request, name):
    try:
        outcome = services_jobs.run_now(request, name)
    except OperationalError:
        messages.error(request, f"{JOBS[name].title} could not be queued: the job queue is not answering. Try again "
                                "in a few minutes.")
        return redirect("jobs")
    title = JOBS[name].title
    if outcome is None:
        messages.success(request, f"{title} is queued to run now. Its result shows under Last run once it has run.")
    else:
        messages.success(request, f"{title} ran: {JobRun.Outcome(outcome).label.lower()}.")
    return redirect("jobs")
