import pytest

from tests.partners.roles import made_roles


@pytest.fixture
def roles():
    """(owner, application): two real roles set up by `manage.py db_roles --apply`."""
    with made_roles() as names:
        yield names
