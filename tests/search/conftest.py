import datetime

import pytest

from tests.outcomes.factories import YoungPersonFactory

# Synthetic people, each born on a different day, so a name search is tested by names alone.
PEOPLE = [
    ("Mohammed", "Khan", ""), ("Muhammad", "Khan", ""), ("Mohamed", "Hassan", ""),
    ("John", "Smith", ""), ("Jon", "Smyth", ""), ("Joan", "Smith", ""),
    ("Zoë", "Brown", ""), ("Aisha", "Patel-Singh", ""), ("Mary-Jane", "O'Connor", ""),
    ("Siân", "Jones Evans", ""), ("Katherine", "Lee", ""), ("Jordan", "Taylor", "Jay"),
    ("Gordon", "Taylor", ""), ("Oluwaseun", "Adeyemi", "Seun"), ("Aleksander", "Nowak", ""),
    ("Łukasz", "Wójcik", ""), ("Sean", "Murphy", ""),
]


@pytest.fixture
def people(db):
    found = {}
    for n, (given, family, preferred) in enumerate(PEOPLE):
        born = datetime.date(2008, 1, 1) + datetime.timedelta(days=37 * n)
        found[f"{given} {family}"] = YoungPersonFactory(given_name=given, family_name=family, preferred_name=preferred,
                                                        date_of_birth=born)
    return found
