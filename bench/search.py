"""Find a young person by name (issue 16): the search page for a VRU triager and for a partner, and beside each
the naive peer, ILIKE '%word%' on the young people's names with the same scope, as a ratio.

The names searched are those of people the searcher may see, spread over the table: half typed as recorded,
half with a letter of the family name left out, as a hurried person types. ILIKE finds none of the
misspelt; it is timed all the same, since its cost does not depend on what it finds.
"""

import functools
import logging
import operator
import statistics
import time
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from core import clock
from partners import access
from referrals import search as people_search
from referrals import terms
from referrals.models import YoungPerson

from .measure import SUBJECTS, Pages, statement_timeout

logger = logging.getLogger("bench")


def _misspelt(name):
    # A letter left out near the end: a typo the matcher must forgive (spelt alike), ILIKE cannot.
    return name[:-2] + name[-1] if len(name) > 4 else name


def names(acting, count=SUBJECTS):
    people = access.visible(acting, YoungPerson.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True))
    total = people.count()
    picked = [people.order_by("pk").values_list("given_name", "family_name")[n * total // count]
              for n in range(count)]
    return [f"{given} {family if n % 2 == 0 else _misspelt(family)}" for n, (given, family) in enumerate(picked)]


def ilike(acting, typed):
    """What a project without a search index would write: every word somewhere in a name, then the first page."""
    people = YoungPerson.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    for word in typed.split():
        people = people.filter(functools.reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in
                                                               ("given_name", "family_name", "preferred_name"))))
    return list(access.visible(acting, people).order_by(*people_search.ORDER)[:people_search.RESULTS])


def ours(acting, typed, today):
    return people_search.find_young_people(acting, terms.parse(typed, today=today), where="bench")


def _p(values, share):
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)] * 1000


def compare(scale, acting, queries):
    today = clock.today()
    seconds = {"ours": [], "ilike": []}
    found = {"ours": 0, "ilike": 0}
    sides = {"ours": lambda typed: ours(acting, typed, today), "ilike": lambda typed: ilike(acting, typed)}
    for typed in queries:  # warm
        for func in sides.values():
            func(typed)
    for _ in range(max(1, scale.comparison_runs // 2)):
        for typed in queries:
            for name, func in sides.items():
                started = time.perf_counter()
                found[name] += len(func(typed))
                seconds[name].append(time.perf_counter() - started)
    result = {"searches": len(seconds["ours"])}
    for name in ("ours", "ilike"):
        result |= {f"{name}_p50_ms": round(statistics.median(seconds[name]) * 1000, 1),
                   f"{name}_p95_ms": round(_p(seconds[name], 0.95), 1),
                   f"{name}_found_per_search": round(found[name] / len(seconds[name]), 1)}
    result["ratio"] = round(result["ilike_p50_ms"] / result["ours_p50_ms"], 1)
    result["ratio_p95"] = round(result["ilike_p95_ms"] / result["ours_p95_ms"], 1)
    return result


def run(scale, people, region):
    p = Pages(scale)
    out = {}
    for key, label, user in (
            ("triager", "search (VRU triager)", people.vru("triager")),
            ("partner", "search (YOS Birmingham)", people.user(region.yos_for("birmingham").name, "caseworker"))):
        acting = access.acting_for(user)
        queries = names(acting)
        client = p.client(user)
        out[f"search_{key}"] = p.measure(
            label, [(client, reverse("search") + "?" + urlencode({"q": q})) for q in queries]) | {"names": queries}
        with statement_timeout(scale.statement_timeout_seconds):
            out[f"search_ilike_{key}"] = compare(scale, acting, queries)
        r = out[f"search_ilike_{key}"]
        logger.info("%-26s ours p50 %.1f ms, ILIKE p50 %.1f ms: %.1f times", label, r["ours_p50_ms"], r["ilike_p50_ms"],
                    r["ratio"])
    return out
