"""The measurements, one after another in this process, on the data bench.load made.

Pages go through Django's test client (the whole middleware stack, DEBUG off, no network): after a
warm-up, each is requested `scale.requests` times and timed; the queries of each request are counted
on a second, smaller subject too (a smaller school, another YOS...), so "constant" can be read off.
Then the access policy against django-guardian, the load run against gunicorn, "take next" under
contention, and last the two jobs, each run in a transaction that is rolled back.
"""

import datetime
import logging
import math
import os
import platform
import statistics
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from guardian.models import GroupObjectPermission
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_group_obj_perms_model

from core import clock
from jobs.registry import run as run_job
from outcomes import rules as outcome_rules
from outcomes.models import DiversionCase, Intervention
from partners import access, token_services
from partners.models import Organisation, User
from partners.workdays import next_working_day
from referrals import rules as referral_rules
from referrals import services as referral_services
from referrals.models import (
    Referral,
    ReferralEvent,
    YoungPerson,
)

from . import loadrun, plan

logger = logging.getLogger("bench")
WARM_UP = 1
MIN_REQUESTS = 3
SUBJECTS = 10  # records opened in turn on the pages about one record


def sign_in(client, user):
    """A session as the sign-in pages leave it: password and second factor passed (partners/signin/state.py)."""
    import time

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()},
                                                   {"method": "mfa", "at": time.time(), "type": "totp"}]
    session["account_authentication_methods_user"] = user_id_to_str(user)
    session.save()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timing(seconds):
    ms = [s * 1000 for s in seconds]
    return {"requests": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1)}


@contextmanager
def statement_timeout(seconds):
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


class Pages:
    """Signed-in test clients, one per person, and the timing of their pages."""

    def __init__(self, scale):
        self.scale = scale
        self.clients = {}

    def client(self, user, token=None):
        key = (user.pk, token)
        if key not in self.clients:
            client = Client(HTTP_AUTHORIZATION=f"Token {token}") if token else Client()
            if not token:
                sign_in(client, user)
            self.clients[key] = client
        return self.clients[key]

    @staticmethod
    def _get(client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
        return response

    def measure(self, label, timed, others=()):
        """`timed` and `others` are lists of (client, url): the first are timed in turn, all have their queries counted.

        A query that runs past the statement timeout ends the measurement of that page (not the whole bench):
        the result says so instead of giving numbers.
        """
        try:
            with statement_timeout(self.scale.statement_timeout_seconds):
                return self._measure(label, timed, others)
        except OperationalError as error:
            logger.info("%-26s stopped: %s", label, str(error).splitlines()[0])
            return {"status": f"timed out: a query ran past {self.scale.statement_timeout_seconds} s",
                    "requests": 0, "p50_ms": None, "p95_ms": None, "max_ms": None, "queries": None,
                    "queries_min": None, "queries_constant": None}

    def _measure(self, label, timed, others):
        for _ in range(WARM_UP):
            for client, url in list(timed) + list(others):
                self._get(client, url)
        queries = []  # counted once warm: the per-process caches (content types) are full
        for client, url in list(timed) + list(others):
            with CaptureQueriesContext(connection) as captured:
                self._get(client, url)
            queries.append(len(captured))
        seconds = []
        for n in range(self.scale.requests):
            if n >= MIN_REQUESTS and sum(seconds) > self.scale.page_budget_seconds:
                break  # a very slow page: the budget keeps the run bounded; "requests" says how many were made
            client, url = timed[n % len(timed)]
            started = time.perf_counter()
            self._get(client, url)
            seconds.append(time.perf_counter() - started)
        result = timing(seconds) | {"queries": max(queries), "queries_min": min(queries),
                                    "queries_constant": min(queries) == max(queries), "subjects": len(queries)}
        logger.info("%-26s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms  queries %s", label, result["p50_ms"], result["p95_ms"],
                    result["max_ms"], sorted(set(queries)))
        return result


class People:
    """Who the bench acts as, found in the data by role and organisation."""

    def __init__(self, region):
        self.region = region

    def user(self, org_name, role, n=0):
        return User.objects.get(pk=self.region.named(org_name).with_role(role)[n])

    def vru(self, role, n=0):
        return self.user(plan.VRU_NAME, role, n)

    def triagers(self, first, count):
        ids = self.region.named(plan.VRU_NAME).with_role("triager")[first:first + count]
        if len(ids) < count:
            raise RuntimeError(f"The bench needs {first + count} VRU triagers")
        return list(User.objects.filter(pk__in=ids).order_by("pk"))


def pages(scale, people, region):
    p = Pages(scale)
    out = {}
    triager = p.client(people.vru("triager"))
    out["triage_queue"] = p.measure("triage queue", [(triager, reverse("triage-queue"))],
                                    [(triager, reverse("triage-queue") + "?area=walsall")])

    small_school = next(o for o in region.of_kind("school") if o.name != plan.BIG_SCHOOL)
    big = p.client(people.user(plan.BIG_SCHOOL, "referrer"))
    out["my_referrals"] = p.measure("my referrals (big school)", [(big, reverse("my-referrals"))],
                                    [(p.client(people.user(small_school.name, "referrer")), reverse("my-referrals"))])

    # The queue's referrals whose young person has been referred most often: the fullest triage pages.
    queue = (Referral.objects.filter(status__in=referral_rules.QUEUE_STATUSES)
             .annotate(history=Count("young_person__referrals")).order_by("-history", "id")[:SUBJECTS])
    out["triage_page"] = p.measure("triage page", [(triager, reverse("triage-referral", args=[r.pk])) for r in queue])

    birmingham, walsall = region.yos_for("birmingham"), region.yos_for("walsall")
    api = []
    for org in (birmingham, walsall):
        user = people.user(org.name, "caseworker")
        _, secret = token_services.create_token(access.acting_for(user, org.id), "bench partner system")
        api.append((p.client(user, token=secret), reverse("api-referral-list")))
    out["api_referrals_partner"] = p.measure("API referrals (YOS Bham)", api[:1], api[1:])
    from . import peers

    out["api_vs_bare_drf"] = peers.run(scale, api[0][0])
    logger.info("API list against bare DRF: %.2f times at p50, %.2f at p95; the SQL alone %.1f ms at p50",
                out["api_vs_bare_drf"]["ratio_p50"], out["api_vs_bare_drf"]["ratio_p95"],
                out["api_vs_bare_drf"]["floor_sql"]["p50_ms"])

    # The young people referred most often, among those with an intervention (so every list on the page has rows).
    busiest = (YoungPerson.objects.filter(Exists(Intervention.objects.filter(young_person=OuterRef("pk"))))
               .annotate(n=Count("referrals")).order_by("-n", "pk").values_list("pk", flat=True)[:SUBJECTS])
    out["young_person_page"] = p.measure(
        "young person page", [(triager, reverse("young-person", args=[pk])) for pk in busiest])

    out["caseload_yos_birmingham"] = p.measure(
        "caseload YOS Birmingham", [(p.client(people.user(birmingham.name, "caseworker")), reverse("caseload"))],
        [(p.client(people.user(walsall.name, "caseworker")), reverse("caseload"))])

    try:
        figures = reverse("figures")
    except NoReverseMatch:
        out["figures_year"] = {"status": "not built", "detail": 'no URL named "figures"'}
    else:
        manager = p.client(people.vru("manager"))
        year = figures + "?" + urlencode({"preset": "last_12_months"})
        out["figures_year"] = p.measure("figures, 12 months", [(manager, year)],
                                        [(manager, figures + "?" + urlencode({"preset": "last_12_months", "area": "walsall"}))])
        # Every section at once (the API's whole answer): the diversion cases are still counted live.
        vru_manager = people.vru("manager")
        _, secret = token_services.create_token(access.acting_for(vru_manager), "bench figures")
        api = p.client(vru_manager, token=secret)
        every = reverse("api-figures-list") + "?" + urlencode({"preset": "last_12_months"})
        out["figures_all_api"] = p.measure("figures API, every section", [(api, every)],
                                           [(api, every + "&" + urlencode({"area": "walsall"}))])
    return out


# --- Our access policy against django-guardian's generic object permissions ---------------------------------


@contextmanager
def generic_permissions():
    """Guardian on its generic table, as a project without the access policy would run it.

    The portal keeps no direct permission tables (visibility follows relations), so guardian has nothing else to
    read; should one come back, the comparison would no longer be with the generic model, and says so.
    """
    if get_group_obj_perms_model(Referral) is not GroupObjectPermission:
        raise RuntimeError("guardian would read a direct permission table for referrals, not its generic one")
    yield


def _listing(queryset):
    """What a list page does with the rows a person may see: count them, fetch the newest 50."""
    queryset = queryset.order_by("-created_at", "-id")
    return queryset.count(), list(queryset.values_list("pk", flat=True)[:50])


def access_vs_guardian(scale, people):
    user = people.user(plan.COMPARISON_PARTNER, "caseworker")
    organisation = Organisation.objects.get(name=plan.COMPARISON_PARTNER)
    # guardian finds a user's permissions through their groups: the generic rows are held by the organisation's group.
    user.groups.add(organisation.group)
    acting = access.acting_for(user)

    def ours():
        return _listing(access.visible(acting, Referral.objects.all()))

    def guardian():
        with generic_permissions():
            return _listing(get_objects_for_user(user, "referrals.view_referral", klass=Referral.objects.all(),
                                                 accept_global_perms=False))

    results = {}
    for name, func in (("ours", ours), ("guardian", guardian)):
        with CaptureQueriesContext(connection) as captured:
            results[name] = func()
        results[f"{name}_queries"] = len(captured)
    if results["ours"] != results["guardian"]:
        raise RuntimeError("The access policy and guardian disagree on what the partner sees")
    seconds = {"ours": [], "guardian": []}
    for _ in range(scale.comparison_runs):
        for name, func in (("ours", ours), ("guardian", guardian)):
            started = time.perf_counter()
            func()
            seconds[name].append(time.perf_counter() - started)
    ours_ms = statistics.median(seconds["ours"]) * 1000
    guardian_ms = statistics.median(seconds["guardian"]) * 1000
    result = {
        "partner": plan.COMPARISON_PARTNER, "visible_referrals": results["ours"][0], "runs": scale.comparison_runs,
        "ours_p50_ms": round(ours_ms, 2), "guardian_p50_ms": round(guardian_ms, 2), "ratio": round(guardian_ms / ours_ms, 1),
        "ours_queries": results["ours_queries"], "guardian_queries": results["guardian_queries"],
    }
    logger.info("access policy %.1f ms, guardian %.1f ms: %.1f times", ours_ms, guardian_ms, result["ratio"])
    return result


# --- "Take next" under contention ---------------------------------------------------------------------------

DOUBLE_CLAIMS = """
    SELECT count(*) FROM (
        SELECT kind, lag(kind) OVER (PARTITION BY referral_id ORDER BY id) AS before
        FROM referrals_referralevent WHERE id > %s AND kind IN ('claimed', 'released')
    ) AS sequence WHERE kind = 'claimed' AND before = 'claimed'"""


def take_next(scale, people, threads=8):
    """Eight triagers press "Take next" again and again: each take lets go of the one held before.

    Afterwards the referral events say whether any referral was ever held by two at once: for each referral,
    in the order the database wrote them (under the row lock), a claim must follow a release, never a claim.
    """
    triagers = people.triagers(1, threads)
    last_event = ReferralEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    start = threading.Barrier(threads)
    claims = [0] * threads
    empty = [0] * threads
    errors = []
    stop_at = [0.0]

    def work(n, user):
        acting = access.acting_for(user)
        try:
            start.wait()
            while time.perf_counter() < stop_at[0]:
                if referral_services.claim_next(acting, now=timezone.now()) is None:
                    empty[n] += 1
                else:
                    claims[n] += 1
        except Exception as exc:  # reported after the threads end
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(n, user)) for n, user in enumerate(triagers)]
    stop_at[0] = time.perf_counter() + scale.contention_seconds + 1
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"take next failed: {errors[0]}")
    with connection.cursor() as cursor:
        cursor.execute(DOUBLE_CLAIMS, [last_event])
        doubles = cursor.fetchone()[0]
    held = (Referral.objects.filter(claimed_by__in=triagers).values("claimed_by").annotate(n=Count("id"))
            .filter(n__gt=1).count())
    recorded = ReferralEvent.objects.filter(id__gt=last_event, kind=ReferralEvent.Kind.CLAIMED).count()
    total = sum(claims)
    result = {
        "threads": threads, "seconds": round(elapsed, 1), "claims": total, "claims_per_second": round(total / elapsed, 1),
        "double_claims": doubles + held, "claim_events": recorded, "empty_queue": sum(empty),
    }
    if recorded != total:
        raise RuntimeError(f"{total} claims returned but {recorded} claim events recorded")
    logger.info("take next: %s claims in %.1f s by %s threads, %s double claims", total, elapsed, threads,
                result["double_claims"])
    return result


# --- The jobs -------------------------------------------------------------------------------------------------


def job(scale, name, cases, now=None):
    """Run a job through the registry, as beat would, in a transaction rolled back: the data stays as loaded."""
    seconds, counts = [], None
    for _ in range(scale.job_runs):
        with transaction.atomic():
            started = time.perf_counter()
            record = run_job(name, now=now, trigger="bench")
            seconds.append(time.perf_counter() - started)
            counts = record.counts
            transaction.set_rollback(True)
        if record.outcome != "succeeded":
            raise RuntimeError(f"The job {name} failed: {record.error}")
    median = statistics.median(seconds)
    result = {"cases": cases, "runs": len(seconds), "seconds": round(median, 3),
              "cases_per_second": round(cases / median) if median else None, "counts": counts}
    logger.info("%s: %s cases in %.2f s", name, cases, median)
    return result


def _live_cases():
    return DiversionCase.objects.filter(status__in=[outcome_rules.ACTIVE, outcome_rules.AT_RISK]).count()


def _sweep(scale, now=None):
    sweep = job(scale, "compliance_sweep", _live_cases(), now=now)
    sweep["cases"] = (sweep["counts"] or {}).get("checked", sweep["cases"])
    return sweep


def working_morning(scale):
    """The sweep of a usual working morning. The loaded cases have never been swept, so the first morning catches
    up five years at once (compliance_sweep_catch_up, rolled back). Here the scheduler's runs from today up to the
    day before the next working day are committed, as beat would have run them, and that day's sweep is timed."""
    now = timezone.now()
    at, day = now, next_working_day(clock.today(now))
    while clock.today(at) < day:
        run_job("compliance_sweep", now=at, trigger="bench")
        at += datetime.timedelta(days=1)
    result = _sweep(scale, now=at)
    result["day"] = day.isoformat()
    return result


def jobs(scale):
    waiting = DiversionCase.objects.filter(
        Q(status__in=outcome_rules.ACTIVE_STATUSES)
        | Q(status=outcome_rules.RETURNED_TO_POLICE, return_to_police__received_at__isnull=True)).count()
    deadline = job(scale, "deadline_warnings", waiting)
    catch_up = _sweep(scale)
    return {"deadline_job": deadline, "compliance_sweep_catch_up": catch_up, "compliance_sweep": working_morning(scale)}


def figures_rollup():
    """The rollup job as the scheduler runs it, committed: the first time it counts every day since the first
    referral; with --reuse it counts only what is new. The figures page is measured after it."""
    from reporting import rollup
    from reporting.models import DailyCount

    started = time.perf_counter()
    counted = rollup.roll_up(timezone.now())
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_dailycount")  # as autovacuum would after the first big write
    result = {"days": counted.get("days", 0), "months": counted.get("months", 0), "seconds": round(seconds, 2),
              "rows": DailyCount.objects.count()}
    logger.info("figures rollup: %s days counted in %.1f s (%s rows)", result["days"], seconds, f"{result['rows']:,}")
    return result


# --- All of it ---------------------------------------------------------------------------------------------


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "postgresql": server, "processor": platform.processor() or platform.machine()}


def counts():
    from django.apps import apps

    out = {}
    with connection.cursor() as cursor:
        for label in ("referrals", "outcomes", "partners", "cohorts", "guardian"):
            for model in apps.get_app_config(label).get_models():
                cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")
                rows = cursor.fetchone()[0]
                if rows:
                    out[model._meta.db_table] = rows
    return out


def run_all(scale, loaded, *, env, only=None):
    region = loaded.region
    people = People(region)
    results = {
        "scale": scale.name, "started_at": loaded.now.isoformat(), "machine": machine(),
        "load": {"seconds": loaded.seconds, "tables": loaded.timings, "cohorts": loaded.cohorts or "loaded"},
        "counts": counts(), "settings": {"CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"], "DEBUG": settings.DEBUG},
    }
    from . import search  # here: it measures with this module's Pages

    rolled_up = figures_rollup()

    if only == "search":
        results["measurements"] = search.run(scale, people, region) | {"figures_rollup": rolled_up}
        return results
    if only == "pages":
        results["measurements"] = pages(scale, people, region) | {"figures_rollup": rolled_up}
        return results
    measurements = pages(scale, people, region)
    measurements.update(search.run(scale, people, region))
    measurements["access_vs_guardian"] = access_vs_guardian(scale, people)
    sessions = []
    for user in people.triagers(0, 4):
        client = Client()
        sign_in(client, user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    partner = people.user(region.yos_for("birmingham").name, "caseworker")
    _, secret = token_services.create_token(access.acting_for(partner), "bench load run")
    measurements.update(loadrun.run(scale, env, token=secret, sessions=sessions))
    measurements["take_next"] = take_next(scale, people)
    measurements.update(jobs(scale))
    measurements["figures_rollup"] = rolled_up
    results["measurements"] = measurements
    return results
