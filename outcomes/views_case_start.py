"""*Start a diversion case* as GOV.UK question pages: the crime, the young person, eligibility, the contract,
its conditions, then Check your answers and Start case.

The answers so far live in the session under a journey id (a UUID in the URL), so two tabs are two journeys
and nothing is written until *Start case*. That journey id is also the idempotency key of services.start_case:
a double click, or a second tab's Start case, finds the case the first one started.
"""

import uuid
from datetime import date
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import clock
from core.numbers import whole_number
from partners import access
from referrals.models import YoungPerson

from . import rules, selectors, services
from .forms import lead_agencies
from .forms_case_start import (
    ContractForm,
    CrimeForm,
    DeadlineForm,
    ExtraConditionForm,
    FactsForm,
    NewPersonForm,
    ProgrammeForm,
    SearchForm,
)
from .models import History, Offence, Pathway

SESSION_KEY = "case_start"
KEEP = 5  # journeys kept per session: enough for a few tabs, and the session stays small
ORDER = ("crime", "young-person", "facts", "eligibility", "contract", "deadline", "programme", "conditions", "check")
TITLES = {
    "crime": "The crime", "young-person": "Find the young person", "new-young-person": "Enter a new young person",
    "facts": "Checkpoint questions", "eligibility": "Eligibility", "contract": "The contract",
    "deadline": "The contract ends after the return-to-police deadline", "programme": "The programme",
    "conditions": "Conditions", "check": "Check your answers before starting the case",
}


# --- The journey's answers in the session ------------------------------------------------------------


def _journeys(request):
    return request.session.setdefault(SESSION_KEY, {})


def _answers(request, journey):
    answers = _journeys(request).get(str(journey))
    if answers is None:
        raise Http404("No such journey")  # another person's, an old one, or made up: one answer
    return answers


def _save(request, journey, answers):
    journeys = _journeys(request)
    journeys[str(journey)] = answers
    for old in list(journeys)[:-KEEP]:
        journeys.pop(old)
    request.session.modified = True


def _day(value):
    return date.fromisoformat(value) if value else None


def _iso(value):
    return value.isoformat() if value else None


def _state(answers):
    """The answers as objects, and what follows from them (eligibility, the contract's dates)."""
    crime, person, facts, contract = (answers.get(k) for k in ("crime", "person", "facts", "contract"))
    s = SimpleNamespace(crime=crime, facts=facts, contract=contract, pathway=None, offence=None, offence_date=None,
                        young_person=None, new_person=None, date_of_birth=None, results=None, eligible=False,
                        lead=None, start=None, months=None, sessions=None, end=None, deadline=None, late=False,
                        programmes=[], programme=None, standard=[])
    if crime:
        s.pathway = Pathway.objects.select_related("closing_outcome").filter(pk=crime["pathway"]).first()
        s.offence = Offence.objects.filter(pk=crime["offence"]).first()
        s.offence_date = _day(crime["offence_date"])
    if person and person.get("young_person"):
        s.young_person = YoungPerson.objects.filter(pk=person["young_person"]).first()
        s.date_of_birth = getattr(s.young_person, "date_of_birth", None)
    elif person and person.get("new"):
        s.new_person = {**person["new"], "date_of_birth": _day(person["new"]["date_of_birth"])}
        s.date_of_birth = s.new_person["date_of_birth"]
    if s.pathway and s.offence and s.date_of_birth and (facts or not checkpoint(s)):
        f = facts or {}
        s.results = services.eligibility(
            s.pathway, date_of_birth=s.date_of_birth, offence=s.offence, offence_date=s.offence_date,
            aggravating=f.get("aggravating") == "yes", admission=f.get("admission") == "yes",
            sufficient_evidence=f.get("sufficient_evidence") == "yes", history=f.get("history") or rules.HISTORY_NONE,
        )
        s.eligible = rules.is_eligible(s.results)
    if contract and s.pathway and s.offence:
        s.lead = lead_agencies().filter(pk=contract["lead_organisation"]).first()
        s.start = _day(contract["start_date"])
        s.months = contract["contract_months"] or s.pathway.contract_months
        s.sessions = contract["sessions"] or s.pathway.sessions
        s.end = rules.contract_end(s.start, s.months)
        s.deadline = rules.return_deadline(s.offence_date, s.offence.mode_of_trial, s.end)
        s.late = rules.contract_ends_after_deadline(s.end, s.deadline)
        s.programmes = list(selectors.programmes_of(s.lead)) if s.lead else []
        s.programme = next((p for p in s.programmes if p.pk == answers.get("programme")), None)
        s.standard = services.standard_conditions(s.pathway, s.start, s.end, s.sessions)
    s.extras = [{"description": c["description"], "due_on": _day(c["due_on"])} for c in answers.get("extras", [])]
    return s


def checkpoint(s):
    return s.pathway is not None and s.pathway.code == "checkpoint"


def _needed(step, answers, s):
    if step == "facts":
        return checkpoint(s)
    if step == "deadline":
        return s.late
    if step == "programme":
        return bool(s.programmes)
    return True


def _done(step, answers, s):
    return {
        "crime": bool(s.crime), "young-person": s.date_of_birth is not None,
        "facts": bool(s.facts), "eligibility": s.eligible and answers.get("eligibility_seen", False),
        "contract": bool(s.contract), "deadline": answers.get("acknowledged", False),
        "programme": s.programme is not None, "conditions": answers.get("conditions_done", False), "check": False,
    }[step]


def _first_to_do(answers, s):
    return next(step for step in ORDER if _needed(step, answers, s) and not _done(step, answers, s))


def _url(journey, step):
    return reverse("case-start", args=[journey, step])


def _back(journey, step, answers, s):
    """The page before this one: the previous step asked, or the list of cases from the first."""
    if step == "new-young-person":
        return _url(journey, "young-person")
    if step in ORDER:
        earlier = [x for x in ORDER[:ORDER.index(step)] if _needed(x, answers, s)]
        if earlier:
            return _url(journey, earlier[-1])
    return reverse("cases")


# --- The pages -----------------------------------------------------------------------------------------


@login_required
def new_case(request):
    """The *Start a diversion case* button: a new journey, so a second tab never mixes its answers with this one."""
    access.require_capability(request.acting, "decide_diversion")
    journey = uuid.uuid4()
    _save(request, journey, {})
    return redirect(_url(journey, "crime"))


@login_required
@require_http_methods(["GET", "POST"])
def step(request, journey, step):
    acting = access.require_capability(request.acting, "decide_diversion")
    answers = _answers(request, journey)
    if answers.get("case"):  # already started: Back, a refresh or a second click lands on the case
        return redirect("case-detail", pk=answers["case"])
    handler = HANDLERS.get(step)
    if handler is None:
        raise Http404("No such question")
    s = _state(answers)
    to_do = _first_to_do(answers, s)
    allowed = ORDER.index(to_do) if to_do in ORDER else 0
    position = ORDER.index("young-person" if step == "new-young-person" else step)
    if position > allowed:  # a page whose earlier questions are not answered yet
        return redirect(_url(journey, to_do))
    context = {"journey": journey, "step": step, "title": TITLES[step], "back": _back(journey, step, answers, s), "s": s}
    return handler(request, acting, journey, answers, s, context)


def _next(request, journey, answers):
    """Saved: on to the first question still to answer (Check your answers once all are)."""
    _save(request, journey, answers)
    return redirect(_url(journey, _first_to_do(answers, _state(answers))))


def _posted(request):
    """The form's data on a POST (even an empty one: nothing ticked is an answer to check), else unbound."""
    return request.POST if request.method == "POST" else None


def _question(request, context, form, status=None):
    context["form"] = form
    return render(request, "outcomes/case_start/question.html", context,
                  status=status or (400 if form.is_bound and form.errors else 200))


def crime(request, acting, journey, answers, s, context):
    initial = {}
    if s.crime:
        initial = {"crime_reference": s.crime["crime_reference"], "offence": s.crime["offence"],
                   "offence_date": s.offence_date, "pathway": s.crime["pathway"]}
    form = CrimeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = rules.date_problems(offence_date=data["offence_date"], start_date=None, today=clock.today())
        if problems:
            form.add_error("offence_date", problems["offence_date"])
        else:
            answers["crime"] = {"crime_reference": data["crime_reference"].strip(), "offence": data["offence"].pk,
                                "offence_date": _iso(data["offence_date"]), "pathway": data["pathway"].pk}
            if data["pathway"].code != "checkpoint":
                answers.pop("facts", None)
            answers.pop("eligibility_seen", None)
            return _next(request, journey, answers)
    return _question(request, context, form)


def young_person(request, acting, journey, answers, s, context):
    source = request.POST if request.method == "POST" else request.GET
    search = SearchForm(source if ("search" in source or request.method == "POST") else None)
    results, error = [], None
    if search.is_bound and search.is_valid():
        results = list(selectors.young_people_matching(acting, name=search.cleaned_data["name"],
                                                       date_of_birth=search.cleaned_data["date_of_birth"],
                                                       today=clock.today()))
    if request.method == "POST":
        picked = next((f.person for f in results if str(f.person.pk) == request.POST.get("young_person")), None)
        if picked is not None:
            answers["person"] = {"young_person": picked.pk}
            answers.pop("eligibility_seen", None)
            return _next(request, journey, answers)
        error = "Select the young person, or choose None of these"
    context.update({"search": search, "results": results, "error": error, "searched": search.is_bound,
                    "error_links": [("#young_person_1", error)] if error else [],
                    "chosen": s.young_person.pk if s.young_person else None,
                    "new_url": _url(journey, "new-young-person")})
    return render(request, "outcomes/case_start/young_person.html", context, status=400 if error else 200)


def new_young_person(request, acting, journey, answers, s, context):
    initial = dict(s.new_person or {})
    form = NewPersonForm(_posted(request), initial=initial, today=clock.today())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["date_of_birth"] = _iso(data["date_of_birth"])
        answers["person"] = {"new": data}
        answers.pop("eligibility_seen", None)
        return _next(request, journey, answers)
    return _question(request, context, form)


def facts(request, acting, journey, answers, s, context):
    form = FactsForm(_posted(request), initial=s.facts or {})
    if request.method == "POST" and form.is_valid():
        answers["facts"] = dict(form.cleaned_data)
        answers.pop("eligibility_seen", None)
        return _next(request, journey, answers)
    return _question(request, context, form)


def eligibility(request, acting, journey, answers, s, context):
    if request.method == "POST":
        return redirect(_url(journey, "eligibility"))
    if s.eligible and not answers.get("eligibility_seen"):
        answers["eligibility_seen"] = True
        _save(request, journey, answers)
    context["next"] = _url(journey, _first_to_do(answers, s))
    return render(request, "outcomes/case_start/eligibility.html", context)


def contract(request, acting, journey, answers, s, context):
    initial = {}
    if s.contract:
        initial = {**s.contract, "start_date": s.start}
    form = ContractForm(_posted(request), initial=initial, pathway=s.pathway, offence_date=s.offence_date,
                        today=clock.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous = (s.contract or {}).get("lead_organisation")
        answers["contract"] = {"lead_organisation": data["lead_organisation"].pk, "start_date": _iso(data["start_date"]),
                               "contract_months": data["contract_months"], "sessions": data["sessions"]}
        if previous != data["lead_organisation"].pk:
            answers.pop("programme", None)  # another agency runs other programmes
        answers.pop("acknowledged", None)  # new dates: the deadline is looked at again
        return _next(request, journey, answers)
    return _question(request, context, form)


def deadline(request, acting, journey, answers, s, context):
    form = DeadlineForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        answers["acknowledged"] = True
        return _next(request, journey, answers)
    return _question(request, context, form)


def programme(request, acting, journey, answers, s, context):
    form = ProgrammeForm(_posted(request), organisation=s.lead,
                         initial={"programme": s.programme.pk} if s.programme else {})
    if request.method == "POST" and form.is_valid():
        answers["programme"] = form.cleaned_data["programme"].pk
        return _next(request, journey, answers)
    return _question(request, context, form)


def conditions(request, acting, journey, answers, s, context):
    room = rules.MAX_CONDITIONS - len(s.standard) - len(s.extras)
    form = ExtraConditionForm(request.POST if "add" in request.POST else None, start=s.start, end=s.end)
    if request.method == "POST":
        if "remove" in request.POST:
            extras = answers.get("extras", [])
            index = whole_number(request.POST.get("remove", ""))
            if index is not None and index < len(extras):
                extras.pop(index)
            answers["extras"] = extras
            _save(request, journey, answers)
            return redirect(_url(journey, "conditions"))
        if "add" in request.POST and room > 0 and form.is_valid():
            answers.setdefault("extras", []).append({"description": form.cleaned_data["description"].strip(),
                                                     "due_on": _iso(form.cleaned_data["due_on"])})
            _save(request, journey, answers)
            return redirect(_url(journey, "conditions"))
        if "continue" in request.POST:
            answers["conditions_done"] = True
            return _next(request, journey, answers)
    context.update({"form": form, "room": room, "max": rules.MAX_CONDITIONS})
    return render(request, "outcomes/case_start/conditions.html", context, status=400 if form.errors else 200)


# Where each answer is changed, for Check your answers' links and a service's errors.
ERROR_PAGES = {
    "crime_reference": "crime", "offence": "crime", "offence_date": "crime", "pathway": "crime",
    "young_person": "young-person", "given_name": "new-young-person", "family_name": "new-young-person",
    "date_of_birth": "new-young-person", "sex": "new-young-person", "area": "new-young-person",
    "ethnicity": "new-young-person", "postcode": "new-young-person", "person": "new-young-person",
    "aggravating": "facts", "admission": "facts", "sufficient_evidence": "facts", "history": "facts",
    "eligibility": "eligibility", "lead_organisation": "contract", "start_date": "contract",
    "contract_months": "contract", "sessions": "contract", "acknowledge_deadline": "deadline",
    "programme": "programme", "extra_conditions": "conditions",
}


def _start_kwargs(answers, s):
    f = answers.get("facts") or {}

    def fact(name):  # Outcome 22 does not ask these: None, never No
        return (f[name] == "yes") if name in f else None

    return {
        "crime_reference": s.crime["crime_reference"], "offence": s.offence, "offence_date": s.offence_date,
        "pathway": s.pathway, "lead_organisation": s.lead, "start_date": s.start,
        "young_person": s.young_person, "person": (answers["person"].get("new") and s.new_person) or None,
        "aggravating": fact("aggravating"), "admission": fact("admission"),
        "sufficient_evidence": fact("sufficient_evidence"), "history": f.get("history"),
        "contract_months": s.contract["contract_months"], "sessions": s.contract["sessions"],
        "programme": s.programme, "acknowledge_deadline": bool(answers.get("acknowledged")),
        "extra_conditions": s.extras,
    }


def check(request, acting, journey, answers, s, context):
    errors = []
    if request.method == "POST":
        try:
            case = services.start_case(acting, now=timezone.now(), idempotency_key=journey, **_start_kwargs(answers, s))
        except ValidationError as error:
            pairs = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
            errors = [(_url(journey, ERROR_PAGES.get(field, "check")), message)
                      for field, messages_ in pairs for message in messages_]
        else:
            answers["case"] = case.pk
            _save(request, journey, answers)
            messages.success(request, f"Case {case.crime_reference} started. The lead agency has been told.")
            return redirect("case-detail", pk=case.pk)
    standard = " (the pathway's standard)"
    context.update({
        "errors": errors, "checkpoint": checkpoint(s),
        "change": {step.replace("-", "_"): _url(journey, step) for step in (*ORDER, "new-young-person")},
        "history_label": History(s.facts["history"]).label if s.facts else "",
        "months_label": f"{s.months} month{'s' if s.months != 1 else ''}"
                        + (standard if s.contract["contract_months"] is None else ""),
        "sessions_label": f"{s.sessions}" + (standard if s.contract["sessions"] is None else ""),
    })
    return render(request, "outcomes/case_start/check.html", context, status=400 if errors else 200)


HANDLERS = {
    "crime": crime, "young-person": young_person, "new-young-person": new_young_person, "facts": facts,
    "eligibility": eligibility, "contract": contract, "deadline": deadline, "programme": programme,
    "conditions": conditions, "check": check,
}
