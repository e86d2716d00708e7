"""The only writes of the reporting app: the population reference data, and the audit of every download."""

from django.core.exceptions import ValidationError
from django.db import transaction

from partners import access, audit

from .models import AreaPopulation


@transaction.atomic
def set_population(acting, *, area, ethnicity, age_from, age_to, year, count, source, now):
    """Add or change one figure of the reference data (a VRU manager's job); audited with the old and new numbers."""
    acting = access.require_capability(acting, "manage_population")
    if not (source or "").strip():
        raise ValidationError({"source": "Enter where the figure comes from"})
    row = AreaPopulation.objects.select_for_update().filter(
        area=area, ethnicity=ethnicity, age_from=age_from, age_to=age_to, year=year).first()
    before = None if row is None else row.count
    if row is None:
        row = AreaPopulation(area=area, ethnicity=ethnicity, age_from=age_from, age_to=age_to, year=year)
    row.count, row.source, row.updated_at, row.updated_by = count, source.strip(), now, acting.user
    row.full_clean(validate_unique=False)
    row.save()
    audit.record(acting, audit.AuditAction.CREATE if before is None else audit.AuditAction.UPDATE, row,
                 detail={"count": count, "previous_count": before, "source": row.source})
    return row


def record_export(who, *, what, section, period, area, request=None):
    """A download of figures is an export: who took which figures for which period and area."""
    detail = {"export": what, "section": section, "from": period.start.isoformat(), "to": period.last_day.isoformat(),
              "area": area or "all"}
    return audit.record(request if request is not None else who, audit.AuditAction.EXPORT, detail=detail)
