"""What a person typed into the search box, understood: pure (no ORM, no clock; callers pass `today`).

One box takes a name, a date of birth in any usual form (14/3/2011, 14-03-2011, 2011-03-14, 14 March 2011,
14th Mar 2011), a referral reference (VRU-2026-000123), a crime reference (20/000123/26), a postcode with or
without its space, a unique pupil number or an NHS number (with or without spaces). Whatever is not one of
those is read as words of a name. Every term given must match (they narrow, never widen).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from . import matching, rules

MAX_CHARS = 200

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

_REFERENCE = re.compile(r"\bVRU[\s-]?(\d{4})[\s-]?(\d{1,6})\b", re.I)
_NUMERIC_DATE = re.compile(r"(?<![\w/])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\w/])")
_ISO_DATE = re.compile(r"(?<![\w/])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/])")
_WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.I)
_NHS = re.compile(r"(?<!\d)(\d{3})\s?(\d{3})\s?(\d{4})(?!\d)")
# A postcode's two halves, with or without the space; BS 7666 is checked by rules.normalise_postcode.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
_UPN = re.compile(r"\b([A-Z]\d{11}[A-Z\d])\b", re.I)


@dataclass
class Terms:
    text: str = ""
    words: list[str] = field(default_factory=list)  # folded words of a name (matching.fold), at most MAX_WORDS
    initials: list[str] = field(default_factory=list)  # single letters: they rank, they do not find
    date_of_birth: date | None = None
    postcode: str = ""
    upn: str = ""
    nhs_number: str = ""
    reference: str = ""
    crime_reference: str = ""
    problems: list[str] = field(default_factory=list)  # what could not be read, said back to the searcher

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.date_of_birth or self.postcode or self.upn or self.nhs_number
                    or self.reference or self.crime_reference)

    def as_audit(self) -> dict:
        """The terms as the audit trail keeps them: what was typed, and how it was read."""
        read = {"words": self.words, "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
                "postcode": self.postcode, "upn": self.upn, "nhs_number": self.nhs_number,
                "reference": self.reference, "crime_reference": self.crime_reference}
        return {"text": self.text, **{k: v for k, v in read.items() if v}}


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:  # the people here are under 25: 14/3/11 is 2011, 14/3/99 is 1999
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _take(pattern: re.Pattern, text: str) -> tuple[re.Match | None, str]:
    found = pattern.search(text)
    if not found:
        return None, text
    return found, f"{text[:found.start()]} {text[found.end():]}"


def parse(text: str, *, today: date) -> Terms:
    """Read the search box. Never raises: what cannot be read is in `problems`, in words for the page."""
    text = " ".join((text or "").split())[:MAX_CHARS]
    terms, rest = Terms(text=text), text

    found, rest = _take(_REFERENCE, rest)
    if found:
        terms.reference = f"VRU-{found[1]}-{int(found[2]):06d}"

    for pattern, order in ((_ISO_DATE, "ymd"), (_NUMERIC_DATE, "dmy"), (_WORDED_DATE, "dMy")):
        found, rest = _take(pattern, rest)
        if not found:
            continue
        parts = dict(zip(order, found.groups(), strict=True))
        month = _MONTHS[parts["M"].lower().rstrip(".")] if "M" in parts else int(parts["m"])
        terms.date_of_birth = _date(_year(parts["y"], today), month, int(parts["d"]))
        if terms.date_of_birth is None:
            terms.problems.append(f"“{found[0]}” is not a real date")
        break

    found, rest = _take(_UPN, rest)
    if found:
        terms.upn = found[1].upper()
        if not rules.upn_is_valid(terms.upn):
            terms.problems.append(f"“{found[0]}” is not a valid unique pupil number")

    found, rest = _take(_NHS, rest)
    if found:
        terms.nhs_number = "".join(found.groups())

    found, rest = _take(_POSTCODE, rest)
    if found:
        candidate = f"{found[1]} {found[2]}"
        if rules.postcode_is_valid(candidate):
            terms.postcode = rules.normalise_postcode(candidate)
        else:
            rest = f"{rest} {found[0]}"

    for token in rest.split():
        if any(ch.isdigit() for ch in token):
            if terms.crime_reference:
                terms.problems.append(f"Only one crime reference at a time: “{token}” was left out")
            else:
                terms.crime_reference = token.upper().strip(".,;")
            continue
        for word in matching.fold(token).split():
            target = terms.initials if len(word) == 1 else terms.words
            if word not in target:
                target.append(word)
    if len(terms.words) > matching.MAX_WORDS:
        left = terms.words[matching.MAX_WORDS:]
        terms.words = terms.words[:matching.MAX_WORDS]
        terms.problems.append(f"Only the first {matching.MAX_WORDS} words of a name are used: "
                              f"“{' '.join(left)}” was left out")
    return terms
