"""Names are found however they are typed: typos, spelling variants, transliterations, accents, double and
hyphenated surnames, preferred names. Near misses are found, but never ranked above the person named."""

import pytest
from django.db import connection

from referrals import matching, rules
from referrals.search import find_young_people
from referrals.terms import parse
from tests.search.conftest import PEOPLE

TODAY = __import__("datetime").date(2026, 12, 2)


def names(triager, typed):
    result = find_young_people(triager, parse(typed, today=TODAY), where="search")
    return [f"{f.person.given_name} {f.person.family_name}" for f in result]


@pytest.mark.parametrize("typed,person", [
    ("Mohammed Khan", "Mohammed Khan"), ("Mohamed Khan", "Mohammed Khan"), ("Mohammad Khan", "Muhammad Khan"),
    ("Muhamad Hassan", "Mohamed Hassan"), ("mohammd khan", "Mohammed Khan"),
    ("Jon Smith", "John Smith"), ("Jhon Smith", "John Smith"), ("John Smiht", "John Smith"),
    ("Zoe Brown", "Zoë Brown"), ("ZOË BROWN", "Zoë Brown"),
    ("Aisha Singh", "Aisha Patel-Singh"), ("Aisha Patel Singh", "Aisha Patel-Singh"), ("patelsingh", "Aisha Patel-Singh"),
    ("Mary Jane OConnor", "Mary-Jane O'Connor"), ("o'connor", "Mary-Jane O'Connor"),
    ("Sian Jones-Evans", "Siân Jones Evans"), ("Catherine Lee", "Katherine Lee"),
    ("Jay Taylor", "Jordan Taylor"), ("Jordna Taylor", "Jordan Taylor"), ("Jor Taylor", "Jordan Taylor"),
    ("J Taylor", "Jordan Taylor"), ("Taylor Jordan", "Jordan Taylor"),
    ("Seun Adeyemi", "Oluwaseun Adeyemi"), ("Alexander Nowak", "Aleksander Nowak"), ("Lukasz Wojcik", "Łukasz Wójcik"),
    ("Shaun Murphy", "Sean Murphy"),
])
def test_a_name_is_found_however_it_is_typed(triager, people, typed, person):
    assert person in names(triager, typed)


@pytest.mark.parametrize("typed,first,near_miss", [
    ("John Smith", "John Smith", "Joan Smith"),
    ("John Smith", "John Smith", "Jon Smyth"),
    ("Muhammad Khan", "Muhammad Khan", "Mohammed Khan"),
    ("Mohammed Khan", "Mohammed Khan", "Muhammad Khan"),
])
def test_a_near_miss_is_found_but_never_ranked_first(triager, people, typed, first, near_miss):
    found = names(triager, typed)
    assert found[0] == first
    assert near_miss in found[1:]


@pytest.mark.parametrize("typed,stranger", [
    ("Jordan Taylor", "Gordon Taylor"), ("John Smith", "Mohammed Khan"), ("Sam Taylor", "Jordan Taylor"),
])
def test_a_different_name_is_not_found(triager, people, typed, stranger):
    assert stranger not in names(triager, typed)


def test_each_result_says_why_it_matched(triager, people):
    result = find_young_people(triager, parse("Mohamed Khan", today=TODAY), where="search")
    why = {f"{f.person.given_name} {f.person.family_name}": f.why for f in result}
    assert why["Mohammed Khan"] == "Name sounds alike"
    born = people["John Smith"].date_of_birth
    [found] = find_young_people(triager, parse(f"John Smith {born:%d/%m/%Y}", today=TODAY), where="search")
    assert found.why == "Same date of birth; same name"


def test_the_duplicate_check_and_search_agree(triager, people):
    """Whoever the duplicate check calls the same person (same date of birth, similar name) a search by that name
    and date finds: one matcher."""
    for given, family, _preferred in PEOPLE:
        person = people[f"{given} {family}"]
        for other_given, other_family, _ in PEOPLE:
            if rules.names_similar(other_given, other_family, given, family):
                typed = f"{other_given} {other_family} {person.date_of_birth:%d/%m/%Y}"
                assert person in [f.person for f in find_young_people(triager, parse(typed, today=TODAY),
                                                                     where="search")], typed


@pytest.mark.parametrize("a,b", [("smith", "smyth"), ("jordan", "jordna"), ("mohammed", "muhammad"), ("sam", "samir"),
                                 ("taylor", "naylorson"), ("lukasz", "łukasz"), ("jo", "joanne")])
def test_python_and_postgresql_agree_on_how_alike_two_words_are(db, a, b):
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        [(in_sql,)] = cursor.fetchall()
    assert matching.similarity(a, b) == pytest.approx(in_sql)
