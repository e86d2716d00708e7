"""Factories for diversion cases and interventions (synthetic data only).

Most tests start cases through `outcomes.services.start_case`, as a person would; `make_case`
builds one straight in the database (conditions and intervention included) for tests that need
many, such as the query-count ones.
"""

import datetime

import factory

from outcomes import next_due, rules
from outcomes.models import Condition, DiversionCase, Intervention, Offence, OutcomeCode, Pathway, Programme, ReturnToPolice
from referrals import search
from referrals.models import YoungPerson


def offence(code="CJA1988-S139"):
    """Reference data loaded by the migration: a bladed article in a public place by default."""
    return Offence.objects.get(code=code)


def pathway(code="checkpoint"):
    return Pathway.objects.select_related("closing_outcome").get(code=code)


def outcome(code):
    return OutcomeCode.objects.get(code=code)


class YoungPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YoungPerson
        skip_postgeneration_save = True

    given_name = factory.Sequence(lambda n: f"Sam{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2011, 6, 1)
    sex = "not_known"
    ethnicity = "not_stated"
    area = "birmingham"

    @factory.post_generation
    def name_keys(self, create, extracted, **kwargs):
        # As the services do when they create a young person: the words search finds them by.
        if create:
            search.index_names([self])


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("owner", "name")

    owner = factory.SubFactory("tests.factories.OrganisationFactory", kind="yos")
    name = factory.Sequence(lambda n: f"Programme {n}")
    expected_sessions = 6


def person_data(**overrides):
    """The details of a new young person as a police decision maker enters them (aged 15 in November 2026)."""
    data = {
        "given_name": "Casey", "family_name": "Example", "date_of_birth": datetime.date(2011, 6, 1), "sex": "male",
        "ethnicity": "not_stated", "postcode": "B1 1AA", "area": "birmingham",
    }
    data.update(overrides)
    return data


_crime = {"n": 0}


def crime_reference():
    _crime["n"] += 1
    return f"20/{_crime['n']:06d}/26"


def make_case(*, lead, police, decision_maker, status=rules.ACTIVE, pathway_code="checkpoint", young_person=None,
              start=datetime.date(2026, 11, 24), offence_code="CJA1988-S139", programme=None):
    """A case written straight to the database, with its template conditions and the lead agency's intervention."""
    path = pathway(pathway_code)
    off = offence(offence_code)
    end = rules.contract_end(start, path.contract_months)
    case = DiversionCase.objects.create(
        crime_reference=crime_reference(), offence=off, offence_date=start - datetime.timedelta(days=3),
        young_person=young_person or YoungPersonFactory(), pathway=path, lead_organisation=lead,
        police_organisation=police, decision_maker=decision_maker, status=status, admission=True,
        sufficient_evidence=True, start_date=start, end_date=end,
        return_deadline=rules.return_deadline(start - datetime.timedelta(days=3), off.mode_of_trial, end),
    )
    Condition.objects.bulk_create(
        Condition(case=case, position=i, **c) for i, c in enumerate(rules.condition_template(path.code, start, end))
    )
    programme = programme or ProgrammeFactory(owner=lead, name="Knife crime programme")
    Intervention.objects.create(young_person=case.young_person, case=case, organisation=lead, programme=programme,
                                started_on=start)
    next_due.keep([case])  # as services.start_case leaves it
    if status == rules.RETURNED_TO_POLICE:
        ReturnToPolice.objects.create(case=case, confirmed_by=decision_maker, reason="Synthetic breach.",
                                  deadline=case.return_deadline)
    return case
