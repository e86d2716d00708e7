"""Django validators for referral fields: thin wrappers round the pure checks in `referrals.rules`.

Each raises ValidationError with a GOV.UK-style message (say what to do, no full stop) and a
code, so forms, the API and model.full_clean() all speak with one voice. Validators check;
forms that want the canonical value (a spaced, capitalised postcode) call the rules'
normalise_* functions in their clean methods.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from core import clock
from referrals import rules

POSTCODE_MESSAGE = rules.POSTCODE_MESSAGE
UPN_MESSAGE = rules.UPN_MESSAGE
NHS_NUMBER_MESSAGE = rules.NHS_NUMBER_MESSAGE
NOT_FUTURE_MESSAGE = "The date must be today or in the past"
DATE_OF_BIRTH_FUTURE_MESSAGE = "Date of birth must be in the past"
TOO_OLD_MESSAGE = "The young person must be under 25 on the date of referral. They are %(age)s."
ACCOUNT_TOO_LONG_MESSAGE = "The account must be 20,000 characters or fewer. It is %(length)s characters."


def validate_postcode(value):
    try:
        rules.normalise_postcode(value)
    except ValueError:
        raise ValidationError(POSTCODE_MESSAGE, code="invalid_postcode") from None


def validate_upn(value):
    try:
        rules.normalise_upn(value)
    except ValueError:
        raise ValidationError(UPN_MESSAGE, code="invalid_upn") from None


def validate_nhs_number(value):
    try:
        rules.normalise_nhs_number(value)
    except ValueError:
        raise ValidationError(NHS_NUMBER_MESSAGE, code="invalid_nhs_number") from None


def _as_date(value):
    if isinstance(value, datetime):
        return clock.today(value) if timezone.is_aware(value) else value.date()
    return value


def validate_not_future(value, today: date | None = None):
    """The date (or datetime) is today or earlier, by the site's local date. `today` is for tests."""
    if value is None:
        return
    today = today or clock.today()
    if _as_date(value) > today:
        raise ValidationError(NOT_FUTURE_MESSAGE, code="future_date")


def validate_under_25(date_of_birth: date, on: date | None = None):
    """The young person is under 25 on `on` (the referral date; today by default).

    Forms call it from clean() with the referral date, because the rule is about that date,
    not the date the form happens to be filled in.
    """
    if date_of_birth is None:
        return
    on = on or clock.today()
    if date_of_birth > on:
        raise ValidationError(DATE_OF_BIRTH_FUTURE_MESSAGE, code="date_of_birth_future")
    age = rules.age_on(date_of_birth, on)
    if age >= rules.MAX_AGE:
        raise ValidationError(TOO_OLD_MESSAGE, code="too_old", params={"age": age})


def validate_account_length(value):
    if value and len(value) > rules.ACCOUNT_MAX_CHARS:
        raise ValidationError(ACCOUNT_TOO_LONG_MESSAGE, code="account_too_long", params={"length": f"{len(value):,}"})
