"""Every figure against numbers worked out by hand from the data set in conftest.py (March 2025, against February
2025 and March 2024). Each expectation is (this period, previous period, a year earlier)."""

import datetime

import pytest

from partners.access import acting_for
from reporting import rules, selectors

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def figures(acting, period=MARCH, area=""):
    return {(s.slug, fig.slug): fig for s in selectors.sections(acting, period, area) for fig in s.figures}


def counts(figure):
    """{row label: (this period, previous, a year earlier)} for a figure of counts, zero rows left out."""
    rows = {row.label: tuple(row.cells[k].count for k in rules.PERIOD_KEYS) for row in figure.rows}
    return {label: n for label, n in rows.items() if any(n)}


def shares(figure):
    return {row.label: tuple((row.cells[k].num, row.cells[k].den) for k in rules.PERIOD_KEYS) for row in figure.rows}


@pytest.fixture
def vru_figures(dataset, vru_manager):
    return figures(acting_for(vru_manager))


def test_referrals_received_by_source_area_sex_and_age(vru_figures):
    f = vru_figures
    # R1-R5 and R7 (R7 arrived at 23:30 on 31 March in England); not R6 (1 April) nor the draft.
    assert counts(f["referrals", "total"]) == {"Referrals received": (6, 2, 2)}
    assert counts(f["referrals", "source"]) == {"School or college": (4, 1, 2), "Police": (1, 1, 0),
                                                "Force Threat Risk Meeting": (1, 0, 0)}
    assert counts(f["referrals", "area"]) == {"Birmingham": (4, 1, 2), "Walsall": (1, 1, 0), "Coventry": (1, 0, 0)}
    assert counts(f["referrals", "sex"]) == {"Male": (4, 1, 2), "Female": (2, 1, 0)}
    # Ages on the day of arrival: B turned 18 that day; E was a day short of 20; H and A were 14.
    # In March 2024 C (born 1 June 2012) was 11, and H 14: the year-earlier column uses the age on that day.
    assert counts(f["referrals", "age"]) == {"10 to 13": (1, 0, 1), "14 and 15": (1, 1, 1), "16 and 17": (1, 1, 0),
                                             "18 to 20": (2, 0, 0), "21 to 24": (1, 0, 0)}
    assert [row.label for row in f["referrals", "age"].rows][:5] == ["10 to 13", "14 and 15", "16 and 17", "18 to 20",
                                                                     "21 to 24"]


def test_referrals_by_concern_and_ethnic_group(vru_figures):
    f = vru_figures
    assert counts(f["referrals", "concern"]) == {
        "Carrying or suspected of carrying a knife or weapon": (2, 0, 0), "Victim of violence": (2, 0, 0),
        "Association with a street gang or organised crime group": (1, 0, 0), "Criminal exploitation or county lines": (1, 0, 0),
        "Online conflict (social media, drill videos)": (1, 0, 0), "Other": (1, 2, 2),
    }
    assert counts(f["referrals", "ethnicity"]) == {
        "Black, Black British, Black Welsh, Caribbean or African: Caribbean": (1, 1, 0),
        "Black, Black British, Black Welsh, Caribbean or African: African": (1, 0, 0),
        "Asian, Asian British or Asian Welsh: Pakistani": (1, 0, 0),
        "Mixed or Multiple: White and Black Caribbean": (1, 0, 0),
        "White: English, Welsh, Scottish, Northern Irish or British": (2, 1, 2),
    }


def test_monthly_trend_covers_18_months_to_the_end_of_the_period(vru_figures):
    series = vru_figures["referrals", "monthly"].series
    assert len(series) == 18
    assert series[0] == (datetime.date(2023, 10, 1), 0)
    assert {month: n for month, n in series if n} == {
        datetime.date(2024, 2, 1): 1, datetime.date(2024, 3, 1): 2, datetime.date(2025, 2, 1): 2, datetime.date(2025, 3, 1): 6,
    }


def test_time_to_the_first_decision(vru_figures):
    rows = {row.key: row for row in vru_figures["triage", "timeliness"].rows}
    # First decisions in hours: March 2, 2, 6, 50, 96 (R7 undecided); February 3, 24; March 2024 4, 2.
    assert tuple(rows["decided"].cells[k].count for k in rules.PERIOD_KEYS) == (5, 2, 2)
    assert tuple(rows["median"].cells[k].value for k in rules.PERIOD_KEYS) == pytest.approx((6, 13.5, 3))
    assert tuple(rows["p90"].cells[k].value for k in rules.PERIOD_KEYS) == pytest.approx((77.6, 21.9, 3.8))
    # In time by the deadline set on arrival: R2 and R5 were late. R5's stored deadline moved to 20 March when the
    # answer came back (it was decided on 19 March), but on arrival it was due on Monday 17 March at 17:00.
    assert [(rows["in_time"].cells[k].num, rows["in_time"].cells[k].den) for k in rules.PERIOD_KEYS] == [(3, 5), (2, 2), (2, 2)]


def test_distribution_of_time_to_decision(vru_figures):
    assert counts(vru_figures["triage", "time_bands"]) == {
        "Under 4 hours": (2, 1, 1), "4 to 8 hours": (1, 0, 1), "1 to 2 days": (0, 1, 0), "2 to 3 days": (1, 0, 0),
        "3 to 5 days": (1, 0, 0),
    }


def test_decisions_by_type_count_every_decision_made_in_the_period(vru_figures):
    # R4 was allocated twice (before and after its hand-back); R5 had a question, then a decline.
    assert counts(vru_figures["triage", "decisions"]) == {
        "Accept and allocate": (3, 1, 0), "Signpost": (1, 1, 1), "Decline": (2, 0, 1), "Request more information": (1, 0, 0),
    }


def test_allocations_and_hand_backs_by_partner(vru_figures):
    assert counts(vru_figures["triage", "allocations"]) == {"Other Partner": (1, 0, 0), "Test YOS": (2, 1, 0),
                                                            "Total": (3, 1, 0)}
    hand_backs = vru_figures["triage", "hand_backs"]
    assert counts(hand_backs) == {"Test YOS": (1, 0, 0), "Total": (1, 0, 0)}
    assert shares(hand_backs)["Share of the period's allocations handed back"] == ((1, 3), (0, 1), (0, 0))


def test_engagement_and_completion_by_programme_and_partner(vru_figures):
    f = vru_figures
    # Engaged: at least one session attended, corrections counted as corrected (I3 yes, I5 no).
    assert shares(f["interventions", "engagement_programme"]) == {
        "Knife crime programme (Test YOS)": ((1, 2), (1, 1), (0, 0)),
        "Mentoring (Other Partner)": ((1, 2), (0, 0), (0, 0)),
        "All": ((2, 4), (1, 1), (0, 0)),
    }
    # Completed of those ended: I1 completed, I2 disengaged, I5 withdrawn; I3 is still running.
    assert shares(f["interventions", "completion_programme"]) == {
        "Knife crime programme (Test YOS)": ((1, 2), (1, 1), (0, 0)),
        "Mentoring (Other Partner)": ((0, 1), (0, 0), (0, 0)),
        "All": ((1, 3), (1, 1), (0, 0)),
    }
    assert shares(f["interventions", "engagement_partner"])["Test YOS"] == ((1, 2), (1, 1), (0, 0))
    assert shares(f["interventions", "completion_partner"])["Other Partner"] == ((0, 1), (0, 0), (0, 0))


def test_outcome_22_and_checkpoint(vru_figures):
    f = vru_figures
    assert counts(f["diversion", "checkpoint"]) == {
        "Started": (1, 0, 1), "Completed": (1, 0, 0), "Breach proposed": (1, 0, 0),
        "Breach confirmed and returned to police": (1, 0, 1),
        "Returned after the deadline": (0, 0, 1),  # C5: never received, the deadline missed
    }
    assert counts(f["diversion", "outcome22"]) == {
        "Started": (1, 1, 0), "Breach proposed": (1, 1, 0), "Breach confirmed and returned to police": (1, 0, 0),
        "Returned after the deadline": (1, 0, 0),  # C3: received 28 March, due 20 March
        "Further offence recorded during the contract": (1, 0, 0),
    }
    assert counts(f["diversion", "outcomes"]) == {"1: Charge/summons": (1, 0, 0),
                                                  "22: Diversionary, educational or intervention activity, resulting "
                                                  "from the crime report, has been undertaken and it is not in the "
                                                  "public interest to take any further action": (1, 0, 0)}


def test_re_referral_within_12_months(vru_figures):
    rows = {row.key: row for row in vru_figures["re-referrals", "rereferral"].rows}
    assert tuple(rows["people"].cells[k].count for k in rules.PERIOD_KEYS) == (6, 2, 2)
    # A (referred 10 February) and C (8 March 2024, within 12 months of 7 March 2025); D's was 13 months before.
    assert [(rows["again"].cells[k].num, rows["again"].cells[k].den) for k in rules.PERIOD_KEYS] == [(2, 6), (0, 2), (0, 2)]


def rr(figure, group, key=rules.CURRENT):
    cell = next(row for row in figure.rows if row.key == group).cells[key]
    return cell


def test_disproportionality_of_referral_against_the_population(vru_figures):
    f = vru_figures["disproportionality", "referral"]
    # Population 10-24, latest year, all areas: White 20,000, Black 3,000, Asian 4,000, Mixed 2,500.
    black = rr(f, "black")
    assert (black.num, black.den, black.ref_num, black.ref_den) == (2, 3000, 2, 20000)
    # Rates 0.667 and 0.1 per 1,000: RR 6.667; Var(ln RR) = 1/2 - 1/3000 + 1/2 - 1/20000 = 0.999617, SE 0.999808,
    # ln 6.667 = 1.897120 -+ 1.959588: exp(-0.062468) = 0.9394, exp(3.856708) = 47.31.
    assert black.value == pytest.approx(6.6667, abs=1e-4)
    assert black.low == pytest.approx(0.9394, abs=1e-4)
    assert black.high == pytest.approx(47.31, abs=0.01)
    asian = rr(f, "asian")
    # 1 in 4,000 against 2 in 20,000: RR 2.5; Var = 1 - 1/4000 + 1/2 - 1/20000 = 1.4997, SE 1.224622:
    # ln 2.5 = 0.916291 -+ 2.400215: exp(-1.483924) = 0.2267, exp(3.316506) = 27.56.
    assert (asian.value, round(asian.low, 4), round(asian.high, 2)) == (pytest.approx(2.5), 0.2267, 27.56)
    assert rr(f, "other").value is None  # nobody referred, no population: no rate to compare
    assert rr(f, "white").value == pytest.approx(1.0)
    assert rr(f, "black", rules.PREVIOUS).num == 1 and rr(f, "black", rules.PREVIOUS).value == pytest.approx(6.6667, abs=1e-4)


def test_disproportionality_of_decline_breach_and_prosecution(vru_figures):
    decline = vru_figures["disproportionality", "decline"]
    mixed = rr(decline, "mixed")
    # 1 of 1 Mixed referrals declined against 1 of 2 White: RR 2; Var = 1 - 1 + 1 - 1/2 = 0.5, SE 0.707107,
    # ln 2 = 0.693147 -+ 1.385904: exp(-0.692757) = 0.5002, exp(2.079051) = 7.9969.
    assert (mixed.num, mixed.den, mixed.ref_num, mixed.ref_den) == (1, 1, 1, 2)
    assert (mixed.value, round(mixed.low, 4), round(mixed.high, 4)) == (pytest.approx(2.0), 0.5002, 7.9969)
    assert rr(decline, "black").value is None  # none of the 2 Black referrals declined
    breach = vru_figures["disproportionality", "breach"]
    assert (rr(breach, "mixed").num, rr(breach, "mixed").den) == (1, 1)
    assert (rr(breach, "white", rules.YEAR_AGO).num, rr(breach, "white", rules.YEAR_AGO).den) == (1, 1)
    assert (rr(breach, "white", rules.PREVIOUS).num, rr(breach, "white", rules.PREVIOUS).den) == (0, 1)
    prosecution = vru_figures["disproportionality", "prosecution"]
    assert (rr(prosecution, "white").num, rr(prosecution, "white").den) == (1, 1)  # C2: charged after a return to police
    assert (rr(prosecution, "mixed").num, rr(prosecution, "mixed").value) == (0, None)


def test_an_area_shows_its_own_referrals_and_population(dataset, vru_manager):
    f = figures(acting_for(vru_manager), area="birmingham")
    assert counts(f["referrals", "total"]) == {"Referrals received": (4, 1, 2)}
    black = rr(f["disproportionality", "referral"], "black")
    assert (black.num, black.den, black.ref_num, black.ref_den) == (2, 3000, 1, 10000)


def test_a_partner_manager_sees_its_own_work_only(dataset, yos_manager):
    f = figures(acting_for(yos_manager))
    # Test YOS was allocated R1 and R4 (R4 handed back: still its work) in March, and P2 in February.
    assert counts(f["referrals", "total"]) == {"Referrals received": (2, 1, 0)}
    assert counts(f["referrals", "source"]) == {"School or college": (2, 0, 0), "Police": (0, 1, 0)}
    assert counts(f["triage", "decisions"]) == {"Accept and allocate": (3, 1, 0)}
    assert set(shares(f["interventions", "engagement_partner"])) == {"Test YOS"}
    # C3 is led by Other Partner: not in Test YOS's figures.
    assert counts(f["diversion", "outcome22"]) == {"Started": (0, 1, 0), "Breach proposed": (0, 1, 0)}
    assert counts(f["diversion", "checkpoint"])["Started"] == (1, 0, 1)
    rows = {row.key: row for row in f["re-referrals", "rereferral"].rows}
    assert (rows["again"].cells[rules.CURRENT].num, rows["again"].cells[rules.CURRENT].den) == (0, 2)


def test_a_school_manager_sees_its_own_referrals(dataset, school):
    from partners.models import Role
    from tests.factories import member

    head = member(role=Role.MANAGER, organisation=school, email="head@school-a.example.org")
    f = figures(acting_for(head))
    assert counts(f["referrals", "total"]) == {"Referrals received": (4, 1, 2)}
    assert counts(f["diversion", "checkpoint"]) == {}
    # The allocations of the school's own referrals (P2, allocated in February, was the police's).
    assert counts(f["triage", "allocations"]) == {"Other Partner": (1, 0, 0), "Test YOS": (2, 0, 0), "Total": (3, 0, 0)}


def test_only_managers_see_figures(dataset, caseworker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.sections(acting_for(caseworker), MARCH)
