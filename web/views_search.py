"""Find a young person: the search box in every staff page's header and its results page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import clock
from core.filtering import FilterForm
from partners import access
from partners.models import Area
from referrals import terms
from reporting.rules import AGE_BANDS

from . import search as people_search
from .search import summaries

# Pages that link to a search prefilled, so the audit says where a search began.
WHERE = {"triage": "triage"}


class SearchForm(FilterForm):
    # No length limit to refuse: terms.parse reads the first MAX_CHARS characters.
    q = forms.CharField(label="Name, date of birth, reference, postcode, UPN or NHS number", required=False)
    area = forms.ChoiceField(label="Area", required=False, choices=[("", "Any area"), *Area.choices])
    age = forms.ChoiceField(label="Age", required=False,
                            choices=[("", "Any age"), *[(key, label) for key, label, _lo, _hi in AGE_BANDS]])
    open = forms.BooleanField(label="Only young people with open work", required=False)


@login_required
def find(request):
    acting = access.require_capability(request, "search_young_people")
    form = SearchForm(request.GET or None)
    result, typed, today = None, None, clock.today()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        typed = terms.parse(data["q"], today=today)
        if not typed.is_empty:
            result = people_search.find(acting, typed, where=WHERE.get(request.GET.get("from"), "search"), today=today,
                                        area=data["area"], age=data["age"], only_open=data["open"])
    work = summaries(acting, [f.person for f in result]) if result else {}
    return render(request, "web/search.html", {
        "form": form, "result": result, "typed": typed, "today": today,
        "rows": [(found, work[found.person.pk]) for found in result] if result else [],
        # Something typed that names nobody: one letter, punctuation. Said, rather than an empty list.
        "filtered": any(form.chosen().get(k) for k in ("area", "age", "open")),
        "too_short": bool(typed and typed.is_empty and typed.text),
    })
