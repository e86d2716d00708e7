"""How the portal tells that two names may be the same young person: one matcher for the duplicate check at
referral (rules.names_similar) and for search (referrals/search.py), so "possible match" and a search never
disagree.

Pure: no ORM. Names are folded once, here (accents, case, punctuation), never again in SQL, so the words stored
for search (NameKey) and the words compared at referral come from the same function.

Two words are alike when they are the same, when one starts the other (search only: "Jor" finds Jordan), when
they sound alike (the same Metaphone or NYSIIS code, jellyfish: Mohammed, Muhammad and Mohamed; Jon, John and
Jhon), or when they are spelt alike: trigram similarity of at least 0.3, computed exactly as PostgreSQL's
pg_trgm computes it for one word, so the index (word % 'term') finds precisely the words this module calls alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import jellyfish

# Letters that Unicode does not decompose into a base letter and a mark.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})

SAME = "same"
STARTS = "starts"
SOUNDS = "sounds"
SPELT = "spelt"
# Strongest first; the weight is how much a word found this way counts towards a result's rank.
GRADES = {SAME: 4, STARTS: 3, SOUNDS: 3, SPELT: 2}
# pg_trgm's default similarity_threshold: the `%` operator and this module agree without a SET per query.
WORD_SIMILARITY = 0.3
# A shorter start ("J") would find half the region: an initial counts only beside an identical family name.
PREFIX_MIN = 2
MAX_WORDS = 4


def fold(value: str) -> str:
    """A name folded for comparison: accents stripped, case folded, anything but letters and spaces dropped.

    "Zoë O'Brien-Smith" -> "zoe obrien smith" (a hyphen separates words; an apostrophe joins them).
    """
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold().translate(_FOLD))
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = re.sub(r"[\s\-‐–—_/.,]+", " ", without_marks)
    return " ".join("".join(ch for ch in word if ch.isalpha()) for word in spaced.split()).strip()


def words(*names: str) -> list[str]:
    """The words a person is found by, in order, without repeats: each word of each name, and a name of several
    words also run together ("Jones-Evans" gives jones, evans and jonesevans), so "Jones Evans", "Jones-Evans" and
    "JonesEvans" find each other."""
    found: list[str] = []
    for name in names:
        parts = [w for w in fold(name).split() if w]
        for word in (*parts, "".join(parts) if len(parts) > 1 else ""):
            if word and word not in found:
                found.append(word)
    return found


@functools.lru_cache(maxsize=4096)  # ranking asks again for the same few words: pure, so kept
def sounds(word: str) -> tuple[str, str]:
    """The word's two phonetic codes: Metaphone and NYSIIS ("" for a word with none)."""
    if not word:
        return "", ""
    return jellyfish.metaphone(word)[:20], jellyfish.nysiis(word)[:20]


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word of letters: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)} if word else set()


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two words: shared trigrams over all trigrams of either."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)


def likeness(term: str, word: str, *, prefix: bool = True) -> str | None:
    """How the folded word `term` (what was typed, or a name on a new referral) is like `word` (a name known):
    SAME, STARTS, SOUNDS, SPELT or None."""
    if not term or not word:
        return None
    if term == word:
        return SAME
    if prefix and len(term) >= PREFIX_MIN and word.startswith(term):
        return STARTS
    (m1, n1), (m2, n2) = sounds(term), sounds(word)
    if (m1 and m1 == m2) or (n1 and n1 == n2):
        return SOUNDS
    if similarity(term, word) >= WORD_SIMILARITY:
        return SPELT
    return None


def best_likeness(term: str, known_words: list[str], *, prefix: bool = True) -> str | None:
    grades = [g for g in (likeness(term, w, prefix=prefix) for w in known_words) if g]
    return max(grades, key=GRADES.get) if grades else None


def name_likeness(terms: list[str], known_words: list[str]) -> list[str] | None:
    """For a search: how each typed word is like one of a person's words, or None if any word is like none."""
    found = [best_likeness(t, known_words) for t in terms]
    return None if not terms or None in found else found


def describe(grades: list[str]) -> str:
    """Why a name matched, in the words a search result shows: the weakest likeness decides."""
    weakest = min(grades, key=GRADES.get)
    if weakest == SAME:
        return "same name"
    if weakest == STARTS:
        return "name starts the same"
    if SOUNDS in grades and weakest == SOUNDS:
        return "name sounds alike"
    return "name spelt alike"


def names_alike(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    """The duplicate check: similar enough to be the same person, allowing for misspelling and mixed-up fields.

    Both names alike (each the same, sounding alike or spelt alike, word for word as folded); or given and family
    names swapped; or the same initial and an identical family name ("Jo Smith" and "Joanne Smith"). Starting
    alike is not enough here: "Sam" is not "Samantha" on a new referral without the family name to say so.
    """
    ga, fa, gb, fb = ("".join(fold(n).split()) for n in (given_a, family_a, given_b, family_b))
    if likeness(ga, gb, prefix=False) and likeness(fa, fb, prefix=False):
        return True
    if likeness(ga, fb, prefix=False) and likeness(fa, gb, prefix=False):
        return True
    return bool(ga and gb and fa) and ga[0] == gb[0] and fa == fb
