"""The pages that gather what several apps know: the home page (what waits for each role) and the young person's
page (what each app knows of them, as far as the person asking may see it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cohorts import selectors as cohort_selectors
from documents import selectors as document_selectors
from outcomes import selectors as outcome_selectors
from partners import access, printing
from referrals import selectors
from referrals.models import YoungPerson

from .home import home_sections


@login_required
def home(request):
    acting = access.as_acting(request)
    sections = home_sections(acting, now=timezone.now()) if acting.organisation else []
    return render(request, "partners/home.html", {"sections": sections})


def _chronology(acting, person):
    """What the apps recorded of the young person, oldest first: referrals, cases, interventions, and the notes
    and documents on them."""
    entries = outcome_selectors.young_person_timeline(acting, person)
    ids = [person.pk, *YoungPerson.objects.filter(merged_into=person).values_list("pk", flat=True)]
    extra = document_selectors.young_person_entries(acting, ids)
    return sorted(entries + extra, key=lambda e: (e["on"], e["kind"] in ("note", "document")))


def _young_person_context(request, person):
    return {
        "person": person, "referrals": selectors.young_person_referrals(request.acting, person),
        "timeline": _chronology(request.acting, person),
        "case_links": access.can(request.acting, "view_cases"),
        "cohort_memberships": cohort_selectors.memberships_of(request.acting, person),
        "cohort_links": access.can(request.acting, "view_cohorts"),
    }


@login_required
def young_person(request, pk):
    person = selectors.young_person(request.acting, pk)
    return render(request, "referrals/young_person.html", _young_person_context(request, person))


@login_required
def young_person_print(request, pk):
    """The young person's page for print (partners/printing.py): audited as printed."""
    person = selectors.young_person(request.acting, pk)
    context = _young_person_context(request, person)
    context.update(printing.printed(request, person, page="young_person", back_url=reverse("young-person", args=[pk])))
    return render(request, "referrals/young_person.html", context)
