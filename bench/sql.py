"""Deterministic pseudo-random values in SQL, so the database generates its own rows (no row crosses the wire).

Every value is a function of the row number and a salt, through PostgreSQL's hashint8extended: the same
scale gives the same data on every run. `mod()` rather than the % operator, because % marks a parameter.
"""

from . import words

MAX_BIGINT = 9223372036854775807


def h(salt, var="i"):
    return f"(hashint8extended(({var})::bigint, {salt}) & {MAX_BIGINT})"


def r(salt, n, var="i"):
    """An integer in [0, n) (an int, so it adds to a date)."""
    return f"mod({h(salt, var)}, {n})::int"


def u(salt, var="i"):
    """A float in [0, 1)."""
    return f"({h(salt, var)}::float8 / {MAX_BIGINT + 1}.0)"


def pick(param, salt, n, var="i", cast="text"):
    """One element of the array parameter `param` (of length n)."""
    return f"(%({param})s::{cast}[])[1 + {r(salt, n, var)}]"


def weighted(pairs):
    """A list of 100 values in which each value appears as often as its weight (weights sum to 100)."""
    out = [value for value, weight in pairs for _ in range(weight)]
    if len(out) != 100:
        raise ValueError("weights must sum to 100")
    return out


# --- A young person's details, as a function of their id, so a referral can repeat them without a join ---


def yp_sex(v):
    return f"CASE WHEN {r(1, 100, v)} < 72 THEN 'male' WHEN {r(1, 100, v)} < 98 THEN 'female' ELSE 'not_known' END"


def yp_given(v):
    male, female = pick("male", 2, len(words.GIVEN_MALE), v), pick("female", 2, len(words.GIVEN_FEMALE), v)
    return f"CASE WHEN {r(1, 100, v)} < 72 THEN {male} ELSE {female} END"


def yp_family(v):
    return pick("family", 3, len(words.FAMILY), v)


def yp_area(v):
    return pick("areas100", 5, 100, v)


def yp_postcode(v):
    inward = "'ABDEFGHJLNPQRSTUWXYZ'"
    return (f"{pick('districts100', 5, 100, v)} || ' ' || (1 + {r(6, 9, v)})::text"
            f" || substr({inward}, 1 + {r(7, 20, v)}, 1) || substr({inward}, 1 + {r(8, 20, v)}, 1)")


def yp_ethnicity(v):
    return pick("ethnicities100", 4, 100, v)


def yp_date_of_birth(v):
    # Between 15 and 25 years before today: 10 to 24 at a referral made in the last five years.
    return f"(%(today)s::date - (5479 + {r(9, 3650, v)}))"


def yp_upn(v):
    return f"CASE WHEN {r(10, 10, v)} < 6 THEN 'B' || lpad(({v})::text, 12, '0') ELSE '' END"


def yp_nhs_number(v):
    return f"CASE WHEN {r(11, 10, v)} < 4 THEN (9000000000 + ({v}))::text ELSE '' END"
