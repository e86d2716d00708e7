"""Find a young person: one search for the header, the police's *start a case*, the triager's look for earlier
contact and the cohort's *add member* page.

The access policy decides who is found (access.visible): someone outside the searcher's scope is not found, the
same empty answer as someone who does not exist. Every search is audited with its terms and its number of results.

Names are matched by referrals/matching.py (the duplicate check's matcher): a typed word is looked up in the
dictionary of words (NameWord): the word itself or its start, its sounds (Metaphone, NYSIIS), and on PostgreSQL
its trigrams (pg_trgm, `word % 'term'`, GIN index); NameKey then says who has the words found. The demo's SQLite
has no trigrams: words, starts and sounds only. Dates of birth, references, postcodes and identifiers are exact
lookups on indexed columns. A search is three queries, whatever it finds: the dictionary's words like those typed,
the people with them (those named exactly first) and the audit row.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, When

from partners import access, audit

from . import matching
from .models import NameKey, NameWord, Referral, YoungPerson
from .terms import Terms

# How many people are read to rank: enough that the closest are among them, whatever the region's size.
CANDIDATES = 200
RESULTS = 25
ORDER = ("family_name", "given_name", "date_of_birth", "pk")

# Lookups that other apps add for the identifiers they own (outcomes: a crime reference). Each takes the typed
# value and answers a Q on YoungPerson, so this app need not import theirs.
IDENTIFIERS: dict[str, Callable[[str], Q]] = {}


def register_identifier(name: str, lookup: Callable[[str], Q]):
    IDENTIFIERS[name] = lookup


@dataclass
class Found:
    person: YoungPerson
    reasons: list[str]
    score: int

    @property
    def why(self) -> str:
        text = "; ".join(self.reasons)
        return text[:1].upper() + text[1:]


@dataclass
class Result:
    terms: Terms
    found: list[Found] = field(default_factory=list)
    more: bool = False  # more people matched than are shown: the searcher should add a term

    def __iter__(self):
        return iter(self.found)

    def __len__(self):
        return len(self.found)


# --- Keeping the words a person is found by ------------------------------------------------------------------


def index_names(people):
    """Write the NameKey rows of these young people (just created or renamed), replacing any they had, and add
    their words to the dictionary (NameWord)."""
    people = [p for p in people if p.anonymised_at is None]
    if not people:
        return
    keys = [(person.pk, word[:100]) for person in people
            for word in matching.words(person.given_name, person.family_name, person.preferred_name)]
    NameKey.objects.filter(young_person_id__in=[p.pk for p in people]).delete()
    NameKey.objects.bulk_create([NameKey(young_person_id=pk, word=word) for pk, word in keys], batch_size=2000)
    words = {word for _pk, word in keys}
    NameWord.objects.bulk_create([NameWord(word=w, metaphone=m, nysiis=n) for w, (m, n) in
                                  ((w, matching.sounds(w)) for w in sorted(words))], ignore_conflicts=True)


def forget_names(people_ids) -> int:
    """Remove the words these young people were found by (retention), and any word nobody else has: a rare name
    left in the dictionary would say that someone of that name was once known."""
    words = list(NameKey.objects.filter(young_person_id__in=people_ids).values_list("word", flat=True).distinct())
    removed = NameKey.objects.filter(young_person_id__in=people_ids).delete()[0]
    NameWord.objects.filter(word__in=words).exclude(word__in=NameKey.objects.values("word")).delete()
    return removed


# --- The search ------------------------------------------------------------------------------------------------


def _alike(word: str) -> Q:
    """The dictionary's words that may be like a typed word: its start, its sounds and (PostgreSQL) its trigrams."""
    metaphone, nysiis = matching.sounds(word)
    condition = Q(word__startswith=word)
    if metaphone:
        condition |= Q(metaphone=metaphone)
    if nysiis:
        condition |= Q(nysiis=nysiis)
    if connection.vendor == "postgresql":
        condition |= Q(word__trigram_similar=word)
    return condition


def _dictionary(typed: list[str]) -> dict[str, list[str]]:
    """For each typed word, the known words like it (the matcher decides): one query to the dictionary."""
    condition = functools.reduce(operator.or_, (_alike(w) for w in typed))
    known = list(NameWord.objects.filter(condition).values_list("word", flat=True))
    return {term: [w for w in known if matching.likeness(term, w)] for term in typed}


def _named(queryset, alike: dict[str, list[str]]):
    """The people with a word like each typed word; those named exactly first (among thousands named alike, the
    exact are not lost), then by name."""
    def has(**word):
        return Exists(NameKey.objects.filter(young_person_id=OuterRef("pk"), **word))

    for words in alike.values():
        queryset = queryset.filter(has(word__in=words))
    exact = functools.reduce(operator.add, (Case(When(has(word=term), then=1), default=0) for term in alike))
    return queryset.annotate(exact=exact).order_by("-exact", *ORDER)


def _identified(terms: Terms, *, area=None, born_between: tuple[date, date] | None = None, extra: Q | None = None):
    queryset = YoungPerson.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    exact = {"date_of_birth": terms.date_of_birth, "postcode": terms.postcode, "upn": terms.upn,
             "nhs_number": terms.nhs_number}
    queryset = queryset.filter(**{k: v for k, v in exact.items() if v})
    if terms.reference:
        queryset = queryset.filter(pk__in=Referral.objects.filter(reference=terms.reference).values("young_person_id"))
    if terms.crime_reference and "crime_reference" in IDENTIFIERS:
        queryset = queryset.filter(IDENTIFIERS["crime_reference"](terms.crime_reference))
    if area:
        queryset = queryset.filter(area=area)
    if born_between:
        queryset = queryset.filter(date_of_birth__range=born_between)
    if extra is not None:
        queryset = queryset.filter(extra)
    return queryset


def _rank(person, terms: Terms) -> Found | None:
    """Why this person matched, by the one matcher; None if, looked at closely, they do not."""
    reasons, score = [], 0
    for value, reason, weight in ((terms.reference, "same referral reference", 100),
                                  (terms.crime_reference, "same crime reference", 100),
                                  (terms.upn, "same unique pupil number", 100), (terms.nhs_number, "same NHS number", 100),
                                  (terms.date_of_birth, "same date of birth", 60), (terms.postcode, "same postcode", 15)):
        if value:
            reasons.append(reason)
            score += weight
    if terms.words or terms.initials:
        known = matching.words(person.given_name, person.family_name, person.preferred_name)
        if any(not any(w.startswith(i) for w in known) for i in terms.initials):
            return None
        grades = matching.name_likeness(terms.words, known) if terms.words else [matching.STARTS]
        if grades is None:
            return None
        reasons.append(matching.describe(grades))
        score += 10 * sum(matching.GRADES[g] for g in grades) // len(grades)
    return Found(person=person, reasons=reasons, score=score)


def find_young_people(acting, terms: Terms, *, where: str, area=None, born_between=None, extra: Q | None = None,
                      limit: int = RESULTS) -> Result:
    """The young people this person may see who match every term, closest first. Audited (`where` says which
    page searched), also when nothing is found; a search with no terms finds nobody and is not recorded."""
    result = Result(terms=terms)
    if terms.is_empty:
        return result
    base = access.visible(acting, _identified(terms, area=area, born_between=born_between, extra=extra))
    if terms.words:
        alike = _dictionary(terms.words)
        people = list(_named(base, alike)[:CANDIDATES]) if all(alike.values()) else []
    else:
        people = list(base.order_by(*ORDER)[:CANDIDATES])
    ranked = [f for f in (_rank(p, terms) for p in people) if f is not None]
    ranked.sort(key=lambda f: (-f.score, f.person.family_name, f.person.given_name, f.person.pk))
    result.found, result.more = ranked[:limit], len(ranked) > limit
    audit.record(acting, audit.AuditAction.SEARCH, None, detail={
        "action": "search", "where": where, "terms": terms.as_audit(), "results": len(result.found),
        "more": result.more})
    return result
