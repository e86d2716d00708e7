"""The scheduled jobs page: each job, its schedule and its last runs."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jobs import selectors
from partners.access import require_capability


@login_required
def job_list(request):
    require_capability(request, "view_jobs")
    return render(request, "jobs/list.html", {"jobs": selectors.job_overview()})
