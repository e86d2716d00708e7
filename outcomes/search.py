"""What search (referrals/search.py) asks of this app: the young people of a crime reference, in any case."""

from django.db.models import Q
from django.db.models.functions import Upper

from .models import DiversionCase


def crime_reference(value: str) -> Q:
    cases = DiversionCase.objects.annotate(upper=Upper("crime_reference")).filter(upper="".join(value.split()).upper())
    return Q(pk__in=cases.values("young_person_id"))
