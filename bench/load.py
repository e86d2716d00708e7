"""Loading a region's five years into the bench database, fast: the database generates the rows itself.

The large tables are filled by INSERT ... SELECT over generate_series (no row crosses the wire, no
save() per row); the few thousand organisations, users and programmes go in by COPY through psycopg 3.
Django's indexes, constraints and foreign keys all stay in place, so what is measured afterwards is
the schema the portal runs on; VACUUM ANALYZE at the end gives the planner statistics and the
visibility map that autovacuum would have given a database five years old.

The rows follow what the services would have written: the status a referral ends in, its events, the
allocation. No permission rows: the access policy reads who sees what from the allocations, cases and
cohorts themselves. Only for the comparison with django-guardian's generic model, what each partner's
allocations let it see is written as guardian would hold it: a view_referral row in GroupObjectPermission
(content type and text object id) for every allocation.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from guardian.models import GroupObjectPermission

from core import clock
from outcomes import rules as outcome_rules
from outcomes.models import (
    Assessment,
    CaseEvent,
    Condition,
    DiversionCase,
    Intervention,
    Offence,
    OutcomeCode,
    Pathway,
    PoliceOutcome,
    Programme,
    ReturnToPolice,
    Session,
)
from partners.models import Membership, Organisation, User
from partners.models import OrganisationKind as K
from referrals import matching
from referrals import rules as referral_rules
from referrals.models import (
    Allocation,
    Concern,
    InfoRequest,
    NameKey,
    NameWord,
    PossibleMatch,
    Referral,
    ReferralConcern,
    ReferralEvent,
    YoungPerson,
)

from . import plan, words
from .sql import (
    h,
    pick,
    r,
    u,
    weighted,
    yp_area,
    yp_date_of_birth,
    yp_ethnicity,
    yp_family,
    yp_given,
    yp_nhs_number,
    yp_postcode,
    yp_sex,
    yp_upn,
)

logger = logging.getLogger("bench")

YEARS = 5
SPAN_DAYS = YEARS * 365 + 1
QUEUE_HOURS = 36  # the queue holds what arrived in the last day and a half
ETHNICITIES = weighted([
    ("white_british", 44), ("asian_pakistani", 12), ("black_caribbean", 8), ("black_african", 6),
    ("mixed_white_black_caribbean", 6), ("asian_indian", 5), ("asian_bangladeshi", 4), ("white_other", 4),
    ("mixed_other", 2), ("other_any", 2), ("not_stated", 7),
])
CONCERN_WEIGHTS = [("weapon", 18), ("victim", 12), ("gang", 12), ("exploitation", 12), ("cse", 4), ("online", 8),
                   ("exclusion", 12), ("missing", 8), ("domestic_abuse", 6), ("substance", 5), ("other", 3)]
DESCRIPTIONS = {
    "assessment": "Complete the YOS assessment within 10 working days",
    "sessions_checkpoint": "Attend 6 knife-crime programme sessions",
    "sessions_outcome22": "Attend 4 intervention sessions",
    "no_reoffending": "No further offending during the contract",
}


# Their secondary indexes are dropped before the load and rebuilt, exactly as they were, after it.
BIG_TABLES = [
    YoungPerson, NameKey, Referral, ReferralConcern, ReferralEvent, Allocation, GroupObjectPermission, DiversionCase, Condition,
    Intervention, Session,
]


@dataclass
class Loaded:
    """What the measurements need to know about the data: who to sign in as, which records to open."""

    region: plan.Region
    now: object
    timings: list = field(default_factory=list)  # {"table", "rows", "seconds"}
    cohorts: str = ""

    @property
    def seconds(self):
        return round(sum(t["seconds"] for t in self.timings), 2)


class Loader:
    def __init__(self, scale, *, now=None):
        self.scale = scale
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = clock.today(self.now)
        self.region = plan.region(scale)
        self.loaded = Loaded(region=self.region, now=self.now)
        self.params = self._params()

    # --- plumbing ---------------------------------------------------------------------------------

    def _params(self):
        g, s = self.region, self.scale
        areas100 = weighted(list(plan.AREA_WEIGHTS.items()))
        districts = {area: iter(words.POSTCODE_DISTRICTS[area] * 100) for area in plan.AREAS}
        # Arrays indexed by organisation id: ids run 1, 2, 3 ... as SQL arrays do.
        assert [o.id for o in g.orgs] == list(range(1, len(g.orgs) + 1))
        first_user = [org.first_user for org in g.orgs]
        worker = [(org.with_role("caseworker") or [org.first_user])[0] for org in g.orgs]
        vru = g.named(plan.VRU_NAME)
        triagers = vru.with_role("triager")
        voluntary = g.ids(K.VOLUNTARY)
        span = SPAN_DAYS * 86400
        non_queue = s.referrals - s.queue
        return {
            "now": self.now, "today": self.today, "start": self.now - timedelta(days=SPAN_DAYS), "span_secs": span,
            "n_ref": s.referrals, "n_yp": s.young_people, "queue": s.queue, "n_cases": s.cases,
            "queue_gap": QUEUE_HOURS * 3600 / s.queue, "ref_gap": (span - QUEUE_HOURS * 3600) / non_queue,
            "big_stride": s.referrals // s.big_school_referrals, "big_school": g.named(plan.BIG_SCHOOL).id,
            "school_first": g.ids(K.SCHOOL)[0], "n_schools": s.schools,
            "police_first": g.ids(K.POLICE)[0], "n_police": len(g.ids(K.POLICE)),
            "yos_first": g.ids(K.YOS)[0], "la_first": g.ids(K.LOCAL_AUTHORITY)[0], "n_la": len(g.ids(K.LOCAL_AUTHORITY)),
            "vol_other_first": voluntary[3], "n_vol_other": len(voluntary) - 3,
            "custody": g.named(plan.CUSTODY_PARTNER).id, "remedi": g.named(plan.COMPARISON_PARTNER).id,
            "hospital": g.named(plan.HOSPITAL_PARTNER).id, "vru": vru.id,
            "triager_first": triagers[0], "n_triagers": len(triagers),
            "areas": plan.AREAS, "yos_by_area": [g.yos_for(a).id for a in plan.AREAS],
            "first_user": first_user, "worker": worker,
            "male": words.GIVEN_MALE, "female": words.GIVEN_FEMALE, "family": words.FAMILY,
            "areas100": areas100, "districts100": [next(districts[a]) for a in areas100], "ethnicities100": ETHNICITIES,
            "rags": ["red"] * 3 + ["amber"] * 9 + ["green"] * 8, "sentences": words.SENTENCES,
            "signpost_to": words.SIGNPOST_TO, "programmes": words.PROGRAMMES,
            "dna_reasons": words.SESSION_DNA_REASONS, "concerns": [c.value for c in Concern],
            "concern_idx100": [[c.value for c in Concern].index(name) + 1 for name in weighted(CONCERN_WEIGHTS)],
        }

    def _execute(self, sql, params=None):
        """Run one statement; without params, % in the SQL is left alone."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)

    def insert(self, model, values, from_sql, *, suffix=""):
        """INSERT INTO model's table SELECT values FROM ...; a NOT NULL column not given takes the field's default."""
        params = dict(self.params)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(values) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        columns, exprs = [], []
        for name, f in fields.items():
            if name in values:
                columns.append(f.column)
                exprs.append(values[name])
                continue
            if f.primary_key or f.null:
                continue
            default = f.get_default()
            if default is None:
                raise ValueError(f"The bench loader must give {model.__name__}.{name} a value")
            params[f"d_{f.column}"] = f.get_db_prep_save(default, connection)
            columns.append(f.column)
            exprs.append(f"%(d_{f.column})s")
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql} {suffix}"
        return self._execute(sql, params)

    def copy(self, model, columns, rows):
        """COPY rows (tuples in the order of `columns`, field attnames) into the model's table."""
        names = ", ".join(model._meta.get_field(c).column for c in columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)

    def analyzed(self, model, rows):
        """Statistics for a table that later steps read, so their joins are planned on real numbers."""
        self._execute(f"ANALYZE {model._meta.db_table}")
        return rows

    def step(self, label, func):
        started = time.perf_counter()
        rows = func()
        seconds = time.perf_counter() - started
        self.loaded.timings.append({"table": label, "rows": rows, "seconds": round(seconds, 3)})
        logger.info("loaded %-44s %10s rows in %7.2f s", label, f"{rows:,}", seconds)

    # --- the load ------------------------------------------------------------------------------------

    def run(self):
        # This session only: a crash mid-load loses nothing that matters (the bench starts again from an empty database).
        for setting in ("synchronous_commit = off", "work_mem = '64MB'", "maintenance_work_mem = '256MB'"):
            self._execute(f"SET {setting}")
        self._lookups()
        for label, func in [
            ("drop secondary indexes", self.drop_indexes),
            ("pause the figures' stale-day and the live-partner triggers", self.pause_stale_marks),
            ("auth_group", self.groups),
            ("partners_organisation", self.organisations),
            ("partners_user", self.users),
            ("partners_membership", self.memberships),
            ("outcomes_programme", self.programmes),
            ("referrals_youngperson", self.young_people),
            ("referrals_namekey + nameword", self.name_keys),
            ("referrals_referral", self.referrals),
            ("referrals_referralconcern", self.concerns),
            ("referrals_allocation", self.allocations),
            ("referrals_referral live_partner", self.live_partners),
            ("referrals_referralevent", self.referral_events),
            ("referrals_possiblematch + inforequest", self.matches_and_questions),
            ("guardian_groupobjectpermission (comparison)", self.generic_grants),
            ("outcomes_diversioncase", self.cases),
            ("outcomes_condition", self.conditions),
            ("outcomes_returntopolice + policeoutcome + caseevent", self.case_history),
            ("outcomes_intervention", self.interventions),
            ("outcomes_session", self.sessions),
            ("outcomes_intervention next_due", self.next_due),
            ("outcomes_assessment", self.assessments),
            ("cohorts", self.cohorts),
            ("create secondary indexes", self.create_indexes),
            ("sequences", self.reset_sequences),
            ("resume the figures' stale-day and the live-partner triggers", self.resume_stale_marks),
            ("vacuum analyze", self.vacuum_analyze),
        ]:
            self.step(label, func)
        return self.loaded

    # --- Django's secondary indexes: built once at the end rather than row by row ----------------------

    def _secondary_indexes(self):
        """(name, definition) of the plain indexes on the big tables, as PostgreSQL prints them.

        Left alone: those that back a constraint, and partial or expression indexes, whose predicate PostgreSQL
        prints in a form that is equivalent but not identical to Django's (and they are small or few).
        """
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT ic.relname, pg_get_indexdef(ic.oid) FROM pg_index AS x
                JOIN pg_class AS ic ON ic.oid = x.indexrelid JOIN pg_class AS t ON t.oid = x.indrelid
                WHERE t.relname = ANY(%s) AND x.indpred IS NULL AND x.indexprs IS NULL AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint AS k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid)
                ORDER BY ic.relname""", [[m._meta.db_table for m in BIG_TABLES]])
            return cursor.fetchall()

    def drop_indexes(self):
        """Measured: at 200,000 referrals, building the indexes afterwards is 2.5 times faster than keeping them
        during the load, and the gap widens with size (random inserts into a dozen B-trees outgrow the cache).
        Primary keys, unique constraints and foreign keys stay: the data is checked as it goes in."""
        self.indexes = self._secondary_indexes()
        for name, _definition in self.indexes:
            self._execute(f'DROP INDEX "{name}"')
        return len(self.indexes)

    def create_indexes(self):
        for _name, definition in self.indexes:
            self._execute(definition)
        rebuilt = self._secondary_indexes()
        if rebuilt != self.indexes:
            raise RuntimeError("The secondary indexes rebuilt differ from Django's: " + repr(set(rebuilt) ^ set(self.indexes)))
        return len(rebuilt)

    def _lookups(self):
        p = self.params
        perms = {(x.content_type.app_label, x.codename): x.pk for x in Permission.objects.select_related("content_type")}
        p["perm_view_referral"] = perms[("referrals", "view_referral")]
        p["ct_referral"] = ContentType.objects.get_for_model(Referral).pk
        pathways = {x.code: x.pk for x in Pathway.objects.all()}
        p["checkpoint"], p["outcome22"] = pathways["checkpoint"], pathways["outcome22"]
        offences = list(Offence.objects.filter(active=True).order_by("pk"))
        checkpoint = [o for o in offences if o.checkpoint_eligible]
        outcome22 = [o for o in offences if o.outcome22_eligible]
        for key, chosen in (("cp", checkpoint), ("o22", outcome22)):
            p[f"{key}_offences"], p[f"{key}_modes"] = [o.pk for o in chosen], [o.mode_of_trial for o in chosen]
            p[f"n_{key}"] = len(chosen)
        codes = {x.code: x.pk for x in OutcomeCode.objects.all()}
        p["outcome_22"], p["outcome_1"] = codes[22], codes[1]

    # --- organisations and people (COPY) ---------------------------------------------------------------

    def groups(self):
        return self.copy(Group, ["id", "name"], [(o.id, f"org:{o.name}") for o in self.region.orgs])

    def organisations(self):
        rows = [(o.id, o.name, o.kind, o.area, True, o.id) for o in self.region.orgs]
        return self.copy(Organisation, ["id", "name", "kind", "area", "active", "group_id"], rows)

    def users(self):
        # "!" starts an unusable password: bench users cannot sign in with one, the bench signs them in.
        rows = [(uid, email, name, f"!bench{uid}", True, False, False, self.now)
                for uid, email, name, _org, _role in self.region.users]
        columns = ["id", "email", "full_name", "password", "is_active", "is_staff", "is_superuser", "date_joined"]
        return self.copy(User, columns, rows)

    def memberships(self):
        rows = [(uid, uid, org, role, self.now) for uid, _email, _name, org, role in self.region.users]
        return self.copy(Membership, ["id", "user_id", "organisation_id", "role", "created_at"], rows)

    def programmes(self):
        rows, first = [], []  # first: each organisation's first programme (0 for those without), by organisation id
        for org in self.region.orgs:
            first.append(len(rows) + 1 if org.kind in (K.YOS, K.VOLUNTARY, K.LOCAL_AUTHORITY) else 0)
            if first[-1]:
                for j in range(2):
                    name = words.PROGRAMMES[(org.id + j) % len(words.PROGRAMMES)]
                    rows.append((len(rows) + 1, org.id, name, 6, True))
        self.params["programme_first"] = first
        return self.copy(Programme, ["id", "owner_id", "name", "expected_sessions", "active"], rows)

    # --- young people and referrals ---------------------------------------------------------------------

    def young_people(self):
        v = "i"
        return self.insert(YoungPerson, {
            "id": "i", "given_name": yp_given(v), "family_name": yp_family(v), "date_of_birth": yp_date_of_birth(v),
            "sex": yp_sex(v), "ethnicity": yp_ethnicity(v), "postcode": yp_postcode(v), "area": yp_area(v),
            "school_id": f"CASE WHEN {r(12, 10)} < 6 THEN %(school_first)s + {r(13, self.scale.schools)} END",
            "upn": yp_upn(v), "nhs_number": yp_nhs_number(v),
            "created_at": f"%(start)s + make_interval(secs => {u(14)} * %(span_secs)s)",
        }, "FROM generate_series(1, %(n_yp)s) AS i")

    def name_keys(self):
        """The words each young person is found by (referrals/search.py). The portal's matcher folds the few
        distinct names (the word lists), and SQL gives each person the words of their names, as index_names would."""
        names = list(YoungPerson.objects.values_list("given_name", "family_name", "preferred_name").distinct())
        keyed = [(*name, word) for name in names for word in matching.words(*name)]
        self._execute("CREATE TEMPORARY TABLE bench_name_words (given_name text, family_name text, "
                      "preferred_name text, word text)")
        with connection.cursor() as cursor:
            with cursor.cursor.copy("COPY bench_name_words FROM STDIN") as copy:
                for row in keyed:
                    copy.write_row(row)
        rows = self._execute(f"""
            INSERT INTO {NameKey._meta.db_table} (young_person_id, word)
            SELECT p.id, w.word FROM {YoungPerson._meta.db_table} AS p JOIN bench_name_words AS w
              ON w.given_name = p.given_name AND w.family_name = p.family_name AND w.preferred_name = p.preferred_name""")
        self._execute("DROP TABLE bench_name_words")
        distinct = sorted({row[-1] for row in keyed})
        self.copy(NameWord, ["word", "metaphone", "nysiis"], [(w, *matching.sounds(w)) for w in distinct])
        return rows

    def referrals(self):
        s = self.scale
        # k: when, who, which young person; a: the decision and the referring organisation; b: the status.
        # OFFSET 0 keeps each level a step of its own: inlined, a column would be computed again at each mention.
        rows = f"""
        SELECT i, {r(11, 100)} AS bucket, mod(i, %(big_stride)s) = 3 AS big,
               CASE WHEN i > %(n_ref)s - %(queue)s THEN 'queue' WHEN mod(i, 200) = 7 THEN 'draft'
                    WHEN i > %(n_ref)s - 4 * %(queue)s AND {r(16, 10)} = 0 THEN 'info' ELSE 'decided' END AS kind,
               CASE WHEN i > %(n_ref)s - %(queue)s THEN %(now)s - make_interval(secs => (%(n_ref)s - i + 1) * %(queue_gap)s)
                    ELSE %(start)s + make_interval(secs => (i - 1) * %(ref_gap)s) END AS created_at,
               -- A few young people are referred again and again (up to ~20 times at large scale), most once or twice.
               least(%(n_yp)s, 1 + floor(%(n_yp)s * power({u(10)}, 1.2)))::bigint AS yp
        FROM generate_series(1, %(n_ref)s) AS i OFFSET 0"""
        decided = f"""
        SELECT k.*,
               CASE WHEN k.kind = 'decided' THEN CASE WHEN {r(18, 100, 'k.i')} < 45 THEN 'allocate'
                                                      WHEN {r(18, 100, 'k.i')} < 75 THEN 'signpost' ELSE 'decline' END
                    WHEN k.kind = 'info' THEN 'request_info' ELSE '' END AS decision,
               CASE WHEN k.big OR k.bucket < 55 THEN 'school' WHEN k.bucket < 70 THEN 'police' WHEN k.bucket < 78 THEN 'yos'
                    WHEN k.bucket < 82 THEN 'custody' WHEN k.bucket < 87 THEN 'hospital'
                    WHEN k.bucket < 97 THEN 'local_authority' ELSE 'self_family' END AS source,
               CASE WHEN k.big THEN %(big_school)s
                    WHEN k.bucket < 55 THEN %(school_first)s + 1 + {r(12, s.schools - 1, 'k.i')}
                    WHEN k.bucket < 70 THEN %(police_first)s + {r(13, '%(n_police)s', 'k.i')}
                    WHEN k.bucket < 78 THEN %(yos_first)s + {r(13, 7, 'k.i')}
                    WHEN k.bucket < 82 THEN %(custody)s WHEN k.bucket < 87 THEN %(hospital)s
                    ELSE %(la_first)s + {r(13, '%(n_la)s', 'k.i')} END AS org
        FROM ({rows}) AS k OFFSET 0"""
        statused = f"""
        SELECT a.*, (%(first_user)s::bigint[])[a.org] AS creator,
               CASE WHEN a.kind = 'draft' THEN 'draft'
                    WHEN a.kind = 'queue' THEN CASE WHEN {r(19, 10, 'a.i')} < 7 THEN 'submitted' ELSE 'in_triage' END
                    WHEN a.kind = 'info' THEN 'info_requested'
                    WHEN a.decision = 'allocate' AND a.created_at < %(now)s - interval '180 days'
                         AND {r(20, 10, 'a.i')} < 8 THEN 'closed'
                    WHEN a.decision <> 'allocate' AND a.created_at < %(now)s - interval '30 days'
                         AND {r(20, 10, 'a.i')} < 7 THEN 'closed'
                    WHEN a.decision = 'allocate' THEN 'allocated' WHEN a.decision = 'signpost' THEN 'signposted'
                    ELSE 'declined' END AS status,
               {r(17, 100, 'a.i')} < 5 AS urgent
        FROM ({decided}) AS a OFFSET 0"""
        v = "b.yp"
        received = "(b.created_at + interval '10 minutes')"
        decided_at = f"(b.created_at + make_interval(hours => 1 + {r(21, 30, 'b.i')}))"
        submitted = "b.status <> 'draft'"
        n_sentences = len(words.SENTENCES)
        return self.analyzed(Referral, self.insert(Referral, {
            "id": "b.i",
            "reference": f"""CASE WHEN {submitted}
                             THEN 'VRU-' || to_char(b.created_at, 'YYYY') || '-' || lpad(b.i::text, 7, '0') END""",
            "status": "b.status", "referring_organisation_id": "b.org", "created_by_id": "b.creator",
            "created_at": "b.created_at", "source": "b.source",
            "updated_at": f"""CASE WHEN b.status = 'closed' THEN b.created_at + (%(now)s - b.created_at) * 0.6
                                  WHEN b.decision <> '' THEN {decided_at} WHEN {submitted} THEN {received}
                                  ELSE b.created_at END""",
            "idempotency_key": "md5('referral-' || b.i)::uuid",
            "young_person_id": f"CASE WHEN {submitted} THEN b.yp END",
            "given_name": yp_given(v), "family_name": yp_family(v), "date_of_birth": yp_date_of_birth(v), "sex": yp_sex(v),
            "ethnicity": yp_ethnicity(v), "postcode": yp_postcode(v), "area": yp_area(v), "upn": yp_upn(v),
            "nhs_number": yp_nhs_number(v),
            "account": f"{pick('sentences', 25, n_sentences, 'b.i')} || ' ' || {pick('sentences', 26, n_sentences, 'b.i')}",
            "urgent": "b.urgent",
            "urgency_reason": "CASE WHEN b.urgent THEN 'Threats were made this morning and a knife was mentioned.' ELSE '' END",
            "lawful_basis": "'public_task'", "informed": "'parent'",
            "received_at": f"CASE WHEN {submitted} THEN {received} END",
            "triage_deadline": f"""CASE WHEN {submitted} THEN {received}
                                   + CASE WHEN b.urgent THEN interval '4 hours' ELSE interval '1 day' END END""",
            "rag": f"CASE WHEN b.decision <> '' THEN {pick('rags', 27, 20, 'b.i')} ELSE '' END",
            "decision": "b.decision",
            "decided_at": f"CASE WHEN b.decision <> '' THEN {decided_at} END",
            "first_decided_at": f"CASE WHEN b.decision <> '' THEN {decided_at} END",
            "returned_at": f"""CASE WHEN b.status = 'in_triage' AND {r(22, 10, 'b.i')} = 0
                               THEN b.created_at + interval '3 hours' END""",
            "is_re_referral": f"{submitted} AND {r(24, 100, 'b.i')} < 8",
            "has_open_match": f"b.kind = 'queue' AND {r(23, 5, 'b.i')} = 0",
            "closed_at": "CASE WHEN b.status = 'closed' THEN b.created_at + (%(now)s - b.created_at) * 0.6 END",
        }, f"FROM ({statused}) AS b"))

    def concerns(self):
        first = f"SELECT i, (%(concern_idx100)s::int[])[1 + {r(30, 100)}] AS k FROM generate_series(1, %(n_ref)s) AS i"
        n = self.insert(ReferralConcern, {"referral_id": "c.i", "concern": "(%(concerns)s::text[])[c.k]"}, f"FROM ({first}) AS c")
        # A third of referrals name a second concern, never the same one twice.
        second = f"(%(concerns)s::text[])[1 + mod(c.k + {r(31, 10, 'c.i')}, {len(Concern)})]"
        return n + self.insert(ReferralConcern, {"referral_id": "c.i", "concern": second},
                               f"FROM ({first}) AS c WHERE mod(c.i, 3) = 0")

    def allocations(self):
        # Half to the YOS of the young person's area, then Remedi, St Giles, other charities and councils.
        partner = f"""CASE WHEN x.p < 50 THEN (%(yos_by_area)s::bigint[])[array_position(%(areas)s::text[], x.area::text)]
                           WHEN x.p < 67 THEN %(remedi)s WHEN x.p < 77 THEN %(custody)s
                           WHEN x.p < 85 THEN %(vol_other_first)s + {r(33, '%(n_vol_other)s', 'x.id')}
                           ELSE %(la_first)s + {r(33, '%(n_la)s', 'x.id')} END"""
        inner = f"""SELECT x.*, {partner} AS org, x.decided_at < %(now)s - interval '3 days' AS accepted
                    FROM (SELECT id, area, decided_at, rag, {r(32, 100, 'id')} AS p
                          FROM referrals_referral WHERE decision = 'allocate' OFFSET 0) AS x OFFSET 0"""
        return self.analyzed(Allocation, self.insert(Allocation, {
            "referral_id": "y.id", "organisation_id": "y.org",
            "programme": pick("programmes", 34, len(words.PROGRAMMES), "y.id"),
            "state": "CASE WHEN y.accepted THEN 'accepted' ELSE 'pending' END",
            "allocated_by_id": f"%(triager_first)s + {r(40, '%(n_triagers)s', 'y.id')}",
            "allocated_at": "y.decided_at", "accept_due": "y.decided_at + interval '2 days'",
            "accepted_at": "CASE WHEN y.accepted THEN y.decided_at + interval '1 day' END",
            "accepted_by_id": "CASE WHEN y.accepted THEN (%(first_user)s::bigint[])[y.org] END",
            "first_contact_due": "CASE WHEN y.accepted THEN (y.decided_at + interval '4 days')::date END",
            "first_contact_at": "CASE WHEN y.accepted THEN (y.decided_at + interval '3 days')::date END",
        }, f"FROM ({inner}) AS y"))

    def referral_events(self):
        triager = f"%(triager_first)s + {r(40, '%(n_triagers)s', 'x.id')}"
        n = self.insert(ReferralEvent, {
            "referral_id": "x.id", "kind": "'submitted'", "at": "x.received_at", "actor_id": "x.created_by_id",
            "organisation_id": "x.referring_organisation_id", "summary": "'Submitted as ' || x.reference",
            "shared_with_referrer": "true",
        }, "FROM referrals_referral AS x WHERE x.status <> 'draft'")
        kind = "CASE x.decision WHEN 'allocate' THEN 'allocated' WHEN 'signpost' THEN 'signposted' ELSE 'declined' END"
        signpost = pick("signpost_to", 35, len(words.SIGNPOST_TO), "x.id")
        n += self.insert(ReferralEvent, {
            "referral_id": "x.id", "kind": kind, "at": "x.decided_at", "actor_id": triager, "organisation_id": "%(vru)s",
            "summary": f"""CASE x.decision WHEN 'allocate' THEN 'Allocated to ' || o.name || ': ' || a.programme
                                           WHEN 'signpost' THEN 'Signposted to ' || {signpost}
                                           ELSE 'Declined: Does not meet the threshold. Below the VRU threshold.' END""",
            "detail": f"""CASE x.decision WHEN 'allocate' THEN jsonb_build_object('organisation', a.organisation_id,
                                                                                  'allocation', a.id, 'reason', '')
                                          WHEN 'signpost' THEN jsonb_build_object('to', {signpost}, 'reason', '')
                                          ELSE jsonb_build_object('reason_code', 'threshold',
                                                                  'reason', 'Below the VRU threshold.') END""",
            "shared_with_referrer": "true",
        }, """FROM referrals_referral AS x LEFT JOIN referrals_allocation AS a ON a.referral_id = x.id
              LEFT JOIN partners_organisation AS o ON o.id = a.organisation_id
              WHERE x.decision IN ('allocate', 'signpost', 'decline')""")
        n += self.insert(ReferralEvent, {
            "referral_id": "x.id", "kind": "'info_requested'", "at": "x.decided_at", "actor_id": triager,
            "organisation_id": "%(vru)s", "summary": "'Which school does the young person attend now?'",
            "shared_with_referrer": "true",
        }, "FROM referrals_referral AS x WHERE x.status = 'info_requested'")
        return n + self.insert(ReferralEvent, {
            "referral_id": "x.id", "kind": "'closed'", "at": "x.closed_at", "actor_id": triager, "organisation_id": "%(vru)s",
            "summary": "'The work is finished.'", "shared_with_referrer": "true",
        }, "FROM referrals_referral AS x WHERE x.status = 'closed'")

    def matches_and_questions(self):
        reasons = [referral_rules.REASON_DOB_NAME, referral_rules.REASON_POSTCODE]
        self.params["match_reasons"] = connection.ops.adapt_json_value(reasons, None)
        self.params["match_score"] = referral_rules.match_score(reasons)
        n = self.insert(PossibleMatch, {
            "referral_id": "x.id", "candidate_id": "1 + mod(x.young_person_id, %(n_yp)s)", "reasons": "%(match_reasons)s",
            "score": "%(match_score)s",
        }, "FROM referrals_referral AS x WHERE x.has_open_match")
        return n + self.insert(InfoRequest, {
            "referral_id": "x.id", "question": "'Which school does the young person attend now?'",
            "asked_by_id": f"%(triager_first)s + {r(40, '%(n_triagers)s', 'x.id')}", "asked_at": "x.decided_at",
        }, "FROM referrals_referral AS x WHERE x.status = 'info_requested'")

    def generic_grants(self):
        # What a partner's allocations let it see, as guardian would hold it (none is handed back in this data).
        return self.insert(GroupObjectPermission, {
            "group_id": "a.organisation_id", "permission_id": "%(perm_view_referral)s",
            "content_type_id": "%(ct_referral)s", "object_pk": "a.referral_id::text",
        }, "FROM referrals_allocation AS a")

    # --- diversion cases ---------------------------------------------------------------------------------

    def cases(self):
        gap = SPAN_DAYS / self.scale.cases
        base = f"""
        SELECT c, (%(today)s::date - {SPAN_DAYS} + floor((c - 1) * {gap})::int) AS start_day,
               {r(60, 100, 'c')} < 40 AS checkpoint, {r(71, 1000, 'c')} AS oi, 1 + {r(62, '%(n_yp)s', 'c')} AS yp,
               {r(63, 100, 'c')} AS lead_p, {r(70, 100, 'c')} AS status_p
        FROM generate_series(1, %(n_cases)s) AS c OFFSET 0"""
        shaped = f"""
        SELECT k.*, (k.start_day + interval '4 months')::date AS end_day,
               k.start_day - (3 + {r(61, 60, 'k.c')}) AS offence_day,
               CASE WHEN k.checkpoint THEN (%(cp_offences)s::bigint[])[1 + mod(k.oi, %(n_cp)s)]
                    ELSE (%(o22_offences)s::bigint[])[1 + mod(k.oi, %(n_o22)s)] END AS offence,
               CASE WHEN k.checkpoint THEN (%(cp_modes)s::text[])[1 + mod(k.oi, %(n_cp)s)]
                    ELSE (%(o22_modes)s::text[])[1 + mod(k.oi, %(n_o22)s)] END AS mode,
               CASE WHEN k.checkpoint OR k.lead_p < 50
                    THEN (%(yos_by_area)s::bigint[])[array_position(%(areas)s::text[], {yp_area('k.yp')})]
                    WHEN k.lead_p < 75 THEN %(remedi)s ELSE %(custody)s END AS lead,
               %(police_first)s + {r(64, '%(n_police)s', 'k.c')} AS police
        FROM ({base}) AS k OFFSET 0"""
        deadline = ("CASE WHEN z.mode = 'summary' THEN (z.offence_day + interval '6 months')::date - 28 "
                    "ELSE z.end_day + 28 END")
        status = """CASE WHEN z.end_day >= %(today)s THEN CASE WHEN z.status_p < 85 THEN 'active' ELSE 'at_risk' END
                         WHEN z.end_day >= %(today)s - 30 THEN CASE WHEN z.status_p < 70 THEN 'active'
                              WHEN z.status_p < 85 THEN 'at_risk' ELSE 're_referred' END
                         WHEN z.status_p < 88 THEN 'completed' ELSE 'outcome_recorded' END"""
        final = f"SELECT z.*, {status} AS status, {deadline} AS deadline FROM ({shaped}) AS z OFFSET 0"
        return self.analyzed(DiversionCase, self.insert(DiversionCase, {
            "id": "f.c", "crime_reference": "'20/' || lpad(f.c::text, 7, '0') || '/' || to_char(f.start_day, 'YY')",
            "offence_id": "f.offence", "offence_date": "f.offence_day", "young_person_id": "f.yp",
            "pathway_id": "CASE WHEN f.checkpoint THEN %(checkpoint)s ELSE %(outcome22)s END",
            "lead_organisation_id": "f.lead", "police_organisation_id": "f.police",
            "decision_maker_id": "(%(first_user)s::bigint[])[f.police]", "status": "f.status",
            "admission": "true", "sufficient_evidence": "true", "history": f"'{outcome_rules.HISTORY_NONE}'",
            "start_date": "f.start_day", "contract_months": "4", "end_date": "f.end_day", "return_deadline": "f.deadline",
            "deadline_acknowledged": "f.end_day > f.deadline",
            "at_risk_since": f"CASE WHEN f.status = 'at_risk' THEN %(today)s::date - {r(72, 20, 'f.c')} END",
            "closed_at": "CASE WHEN f.status IN ('completed', 'outcome_recorded') THEN (f.end_day + 10)::timestamptz END",
            "created_at": "f.start_day::timestamptz + interval '9 hours'",
        }, f"FROM ({final}) AS f"))

    def conditions(self):
        finished = "c.status IN ('completed', 'outcome_recorded')"
        checkpoint = "c.pathway_id = %(checkpoint)s"

        def status(due, met_share):
            return f"""CASE WHEN {finished} THEN 'met' WHEN {due} >= %(today)s THEN 'pending'
                            WHEN {r(80, 10, 'c.id')} < {met_share} THEN 'met' ELSE 'missed' END"""

        due = "(c.start_date + 14)"
        n = self.insert(Condition, {
            "case_id": "c.id", "kind": "'assessment'", "description": f"'{DESCRIPTIONS['assessment']}'", "due_on": due,
            "target": "1", "status": status(due, 9), "position": "0",
            "progress": f"CASE WHEN {status(due, 9)} = 'met' THEN 1 ELSE 0 END",
            "met_on": f"CASE WHEN {status(due, 9)} = 'met' THEN c.start_date + 7 END",
        }, f"FROM outcomes_diversioncase AS c WHERE {checkpoint}")
        target = f"CASE WHEN {checkpoint} THEN 6 ELSE 4 END"
        sessions_status = status("c.end_date", 8)
        n += self.insert(Condition, {
            "case_id": "c.id", "kind": "'sessions'",
            "description": f"CASE WHEN {checkpoint} THEN '{DESCRIPTIONS['sessions_checkpoint']}' "
                           f"ELSE '{DESCRIPTIONS['sessions_outcome22']}' END",
            "due_on": "c.end_date", "target": target, "status": sessions_status,
            "position": f"CASE WHEN {checkpoint} THEN 1 ELSE 0 END",
            "progress": f"""CASE WHEN {sessions_status} = 'met' THEN {target}
                                 ELSE least({target} - 1, greatest(0, (%(today)s - c.start_date) / 14)) END""",
            "met_on": f"CASE WHEN {sessions_status} = 'met' THEN c.end_date - 5 END",
        }, "FROM outcomes_diversioncase AS c")
        return n + self.insert(Condition, {
            "case_id": "c.id", "kind": "'no_reoffending'", "description": f"'{DESCRIPTIONS['no_reoffending']}'",
            "due_on": "c.end_date", "status": "CASE WHEN c.end_date <= %(today)s THEN 'met' ELSE 'pending' END",
            "met_on": "CASE WHEN c.end_date <= %(today)s THEN c.end_date END",
            "position": f"CASE WHEN {checkpoint} THEN 2 ELSE 1 END",
        }, "FROM outcomes_diversioncase AS c")

    def case_history(self):
        n = self.insert(ReturnToPolice, {
            "case_id": "c.id", "returned_at": "least(c.end_date + 5, %(today)s::date)::timestamptz",
            "confirmed_by_id": "c.decision_maker_id",
            "reason": "'The young person did not attend the sessions agreed.'", "deadline": "c.return_deadline",
            "received_at": "CASE WHEN c.status = 'outcome_recorded' THEN (c.end_date + 7)::timestamptz END",
            "received_by_id": "CASE WHEN c.status = 'outcome_recorded' THEN c.decision_maker_id END",
        }, "FROM outcomes_diversioncase AS c WHERE c.status IN ('re_referred', 'outcome_recorded')")
        n += self.insert(PoliceOutcome, {
            "case_id": "c.id", "outcome_id": "CASE WHEN c.status = 'completed' THEN %(outcome_22)s ELSE %(outcome_1)s END",
            "recorded_by_id": "c.decision_maker_id", "recorded_at": "c.closed_at",
        }, "FROM outcomes_diversioncase AS c WHERE c.status IN ('completed', 'outcome_recorded')")
        return n + self.insert(CaseEvent, {
            "case_id": "c.id", "kind": f"'{CaseEvent.Kind.STARTED.value}'", "at": "c.created_at",
            "actor_id": "c.decision_maker_id", "organisation_id": "c.police_organisation_id",
            "summary": "'Case started: contract ' || c.start_date || ' to ' || c.end_date"
                       " || ', return-to-police deadline ' || c.return_deadline",
        }, "FROM outcomes_diversioncase AS c")

    # --- interventions and sessions -----------------------------------------------------------------------

    def interventions(self):
        s = self.scale
        chosen = f"""SELECT a.id, a.organisation_id, a.referral_id, a.accepted_at, x.young_person_id, {r(43, 100, 'a.id')} AS p,
                            least((a.accepted_at + interval '3 days')::date, %(today)s::date) AS started
                     FROM referrals_allocation AS a JOIN referrals_referral AS x ON x.id = a.referral_id
                     WHERE a.state = 'accepted' ORDER BY {h(41, 'a.id')} LIMIT {max(0, s.interventions - s.cases)}"""
        old = "y.started < %(today)s::date - 180"
        status = f"""CASE WHEN {old} THEN CASE WHEN y.p < 60 THEN 'completed' WHEN y.p < 85 THEN 'disengaged' ELSE 'withdrawn' END
                          ELSE CASE WHEN y.p < 75 THEN 'engaged' ELSE 'offered' END END"""
        n = self.insert(Intervention, {
            "young_person_id": "y.young_person_id", "referral_id": "y.referral_id", "organisation_id": "y.organisation_id",
            "programme_id": f"(%(programme_first)s::bigint[])[y.organisation_id] + {r(42, 2, 'y.id')}",
            "status": status, "started_on": "y.started",
            "ended_on": f"CASE WHEN {old} THEN y.started + 60 + {r(44, 100, 'y.id')} END",
            "end_reason": f"""CASE WHEN {old} AND y.p >= 85 THEN 'Moved out of the area.'
                                   WHEN {old} AND y.p >= 60 THEN 'Stopped attending sessions.' ELSE '' END""",
            "next_session_on": f"CASE WHEN NOT {old} AND y.p < 75 THEN %(today)s::date + 1 + {r(45, 14, 'y.id')} END",
            "created_at": "y.accepted_at",
        }, f"FROM ({chosen}) AS y")
        finished = "c.status IN ('completed', 'outcome_recorded')"
        return self.analyzed(Intervention, n + self.insert(Intervention, {
            "young_person_id": "c.young_person_id", "case_id": "c.id", "organisation_id": "c.lead_organisation_id",
            "programme_id": "(%(programme_first)s::bigint[])[c.lead_organisation_id]",
            "status": f"CASE WHEN {finished} THEN 'completed' ELSE 'engaged' END", "started_on": "c.start_date",
            "ended_on": f"CASE WHEN {finished} THEN c.end_date END",
            "next_session_on": f"CASE WHEN NOT {finished} THEN %(today)s::date + 1 + {r(45, 14, 'c.id')} END",
            "created_at": "c.created_at",
        }, "FROM outcomes_diversioncase AS c"))

    def sessions(self):
        sessions = f"""CASE WHEN c.pathway_id = %(checkpoint)s THEN 6 WHEN c.id IS NOT NULL THEN 4
                            ELSE 2 + {r(50, 5, 'iv.id')} END"""
        rows = f"""SELECT iv.id, iv.organisation_id, iv.started_on + 7 * s AS held, {r(51, 100, 'iv.id * 16 + s')} AS p
                   FROM outcomes_intervention AS iv LEFT JOIN outcomes_diversioncase AS c ON c.id = iv.case_id
                   CROSS JOIN LATERAL generate_series(1, {sessions}) AS s
                   WHERE iv.status <> 'offered' AND iv.started_on + 7 * s <= least(coalesce(iv.ended_on, %(today)s), %(today)s)"""
        return self.insert(Session, {
            "intervention_id": "x.id", "held_on": "x.held",
            "attendance": "CASE WHEN x.p < 82 THEN 'attended' WHEN x.p < 95 THEN 'did_not_attend' ELSE 'cancelled_by_us' END",
            "reason": f"CASE WHEN x.p >= 82 AND x.p < 95 THEN {pick('dna_reasons', 52, len(words.SESSION_DNA_REASONS), 'x.id')} "
                      "ELSE '' END",
            "recorded_by_id": "(%(worker)s::bigint[])[x.organisation_id]",
            "recorded_at": "x.held::timestamptz + interval '15 hours'",
        }, f"FROM ({rows}) AS x")

    def assessments(self):
        return self.insert(Assessment, {
            "intervention_id": "iv.id", "kind": "'checkpoint'", "completed_on": "iv.started_on + 7",
            "recorded_by_id": "(%(worker)s::bigint[])[iv.organisation_id]",
            "recorded_at": "(iv.started_on + 7)::timestamptz + interval '15 hours'",
        }, f"""FROM outcomes_intervention AS iv JOIN outcomes_diversioncase AS c ON c.id = iv.case_id
               WHERE c.pathway_id = %(checkpoint)s AND iv.started_on + 7 <= %(today)s AND {r(53, 10, 'iv.id')} < 9""")

    # --- cohorts, sequences, statistics --------------------------------------------------------------------

    def cohorts(self):
        """Cohorts with members, tier history, reviews and plans (bench/load_cohorts.py); skipped before the app has models."""
        if not list(apps.get_app_config("cohorts").get_models()):
            self.loaded.cohorts = "not built: cohorts/models.py has no models yet"
            return 0
        from .load_cohorts import load_cohorts

        return load_cohorts(self)

    def next_due(self):
        """The caseload's stored next due date, as the services keep it (outcomes/next_due.py): the earliest pending
        condition, one grouped pass (the secondary indexes a per-row lookup would need are not built yet)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE outcomes_intervention i SET next_due = m.due FROM ("
                "    SELECT case_id, min(due_on) AS due FROM outcomes_condition WHERE status = 'pending' GROUP BY case_id"
                ") m WHERE i.case_id = m.case_id")
            return cursor.rowcount

    def _stale_triggers(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE t.tgname LIKE 'reporting_stale%%' OR t.tgname LIKE 'referrals_%%live%%'")
            return cursor.fetchall()

    def live_partners(self):
        """What the live-partner triggers keep (referrals migration 0014), set in one pass over the allocations."""
        with connection.cursor() as cursor:
            cursor.execute("UPDATE referrals_referral r SET live_partner_id = a.organisation_id FROM referrals_allocation a "
                           "WHERE a.referral_id = r.id AND a.state IN ('pending', 'accepted')")
            return cursor.rowcount

    def pause_stale_marks(self):
        """A bulk load is not a late change to closed days: the rollup counts it all on its first run (bench.measure
        runs it, as the scheduler would after an import), so the triggers that mark changed days stand aside; so do
        the row-by-row live-partner triggers, whose column the load sets in one pass (live_partners)."""
        triggers = self._stale_triggers()
        for table, name in triggers:
            self._execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
        return len(triggers)

    def resume_stale_marks(self):
        triggers = self._stale_triggers()
        for table, name in triggers:
            self._execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
        return len(triggers)

    def reset_sequences(self):
        """Rows were given explicit ids: move each identity sequence past them, as a migration's reset would."""
        models = [m for label in ("auth", "partners", "referrals", "outcomes", "cohorts", "guardian")
                  for m in apps.get_app_config(label).get_models()]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        for statement in statements:
            self._execute(statement)
        return len(statements)

    def vacuum_analyze(self):
        self._execute("VACUUM (ANALYZE)")
        return 0
