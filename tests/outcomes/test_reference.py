"""Sanity of the outcomes reference data: the facts docs/domain.md states, and the shape the data migration expects."""

import re

import pytest

from outcomes import reference as ref

OFFENCE_KEYS = {
    "code",
    "name",
    "legislation",
    "mode_of_trial",
    "violent",
    "weapon",
    "checkpoint_eligible",
    "outcome22_eligible",
    "severity",
}

# Written out from docs/domain.md, independently of the module: (code, words in the legislation, mode of trial).
DOMAIN_OFFENCES = [
    ("CJA1988-S139", "Criminal Justice Act 1988 s139", "either_way"),
    ("PCA1953-S1", "Prevention of Crime Act 1953 s1", "either_way"),
    ("CJA1988-S39", "Criminal Justice Act 1988 s39", "summary"),
    ("OAPA1861-S47", "Offences Against the Person Act 1861 s47", "either_way"),
    ("OAPA1861-S20", "Offences Against the Person Act 1861 s20", "either_way"),
    ("OAPA1861-S18", "Offences Against the Person Act 1861 s18", "indictable"),
    ("PHA1997-S2", "Protection from Harassment Act 1997 s2", "summary"),
    ("TA1968-S8", "Theft Act 1968 s8", "indictable"),
]


def by_code():
    return {o["code"]: o for o in ref.OFFENCES}


# Offences


def test_offence_codes_are_unique():
    codes = [o["code"] for o in ref.OFFENCES]
    assert len(codes) == len(set(codes))


def test_offence_names_are_unique():
    names = [o["name"] for o in ref.OFFENCES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("offence", ref.OFFENCES, ids=lambda o: o["code"])
def test_offence_shape(offence):
    assert set(offence) == OFFENCE_KEYS
    assert re.fullmatch(r"[A-Z]+\d{4}-S\d+[A-Z0-9]*", offence["code"]), offence["code"]
    assert len(offence["code"]) <= 20
    assert offence["name"].strip() and offence["legislation"].strip()
    assert offence["mode_of_trial"] in ("summary", "either_way", "indictable")
    for flag in ("violent", "weapon", "checkpoint_eligible", "outcome22_eligible"):
        assert isinstance(offence[flag], bool), flag
    assert isinstance(offence["severity"], int) and not isinstance(offence["severity"], bool)


def test_modes_of_trial_constants():
    assert ref.MODES_OF_TRIAL == ("summary", "either_way", "indictable")


@pytest.mark.parametrize(("code", "legislation", "mode"), DOMAIN_OFFENCES)
def test_every_domain_offence_is_present_with_its_mode_of_trial(code, legislation, mode):
    offence = by_code()[code]
    assert offence["legislation"].startswith(legislation)
    assert offence["mode_of_trial"] == mode


@pytest.mark.parametrize("code", ["OAPA1861-S18", "TA1968-S8"])
def test_s18_and_robbery_are_never_diverted(code):
    offence = by_code()[code]
    assert offence["checkpoint_eligible"] is False
    assert offence["outcome22_eligible"] is False


def test_indictable_only_offences_are_never_diverted():
    indictable = [o for o in ref.OFFENCES if o["mode_of_trial"] == "indictable"]
    assert indictable
    assert not [o["code"] for o in indictable if o["checkpoint_eligible"] or o["outcome22_eligible"]]


def test_outcome22_ceiling_is_s20_and_it_is_eligible():
    assert ref.OUTCOME22_CEILING_CODE == "OAPA1861-S20"
    assert by_code()["OAPA1861-S20"]["outcome22_eligible"] is True


@pytest.mark.parametrize("offence", ref.OFFENCES, ids=lambda o: o["code"])
def test_outcome22_eligible_exactly_up_to_and_including_the_ceiling(offence):
    ceiling = by_code()[ref.OUTCOME22_CEILING_CODE]["severity"]
    assert offence["outcome22_eligible"] is (offence["severity"] <= ceiling)


def test_severity_orders_the_violence_ladder():
    s = {code: o["severity"] for code, o in by_code().items()}
    assert s["CJA1988-S39"] < s["OAPA1861-S47"] < s["OAPA1861-S20"] < s["TA1968-S8"] < s["OAPA1861-S18"]


def test_checkpoint_takes_only_weapon_possession():
    eligible = {o["code"] for o in ref.OFFENCES if o["checkpoint_eligible"]}
    assert {"CJA1988-S139", "PCA1953-S1"} <= eligible
    for code in eligible:
        offence = by_code()[code]
        assert offence["weapon"] and not offence["violent"], code
        assert offence["name"].startswith("Possession of"), code


def test_knife_and_weapon_possession_is_either_way():
    for offence in ref.OFFENCES:
        if offence["weapon"]:
            assert offence["mode_of_trial"] == "either_way", offence["code"]


def test_required_further_offences_are_present():
    codes = by_code()
    assert codes["CJA1988-S139A1"]["weapon"] and codes["CJA1988-S139A1"]["mode_of_trial"] == "either_way"
    assert codes["CDA1971-S1"]["mode_of_trial"] == "summary"
    assert codes["POA1986-S4"]["mode_of_trial"] == "summary"
    assert codes["POA1986-S3"]["mode_of_trial"] == "either_way" and codes["POA1986-S3"]["violent"]


def test_summary_only_offences_diverted_under_outcome22_include_common_assault_and_harassment():
    summary_o22 = {o["code"] for o in ref.OFFENCES if o["mode_of_trial"] == "summary" and o["outcome22_eligible"]}
    assert {"CJA1988-S39", "PHA1997-S2"} <= summary_o22


def test_offence_by_code():
    assert ref.offence_by_code("TA1968-S8")["name"] == "Robbery"
    with pytest.raises(KeyError):
        ref.offence_by_code("NOPE-S1")


# Outcome codes


def test_outcome_codes_are_unique_ints_in_order():
    codes = [o["code"] for o in ref.OUTCOME_CODES]
    assert all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_outcome_codes_include_the_home_office_types_the_portal_uses():
    codes = {o["code"] for o in ref.OUTCOME_CODES}
    assert set(range(1, 9)) | {10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22} <= codes


def test_no_unconfirmed_outcome_23():
    assert 23 not in {o["code"] for o in ref.OUTCOME_CODES}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (1, "charge"),
        (8, "community resolution"),
        (14, "evidential difficulties"),
        (17, "time limit"),
        (21, "not in the public interest"),
        (22, "diversionary, educational or intervention activity"),
    ],
)
def test_outcome_titles(code, words):
    names = {o["code"]: o["name"] for o in ref.OUTCOME_CODES}
    assert words in names[code].lower()


def test_only_outcome_22_closes_a_diversion():
    assert [o["code"] for o in ref.OUTCOME_CODES if o["closes_diversion"]] == [22]
    assert all(set(o) == {"code", "name", "closes_diversion"} for o in ref.OUTCOME_CODES)


# Pathways


def test_checkpoint_defaults():
    assert ref.PATHWAYS["checkpoint"] == {
        "name": "Checkpoint",
        "contract_months": 4,
        "sessions": 6,
        "assessment_working_days": 10,
        "closing_outcome": 22,
        "min_age": 10,
        "max_age": 17,
    }


def test_outcome22_defaults():
    p = ref.PATHWAYS["outcome22"]
    assert (p["contract_months"], p["sessions"], p["closing_outcome"], p["min_age"], p["max_age"]) == (4, 4, 22, 10, 24)


def test_pathways_share_one_shape_for_the_table():
    keys = {frozenset(p) for p in ref.PATHWAYS.values()}
    assert len(keys) == 1
    assert set(ref.PATHWAYS) == {"checkpoint", "outcome22"}


@pytest.mark.parametrize("key", ["checkpoint", "outcome22"])
def test_pathway_closing_outcome_is_a_code_that_closes_a_diversion(key):
    closing = {o["code"] for o in ref.OUTCOME_CODES if o["closes_diversion"]}
    assert ref.PATHWAYS[key]["closing_outcome"] in closing


def test_the_data_migration_holds_its_own_copy_of_the_reference_data():
    """The migration froze the data: it imports nothing live, and today it still says what the module says.

    When reference.py changes, this fails: write a data migration for the change rather than editing 0002.
    """
    import importlib
    import inspect

    migration = importlib.import_module("outcomes.migrations.0002_reference_data")
    assert "import" not in inspect.getsource(migration.load)
    assert (migration.OFFENCES, migration.OUTCOME_CODES, migration.PATHWAYS) == (ref.OFFENCES, ref.OUTCOME_CODES, ref.PATHWAYS)
