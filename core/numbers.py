"""Reading whole numbers that people and partner systems type.

`str.isdigit()` is true for characters that `int()` refuses ("²", "①") and `int()` reads other scripts' digits
("٣") and refuses strings over 4,300 digits: any of these reaching `int()` unguarded was a 500. Only ASCII
digits of a sane length count as a number here; anything else is "not a number", for the caller to answer 400.
"""

import re

# An id or a count never needs more: a PostgreSQL bigint has 19 digits.
MAX_DIGITS = 18

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_number(text, *, max_digits=MAX_DIGITS):
    """True for a string of 0-9 only, at most `max_digits` long."""
    return isinstance(text, str) and len(text) <= max_digits and _ASCII_DIGITS.fullmatch(text) is not None


def whole_number(text, *, max_digits=MAX_DIGITS):
    """The number that `text` (stripped) spells in ASCII digits, or None when it is not one."""
    text = text.strip() if isinstance(text, str) else text
    return int(text) if is_ascii_number(text, max_digits=max_digits) else None
