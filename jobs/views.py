from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from partners.access import require_capability

from . import selectors


@login_required
def job_list(request):
    require_capability(request, "view_jobs")
    return render(request, "jobs/list.html", {"jobs": selectors.job_overview()})
