"""Who is in the benchmark region: organisations and staff, planned in Python (a few thousand rows at most).

Ids are fixed here (1, 2, 3 ... in a fresh database) so that the SQL that generates the large tables can
point at an organisation or a user by arithmetic instead of a join. Each organisation's group has the
same id as the organisation.
"""

import random
import re
from dataclasses import dataclass, field

from partners.models import Area, Role
from partners.models import OrganisationKind as K

from . import words

AREAS = [a.value for a in Area]
# Share of young people by area (Birmingham is much the largest local authority of the seven).
AREA_WEIGHTS = {"birmingham": 40, "coventry": 13, "dudley": 11, "sandwell": 11, "solihull": 7, "walsall": 9, "wolverhampton": 9}
VRU_NAME = "West Midlands Violence Reduction Unit"
BIG_SCHOOL = "Northfield Park Academy"
COMPARISON_PARTNER = "Remedi"  # a partner that never refers: what it sees is exactly what is allocated to it
CUSTODY_PARTNER = "St Giles Trust"
HOSPITAL_PARTNER = "Redthread Youth"


@dataclass
class Org:
    id: int
    name: str
    kind: str
    area: str
    users: list = field(default_factory=list)  # (user id, role)

    @property
    def first_user(self):
        return self.users[0][0]

    def with_role(self, role):
        return [uid for uid, r in self.users if r == role]


@dataclass
class Region:
    orgs: list
    users: list  # (id, email, full_name, org id, role)

    def of_kind(self, kind):
        return [o for o in self.orgs if o.kind == kind]

    def named(self, name):
        return next(o for o in self.orgs if o.name == name)

    def ids(self, kind):
        """The ids of one kind of organisation, which are consecutive."""
        ids = [o.id for o in self.of_kind(kind)]
        assert ids == list(range(ids[0], ids[0] + len(ids))), kind
        return ids

    def yos_for(self, area):
        return next(o for o in self.of_kind(K.YOS) if o.area == area)


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _school_names(n, rng):
    combos = [f"{a} {b} {c}" for a in words.SCHOOL_FIRST for b in words.SCHOOL_SECOND for c in words.SCHOOL_KIND]
    rng.shuffle(combos)
    names = [BIG_SCHOOL] + [c for c in combos if c != BIG_SCHOOL]
    if n > len(names):
        raise ValueError(f"At most {len(names)} schools have names")
    return names[:n]


def _areas_cycle(n):
    """n areas in proportion to AREA_WEIGHTS, Birmingham first."""
    pool = [a for a in AREAS for _ in range(AREA_WEIGHTS[a])]
    return [pool[(i * 37) % len(pool)] if i else "birmingham" for i in range(n)]


def organisations(scale):
    rng = random.Random(7)
    rest = scale.organisations - 1 - scale.schools - len(AREAS)
    police = max(2, round(rest * 0.25))
    councils = max(2, round(rest * 0.2))
    voluntary = rest - police - councils
    if voluntary < 4:
        raise ValueError("A scale needs room for at least four voluntary organisations")
    rows = [(VRU_NAME, K.VRU, "")]
    rows += [(name, K.SCHOOL, area) for name, area in zip(_school_names(scale.schools, rng), _areas_cycle(scale.schools),
                                                           strict=True)]
    police_areas = _areas_cycle(police)
    rows += [("West Midlands Police – Birmingham West NPU", K.POLICE, "birmingham")] + [
        (f"West Midlands Police – {area.title()} NPU {i}", K.POLICE, area) for i, area in enumerate(police_areas[1:], 2)
    ]
    rows += [(f"YOS {area.title()}", K.YOS, area) for area in AREAS]
    rows += [(f"{area.title()} Children's Services {i}", K.LOCAL_AUTHORITY, area)
             for i, area in enumerate(_areas_cycle(councils), 1)]
    named = [CUSTODY_PARTNER, COMPARISON_PARTNER, HOSPITAL_PARTNER]
    rows += [(name, K.VOLUNTARY, "") for name in named]
    rows += [(f"{words.SCHOOL_FIRST[i % len(words.SCHOOL_FIRST)]} Youth Trust {i}", K.VOLUNTARY, "")
             for i in range(1, voluntary - len(named) + 1)]
    return [Org(id=i, name=name, kind=kind, area=area) for i, (name, kind, area) in enumerate(rows, 1)]


# Relative number of staff an organisation of each kind has in the portal.
STAFF_WEIGHT = {K.VRU: 40, K.SCHOOL: 6, K.POLICE: 12, K.YOS: 40, K.LOCAL_AUTHORITY: 10, K.VOLUNTARY: 10}
MIN_STAFF = {K.VRU: 12, K.SCHOOL: 1, K.POLICE: 2, K.YOS: 3, K.LOCAL_AUTHORITY: 2, K.VOLUNTARY: 2}


def _role(kind, n):
    """The role of an organisation's n-th member of staff (0-based): the first few are the ones the bench signs in as."""
    if kind == K.VRU:
        return {0: Role.MANAGER, 1: Role.ORG_ADMIN}.get(n, Role.TRIAGER)
    if kind == K.SCHOOL:
        return Role.REFERRER
    if kind == K.POLICE:
        return Role.DECISION_MAKER if n % 2 == 0 else Role.REFERRER
    return Role.CASEWORKER if n != 1 else Role.MANAGER


def region(scale):
    orgs = organisations(scale)
    total_weight = sum(STAFF_WEIGHT[o.kind] for o in orgs)
    sizes = {o.id: max(MIN_STAFF[o.kind], scale.users * STAFF_WEIGHT[o.kind] // total_weight) for o in orgs}
    short = scale.users - sum(sizes.values())
    schools = [o for o in orgs if o.kind == K.SCHOOL]
    for i in range(max(0, short)):
        sizes[schools[i % len(schools)].id] += 1
    users = []
    for org in orgs:
        slug = _slug(org.name)
        for n in range(sizes[org.id]):
            uid = len(users) + 1
            role = _role(org.kind, n)
            given = (words.GIVEN_FEMALE if uid % 2 else words.GIVEN_MALE)[uid % 24]
            family = words.FAMILY[(uid * 7) % len(words.FAMILY)]
            users.append((uid, f"{role}.{n + 1}@{slug}.example.org", f"{given} {family}", org.id, role))
            org.users.append((uid, role))
    return Region(orgs=orgs, users=users)
