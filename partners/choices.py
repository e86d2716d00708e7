"""The kinds of organisation, their areas and the roles people hold: plain choices, shared by the models and
the pure rules (which import no ORM), so partners/rules.py need not import the models.
"""

from django.db.models import TextChoices


class OrganisationKind(TextChoices):
    VRU = "vru", "Violence Reduction Unit"
    POLICE = "police", "Police"
    YOS = "yos", "Youth Offending Service"
    SCHOOL = "school", "School or college"
    VOLUNTARY = "voluntary", "Voluntary sector"
    LOCAL_AUTHORITY = "local_authority", "Local authority"

class Area(TextChoices):
    """The seven local authority areas of the West Midlands."""

    BIRMINGHAM = "birmingham", "Birmingham"
    COVENTRY = "coventry", "Coventry"
    DUDLEY = "dudley", "Dudley"
    SANDWELL = "sandwell", "Sandwell"
    SOLIHULL = "solihull", "Solihull"
    WALSALL = "walsall", "Walsall"
    WOLVERHAMPTON = "wolverhampton", "Wolverhampton"

class Role(TextChoices):
    REFERRER = "referrer", "Referrer"
    TRIAGER = "triager", "Triager"
    CASEWORKER = "caseworker", "Caseworker"
    DECISION_MAKER = "decision_maker", "Decision maker"
    MANAGER = "manager", "Manager"
    ORG_ADMIN = "org_admin", "Organisation administrator"
