from types import SimpleNamespace

import pytest

from partners.models import Role
from tests.factories import member


@pytest.fixture
def org_admin(vru):
    return member(role=Role.ORG_ADMIN, organisation=vru, email="admin@test.example.org")


@pytest.fixture
def objects(referrer):
    """Records owned by school A, for routes that take an id. Later issues add to this."""
    from tests.referrals.factories import ReferralFactory

    return SimpleNamespace(referral=ReferralFactory(created_by=referrer))
