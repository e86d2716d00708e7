"""`make run` migrates a fresh SQLite database: every migration must work there too (PostgreSQL-only SQL such as
NULLS LAST in an index once stopped the demo at its first step while every PostgreSQL test passed). And the demo's
search works there, by its simpler path: words, their starts and their sounds, without trigrams."""

import os
import subprocess  # nosec B404 - our own manage.py with fixed arguments
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SEARCH = """
from django.utils import timezone
from partners.access import acting_for
from partners.models import Membership, Organisation, Role, User
from referrals import search, terms
from referrals.models import YoungPerson
vru = Organisation.objects.create(name="Demo VRU", kind="vru")
user = User.objects.create_user(email="triager@demo.example.org", password="unused-in-this-test", full_name="T")
Membership.objects.create(user=user, organisation=vru, role=Role.TRIAGER)
people = [YoungPerson.objects.create(given_name=g, family_name=f, date_of_birth="2011-03-14", sex="male", area="birmingham")
          for g, f in (("Mohammed", "Khan"), ("Zoë", "Patel-Singh"), ("Jordan", "Taylor"))]
search.index_names(people)
for typed in ("Muhammad Khan", "zoe singh", "Jor", "Gordon Taylor"):
    found = search.find_young_people(acting_for(user), terms.parse(typed, today=timezone.now().date()), where="search")
    print(typed, "->", ", ".join(f"{f.person.given_name} {f.person.family_name}" for f in found) or "nobody")
"""


LIVE_PARTNER = """
from django.utils import timezone
from partners.models import Organisation, User
from referrals.models import Allocation, Referral
school = Organisation.objects.create(name="Demo School", kind="school")
yos = Organisation.objects.create(name="Demo YOS", kind="yos")
user = User.objects.create_user(email="someone@demo.example.org", password="unused-in-this-test", full_name="S")
referral = Referral.objects.create(referring_organisation=school, created_by=user, source="school")
def partner():
    return Referral.objects.values_list("live_partner__name", flat=True).get(pk=referral.pk)
allocation = Allocation.objects.create(referral=referral, organisation=yos, programme="Mentoring", allocated_by=user,
                                       accept_due=timezone.now())
print("allocated:", partner())
referral.save()
print("saved from a copy read before:", partner())
Allocation.objects.filter(pk=allocation.pk).update(state="handed_back", hand_back_reason="No capacity.")
print("handed back:", partner())
"""


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # nosec B603
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    return env


def test_every_migration_runs_on_the_demos_sqlite(sqlite_env):
    result = _manage(sqlite_env, "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr[-2000:]


def _run_in_demo(env, script):
    """The script's lines of output, run by the demo's manage.py shell on its migrated SQLite."""
    if not _manage(env, "showmigrations", "referrals", "-p").stdout.count("[X]"):
        _manage(env, "migrate", "--noinput", "-v0")
    result = _manage(env, "shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def test_the_demo_finds_young_people_by_words_starts_and_sounds(sqlite_env):
    assert _run_in_demo(sqlite_env, SEARCH) == [
        "Muhammad Khan -> Mohammed Khan", "zoe singh -> Zoë Patel-Singh", "Jor -> Jordan Taylor",
        "Gordon Taylor -> nobody"]


def test_the_demo_keeps_a_referrals_live_partner_too(sqlite_env):
    assert _run_in_demo(sqlite_env, LIVE_PARTNER) == [
        "allocated: Demo YOS", "saved from a copy read before: Demo YOS", "handed back: None"]
