import datetime

import factory
from django.utils import timezone

from referrals.models import Referral, Source, Status


class ReferralFactory(factory.django.DjangoModelFactory):
    """A submitted-looking referral; pass created_by (a user) and it takes their organisation."""

    class Meta:
        model = Referral

    created_by = factory.SubFactory("tests.factories.UserFactory")
    referring_organisation = factory.LazyAttribute(lambda o: o.created_by.memberships.first().organisation)
    source = Source.SCHOOL
    status = Status.SUBMITTED
    reference = factory.Sequence(lambda n: f"VRU-2026-{n + 1:06d}")
    received_at = factory.LazyFunction(timezone.now)
    triage_deadline = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(days=1))
    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2010, 5, 17)
    sex = "not_known"
    ethnicity = "not_stated"
    area = "birmingham"
    account = "Synthetic account of a concern."
    urgent = False  # answered explicitly: the model has no default answer
    lawful_basis = "public_task"
    informed = "young_person"


def referral_data(**overrides):
    """A complete, valid set of answers for a referral (synthetic)."""
    data = {
        "given_name": "Jordan", "family_name": "Example", "date_of_birth": datetime.date(2010, 3, 14),
        "sex": "male", "ethnicity": "not_stated", "postcode": "B1 1AA", "area": "birmingham",
        "account": "Seen with a knife near the school gates; peers worried.", "urgent": False,
        "lawful_basis": "public_task", "informed": "young_person", "concerns": ["weapon"],
    }
    data.update(overrides)
    return data
