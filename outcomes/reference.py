"""Reference data for the outcomes app: offences, Home Office outcome types, diversion pathways.

Plain Python lists and dicts so that `rules.py` and the tests can use them without a database;
a data migration loads them into tables, where an administrator can then change them (every
number here is a default, see docs/domain.md). Codes are short and stable because other rows and
audit entries refer to them: change a name freely, never a code.
"""

# Modes of trial. "summary" offences carry the six-month time limit for laying an information
# (Magistrates' Courts Act 1980 s127); "either_way" and "indictable" offences have none.
SUMMARY = "summary"
EITHER_WAY = "either_way"
INDICTABLE = "indictable"
MODES_OF_TRIAL = (SUMMARY, EITHER_WAY, INDICTABLE)

# The West Midlands ceiling for Outcome 22: offences up to and including this one.
OUTCOME22_CEILING_CODE = "OAPA1861-S20"

# Fields:
#   violent: the offence involves force, or the threat of immediate force, against a person.
#   weapon: the offence is about a knife, bladed article or offensive weapon.
#   checkpoint_eligible: the offence type may go to the youth Checkpoint pathway (the other
#     conditions, such as no aggravating circumstances, are checked case by case in rules.py).
#   outcome22_eligible: the offence type may be resolved by Outcome 22 in the West Midlands.
#   severity: a rank, higher is more serious, so that "up to and including wounding / GBH
#     without intent" is `severity <= severity of OUTCOME22_CEILING_CODE`. Only the order matters.
OFFENCES = [
    {
        "code": "CDA1971-S1",
        "name": "Criminal damage (value under £5,000)",
        "legislation": "Criminal Damage Act 1971 s1(1)",
        # Triable only summarily when the damage is under £5,000 (Magistrates' Courts Act 1980 s22),
        # so recorded as summary. Strictly it stays an either-way offence, for which s127's six
        # months arguably do not run; treating it as summary-only gives an earlier, safer deadline.
        "mode_of_trial": SUMMARY,
        "violent": False,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 10,
    },
    {
        "code": "POA1986-S5",
        "name": "Causing harassment, alarm or distress",
        "legislation": "Public Order Act 1986 s5",
        "mode_of_trial": SUMMARY,
        "violent": False,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 12,
    },
    {
        "code": "PHA1997-S2",
        "name": "Harassment",
        "legislation": "Protection from Harassment Act 1997 s2",
        "mode_of_trial": SUMMARY,
        # A course of conduct; it need not involve force or a threat of it (s4 of the Act does).
        "violent": False,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 15,
    },
    {
        "code": "CJA1988-S39",
        "name": "Common assault",
        "legislation": "Criminal Justice Act 1988 s39",
        "mode_of_trial": SUMMARY,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 20,
    },
    {
        "code": "POA1986-S4",
        "name": "Threatening behaviour (fear or provocation of violence)",
        "legislation": "Public Order Act 1986 s4",
        "mode_of_trial": SUMMARY,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 22,
    },
    {
        "code": "CJA1988-S139",
        "name": "Possession of a bladed article in a public place",
        "legislation": "Criminal Justice Act 1988 s139",
        "mode_of_trial": EITHER_WAY,
        "violent": False,
        "weapon": True,
        "checkpoint_eligible": True,
        "outcome22_eligible": True,
        "severity": 30,
    },
    {
        "code": "PCA1953-S1",
        "name": "Possession of an offensive weapon in a public place",
        "legislation": "Prevention of Crime Act 1953 s1",
        "mode_of_trial": EITHER_WAY,
        "violent": False,
        "weapon": True,
        "checkpoint_eligible": True,
        "outcome22_eligible": True,
        "severity": 30,
    },
    # School premises (s139A). Checkpoint: eligible. The pilot takes "possession of a bladed article
    # or possession of an offensive weapon", and s139A is exactly that, on school premises. The
    # setting raises the harm in sentencing, but whether a particular case is aggravated is the
    # decision maker's call and is checked case by case (the "no aggravating circumstances" rule),
    # not excluded wholesale: schools are a main referral source, and since February 2026 every
    # child aged 10 to 17 caught with a knife is to be referred to the youth justice service.
    {
        "code": "CJA1988-S139A1",
        "name": "Possession of a bladed article on school premises",
        "legislation": "Criminal Justice Act 1988 s139A(1)",
        "mode_of_trial": EITHER_WAY,
        "violent": False,
        "weapon": True,
        "checkpoint_eligible": True,
        "outcome22_eligible": True,
        "severity": 35,
    },
    {
        "code": "CJA1988-S139A2",
        "name": "Possession of an offensive weapon on school premises",
        "legislation": "Criminal Justice Act 1988 s139A(2)",
        "mode_of_trial": EITHER_WAY,
        "violent": False,
        "weapon": True,
        "checkpoint_eligible": True,
        "outcome22_eligible": True,
        "severity": 35,
    },
    {
        "code": "POA1986-S3",
        "name": "Affray",
        "legislation": "Public Order Act 1986 s3",
        "mode_of_trial": EITHER_WAY,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 40,
    },
    {
        "code": "OAPA1861-S47",
        "name": "Assault occasioning actual bodily harm",
        "legislation": "Offences Against the Person Act 1861 s47",
        "mode_of_trial": EITHER_WAY,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,
        "severity": 50,
    },
    {
        "code": "OAPA1861-S20",
        "name": "Wounding / inflicting grievous bodily harm without intent",
        "legislation": "Offences Against the Person Act 1861 s20",
        "mode_of_trial": EITHER_WAY,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": True,  # the ceiling: OUTCOME22_CEILING_CODE
        "severity": 60,
    },
    {
        "code": "TA1968-S8",
        "name": "Robbery",
        "legislation": "Theft Act 1968 s8",
        "mode_of_trial": INDICTABLE,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": False,
        "severity": 80,
    },
    {
        "code": "OAPA1861-S18",
        "name": "Wounding / causing grievous bodily harm with intent",
        "legislation": "Offences Against the Person Act 1861 s18",
        "mode_of_trial": INDICTABLE,
        "violent": True,
        "weapon": False,
        "checkpoint_eligible": False,
        "outcome22_eligible": False,  # never diverted
        "severity": 90,
    },
]

# Home Office crime outcome types (the outcomes framework police forces report against).
# closes_diversion: the outcome that records a diversion as successfully completed, so it must
# never be used for a case whose diversion failed (see rules.outcome_fits_case).
# Codes are reference data: a new one (a children's deferred-prosecution outcome 23 has been
# reported in 2026, not yet confirmed here) is added as a row in the table, without a code change.
_OUTCOME_TITLES = [
    (1, "Charge/summons"),
    (2, "Caution – youths"),
    (3, "Caution – adults"),
    (4, "Taken into consideration"),
    (5, "The offender has died"),
    (6, "Penalty Notice for Disorder"),
    (7, "Cannabis/khat warning"),
    (8, "Community resolution"),
    (9, "Prosecution not in the public interest (CPS decision)"),
    (10, "Formal action against the offender is not in the public interest (police decision)"),
    (11, "Prosecution prevented – named suspect identified but below the age of criminal responsibility"),
    (12, "Prosecution prevented – named suspect identified but too ill to prosecute"),
    (13, "Prosecution prevented – named suspect identified but victim or key witness dead or too ill to give evidence"),
    (14, "Evidential difficulties victim based – named suspect not identified"),
    (15, "Evidential difficulties – named suspect identified; the victim supports action"),
    (16, "Evidential difficulties victim based – named suspect identified; the victim does not support action"),
    (17, "Prosecution time limit expired"),
    (18, "Investigation complete – no suspect identified"),
    (20, "Further action resulting from the crime report will be undertaken by another body or agency"),
    (21, "Further investigation, resulting from the crime report, is not in the public interest (police decision)"),
    (
        22,
        "Diversionary, educational or intervention activity, resulting from the crime report, has been undertaken "
        "and it is not in the public interest to take any further action",
    ),
]
OUTCOME_CODES = [{"code": code, "name": name, "closes_diversion": code == 22} for code, name in _OUTCOME_TITLES]

# Diversion pathways. Defaults only: a case copies them when it starts, and an administrator may
# change them. Ages are on the offence date, inclusive.
PATHWAYS = {
    "checkpoint": {
        "name": "Checkpoint",
        "contract_months": 4,
        "sessions": 6,
        "assessment_working_days": 10,
        "closing_outcome": 22,
        "min_age": 10,
        "max_age": 17,
    },
    "outcome22": {
        "name": "Outcome 22",
        "contract_months": 4,
        "sessions": 4,
        "assessment_working_days": None,  # no mandatory assessment condition
        "closing_outcome": 22,
        "min_age": 10,
        "max_age": 24,
    },
}


def offence_by_code(code: str) -> dict:
    """The offence with this code (KeyError if none): a convenience for tests and seeding."""
    for offence in OFFENCES:
        if offence["code"] == code:
            return offence
    raise KeyError(code)
