"""Putting the reference data of outcomes/reference.py into its tables.

Used by the data migration (with its historical models) and by seed_demo, which restores rows a
test database flush may have removed. `update=False` only adds what is missing, so an
administrator's changes to existing rows are never overwritten.
"""

from . import reference


def load(Offence, OutcomeCode, Pathway, *, update=True):
    put = "update_or_create" if update else "get_or_create"
    for offence in reference.OFFENCES:
        getattr(Offence.objects, put)(code=offence["code"], defaults={k: v for k, v in offence.items() if k != "code"})
    codes = {}
    for outcome in reference.OUTCOME_CODES:
        codes[outcome["code"]], _ = getattr(OutcomeCode.objects, put)(
            code=outcome["code"], defaults={"name": outcome["name"], "closes_diversion": outcome["closes_diversion"]}
        )
    for code, pathway in reference.PATHWAYS.items():
        getattr(Pathway.objects, put)(code=code, defaults={
            "name": pathway["name"], "contract_months": pathway["contract_months"], "sessions": pathway["sessions"],
            "assessment_working_days": pathway["assessment_working_days"],
            "closing_outcome": codes[pathway["closing_outcome"]],
            "min_age": pathway["min_age"], "max_age": pathway["max_age"],
        })


def ensure():
    from .models import Offence, OutcomeCode, Pathway

    load(Offence, OutcomeCode, Pathway, update=False)
