import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from partners.models import Area, Membership, Organisation, OrganisationKind, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"
_HASH = {}


def _password_hash():
    # Hash once per run and hasher: Argon2 is deliberately slow, and tests make many users. Browser tests
    # allow only MD5, so a hash kept from an earlier Argon2 test would not verify there.
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _HASH:
        _HASH[hasher] = make_password(TEST_PASSWORD)
    return _HASH[hasher]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.SCHOOL
    area = Area.BIRMINGHAM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.LazyFunction(_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERRER


def member(kind=OrganisationKind.SCHOOL, role=Role.REFERRER, organisation=None, area=Area.BIRMINGHAM, **user_kwargs):
    """A user with one role in an organisation of the given kind."""
    organisation = organisation or OrganisationFactory(kind=kind, area=area)
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def date_parts(name, day):
    """What a GOV.UK date input sends: its day, month and year boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
