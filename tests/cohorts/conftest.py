import pytest

from cohorts import services
from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import YoungPersonFactory

from .factories import NOW


@pytest.fixture
def vru_acting(triager):
    return acting_for(triager)


@pytest.fixture
def cohort(vru_acting, yos, police):
    """Led by Test YOS with Test Police NPU as partner (the caseworker's and the decision maker's organisations)."""
    return services.create_cohort(vru_acting, name="Walsall youth at risk 1", area="walsall", tier_model="pip4",
                                  lead_organisation=yos, partner_organisations=[police], now=NOW)


@pytest.fixture
def person(db):
    return YoungPersonFactory(given_name="Riley", family_name="Example", area="walsall")


@pytest.fixture
def outsider(db):
    """A caseworker of a YOS that no cohort here names."""
    return member(role=Role.CASEWORKER, organisation=OrganisationFactory(name="Outside YOS", kind=K.YOS),
                  email="caseworker@outside-yos.example.org")


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")
