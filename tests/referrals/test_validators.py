"""Django validators for referral fields: the GOV.UK messages and codes forms will show."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from referrals import validators as v

LONDON = ZoneInfo("Europe/London")


def messages(exc_info):
    return exc_info.value.messages


# Postcode -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["B1 1AA", "b11aa", "WS1 1AA", "EC1A 1BB", "GIR 0AA"])
def test_validate_postcode_accepts_real_postcodes(value):
    assert v.validate_postcode(value) is None


@pytest.mark.parametrize("value", ["B1", "not a postcode", "B1 1CA", "12345", ""])
def test_validate_postcode_refuses_others(value):
    with pytest.raises(ValidationError) as exc:
        v.validate_postcode(value)
    assert messages(exc) == ["Enter a real postcode, like B1 1AA"]
    assert exc.value.code == "invalid_postcode"


# Unique pupil number --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["A123456789012", "a123456789012", "B801200005001", "P00000000000B"])
def test_validate_upn_accepts_valid_numbers(value):
    assert v.validate_upn(value) is None


@pytest.mark.parametrize("value", ["B123456789012", "A12345678901", "1234567890123", "I123456789012", ""])
def test_validate_upn_refuses_others(value):
    with pytest.raises(ValidationError) as exc:
        v.validate_upn(value)
    assert messages(exc) == ["Enter a unique pupil number of 13 characters, like A123456789012"]
    assert exc.value.code == "invalid_upn"


def test_the_upn_message_example_is_itself_valid():
    v.validate_upn("A123456789012")


# NHS number -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "4010232137"])
def test_validate_nhs_number_accepts_valid_numbers(value):
    assert v.validate_nhs_number(value) is None


@pytest.mark.parametrize("value", ["9434765918", "123456789", "1234567890", "943-476-5919", ""])
def test_validate_nhs_number_refuses_others(value):
    with pytest.raises(ValidationError) as exc:
        v.validate_nhs_number(value)
    assert messages(exc) == ["Enter a valid 10-digit NHS number"]
    assert exc.value.code == "invalid_nhs_number"


# Dates ----------------------------------------------------------------------------------

TODAY = date(2026, 9, 1)


@pytest.mark.parametrize("value", [TODAY, TODAY - timedelta(days=1), date(2000, 1, 1), None])
def test_validate_not_future_accepts_today_and_earlier(value):
    assert v.validate_not_future(value, today=TODAY) is None


def test_validate_not_future_refuses_tomorrow():
    with pytest.raises(ValidationError) as exc:
        v.validate_not_future(TODAY + timedelta(days=1), today=TODAY)
    assert messages(exc) == ["The date must be today or in the past"]
    assert exc.value.code == "future_date"


def test_validate_not_future_takes_datetimes_by_their_local_date():
    # 23:30 UTC on 1 Sep is 00:30 BST on 2 Sep: tomorrow, in England.
    with pytest.raises(ValidationError):
        v.validate_not_future(datetime(2026, 9, 1, 23, 30, tzinfo=ZoneInfo("UTC")), today=TODAY)
    assert v.validate_not_future(datetime(2026, 9, 1, 23, 30, tzinfo=LONDON), today=TODAY) is None


def test_validate_not_future_defaults_to_the_real_today():
    assert v.validate_not_future(date(2000, 1, 1)) is None
    with pytest.raises(ValidationError):
        v.validate_not_future(date(2999, 1, 1))


@pytest.mark.parametrize(
    "dob,on",
    [
        (date(2001, 9, 2), date(2026, 9, 1)),  # 24, a day short of 25
        (date(2010, 5, 17), date(2026, 9, 1)),
        (date(2004, 2, 29), date(2029, 2, 28)),  # 25 only on 1 March 2029
        (date(2026, 9, 1), date(2026, 9, 1)),  # born today
    ],
)
def test_validate_under_25_accepts_under_25s(dob, on):
    assert v.validate_under_25(dob, on) is None


@pytest.mark.parametrize(
    "dob,on,age",
    [
        (date(2001, 9, 1), date(2026, 9, 1), 25),  # 25th birthday on the referral date
        (date(2004, 2, 29), date(2029, 3, 1), 25),
        (date(1990, 1, 1), date(2026, 9, 1), 36),
    ],
)
def test_validate_under_25_refuses_25_and_over(dob, on, age):
    with pytest.raises(ValidationError) as exc:
        v.validate_under_25(dob, on)
    assert messages(exc) == [f"The young person must be under 25 on the date of referral. They are {age}."]
    assert exc.value.code == "too_old"


def test_validate_under_25_refuses_a_birth_after_the_referral_date():
    with pytest.raises(ValidationError) as exc:
        v.validate_under_25(date(2026, 9, 2), date(2026, 9, 1))
    assert messages(exc) == ["Date of birth must be in the past"]
    assert exc.value.code == "date_of_birth_future"


def test_validate_under_25_skips_a_missing_date_of_birth():
    assert v.validate_under_25(None, date(2026, 9, 1)) is None


def test_validate_under_25_defaults_to_today():
    assert v.validate_under_25(date.today() - timedelta(days=365 * 10)) is None
    with pytest.raises(ValidationError):
        v.validate_under_25(date(1970, 1, 1))


# Account length -------------------------------------------------------------------------


def test_validate_account_length():
    assert v.validate_account_length("x" * 20000) is None
    assert v.validate_account_length("") is None
    with pytest.raises(ValidationError) as exc:
        v.validate_account_length("x" * 20001)
    assert messages(exc) == ["The account must be 20,000 characters or fewer. It is 20,001 characters."]
    assert exc.value.code == "account_too_long"
