"""The search box understands what people type: names, dates in any usual form, references and identifiers."""

from datetime import date

import pytest

from referrals import matching
from referrals.terms import parse

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("typed", ["14/3/2011", "14/03/2011", "14-3-2011", "14.03.2011", "2011-03-14", "14 March 2011",
                                   "14th March 2011", "14 Mar 2011", "14 mar. 2011", "14/3/11", "14 MARCH 2011"])
def test_a_date_of_birth_in_any_usual_form(typed):
    terms = parse(f"Jordan {typed}", today=TODAY)
    assert terms.date_of_birth == date(2011, 3, 14)
    assert terms.words == ["jordan"]


def test_a_two_digit_year_is_this_century_unless_that_is_in_the_future():
    assert parse("1/2/03", today=TODAY).date_of_birth == date(2003, 2, 1)
    assert parse("1/2/99", today=TODAY).date_of_birth == date(1999, 2, 1)


def test_a_date_that_does_not_exist_is_said_back():
    terms = parse("Jordan 31/2/2011", today=TODAY)
    assert terms.date_of_birth is None
    assert terms.problems == ["“31/2/2011” is not a real date"]


@pytest.mark.parametrize("typed,reference", [("VRU-2026-000123", "VRU-2026-000123"), ("vru-2026-123", "VRU-2026-000123"),
                                             ("VRU 2026 000123", "VRU-2026-000123")])
def test_a_referral_reference(typed, reference):
    terms = parse(typed, today=TODAY)
    assert terms.reference == reference
    assert terms.words == [] and terms.crime_reference == ""


def test_a_crime_reference_is_not_taken_for_a_date():
    terms = parse("20/000123/26", today=TODAY)
    assert terms.crime_reference == "20/000123/26"
    assert terms.date_of_birth is None


@pytest.mark.parametrize("typed", ["B1 1AA", "b11aa", "B11AA"])
def test_a_postcode_with_or_without_its_space(typed):
    assert parse(typed, today=TODAY).postcode == "B1 1AA"


def test_identifiers():
    assert parse("943 476 5919", today=TODAY).nhs_number == "9434765919"
    assert parse("9434765919", today=TODAY).nhs_number == "9434765919"
    assert parse("a123456789012", today=TODAY).upn == "A123456789012"


def test_words_are_folded_and_an_initial_is_kept_apart():
    terms = parse("Zoë  O'Brien-Smith J", today=TODAY)
    assert terms.words == ["zoe", "obrien", "smith"]
    assert terms.initials == ["j"]


def test_only_four_words_of_a_name_are_used_and_that_is_said():
    terms = parse("one two three four five", today=TODAY)
    assert terms.words == ["one", "two", "three", "four"]
    assert "“five” was left out" in terms.problems[0]


def test_nothing_to_search_by():
    assert parse("", today=TODAY).is_empty
    assert parse(" j . ", today=TODAY).is_empty


def test_python_trigrams_are_pg_trgm_trigrams():
    # "smith" padded "  smith ": six trigrams; "smyth" shares three of them.
    assert matching.trigrams("smith") == {"  s", " sm", "smi", "mit", "ith", "th "}
    assert matching.similarity("smith", "smyth") == pytest.approx(3 / 9)
