from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from partners.models import Area
from referrals.models import Ethnicity


class AreaPopulation(models.Model):
    """Reference data: how many people of an ethnic group and age range live in an area.

    The base for rates of referral per 1,000 people (disproportionality). Ethnic groups use the same
    codes as YoungPerson.ethnicity (ONS 2021); a VRU manager keeps the numbers up to date on
    /figures/population/. The figures use each area's latest year.
    """

    area = models.CharField(max_length=20, choices=Area.choices)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices)
    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area", "-year", "ethnicity", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ethnicity", "age_from", "age_to", "year"], name="population_unique"),
            models.CheckConstraint(name="population_ages_in_order", condition=Q(age_from__lte=F("age_to"))),
            models.CheckConstraint(name="population_year_plausible", condition=Q(year__gte=2000, year__lte=2100)),
            models.CheckConstraint(name="population_not_stated_excluded", condition=~Q(ethnicity="not_stated")),
        ]
        indexes = [models.Index(fields=["area", "year"], name="population_area_year")]

    def __str__(self):
        return f"{self.get_area_display()} {self.year}: {self.get_ethnicity_display()} aged {self.age_from}-{self.age_to}"


class DailyCount(models.Model):
    """The VRU's figures for one closed day (or one whole month: the sum of its days), counted once by the
    rollup job (reporting/rollup.py) so the figures page adds up a few rows instead of a million records.

    `measure` names what is counted ("referrals.source"), `value` the group it is counted in (a source's code,
    a partner's id, the tenths of an hour a first decision took). `area` is where the young person lives.
    """

    day = models.DateField()  # for a month's row, the month's first day
    month = models.BooleanField(default=False)
    area = models.CharField(max_length=20, blank=True)
    measure = models.CharField(max_length=40)
    value = models.CharField(max_length=200, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        # Covering n too, so that the page's sums are read from the index alone.
        constraints = [models.UniqueConstraint(fields=["month", "day", "area", "measure", "value"], include=["n"],
                                               name="dailycount_unique")]


class StaleDay(models.Model):
    """A closed day whose counts a later change touched (marked by the database's triggers): the figures count it
    live until the rollup job has counted it again. Not unique, so two writers never wait on each other."""

    day = models.DateField()
    marked_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [models.Index(fields=["day"], name="staleday_day")]


class RollupState(models.Model):
    """How far the rollup has got: every closed day up to `through` is counted (unless marked stale)."""

    through = models.DateField(null=True)
    updated_at = models.DateTimeField(null=True)
