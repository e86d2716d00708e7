"""SQL expressions the figures need that Django does not ship, for PostgreSQL and for SQLite (the demo)."""

from django.db import connection, models
from django.db.models import F, Func, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear


class HoursBetween(Func):
    """Hours from one instant to a later one, as a float."""

    output_field = models.FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            sql = f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision) / 3600.0)"
        else:  # SQLite: julian days
            sql = f"((julianday({end}) - julianday({start})) * 24.0)"
        return sql, [*end_params, *start_params]


class MonthsBefore(Func):
    """The instant a number of calendar months before another (12 months before 31 March is 31 March)."""

    output_field = models.DateTimeField()

    def __init__(self, expression, months: int, **extra):
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - INTERVAL '{self.months} months')", params

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite keeps instants as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text, which datetime() returns in the same shape.
        return f"datetime({sql}, '-{self.months} months')", params


def birthdays_since(date_of_birth: str, instant: str):
    """Whole years from a date of birth to the (England) date of `instant`, times 10,000 plus a remainder.

    Both dates as numbers yyyymmdd: the difference is under N x 10,000 exactly when the person is under N
    on that date, birthdays on 29 February included (a year older on 1 March in a common year, as
    referrals.rules.age_on). Comparing with N x 10,000 needs no division, which PostgreSQL's numeric
    EXTRACT and SQLite's integers would round differently.
    """

    def key(name):
        return ExtractYear(name) * Value(10000) + ExtractMonth(name) * Value(100) + ExtractDay(name)

    return models.ExpressionWrapper(key(instant) - key(date_of_birth), output_field=models.IntegerField())


class SecondAfter(Func):
    """The second of a list of instants that falls after an instant: the triage deadline on arrival.

    The list is a VALUES table, which both PostgreSQL and SQLite name column1.
    """

    output_field = models.DateTimeField()

    def __init__(self, expression, instants, **extra):
        self.instants = list(instants)
        if len(self.instants) < 2:
            raise ValueError("At least two instants are needed")
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        values = [connection.ops.adapt_datetimefield_value(i) for i in self.instants]
        cast = "::timestamptz" if connection.vendor == "postgresql" else ""
        rows = ", ".join(f"(%s{cast})" for _ in values)
        return (
            f"(SELECT b.column1 FROM (VALUES {rows}) AS b WHERE b.column1 > {sql} ORDER BY b.column1 LIMIT 1 OFFSET 1)",
            [*values, *params],
        )


class Percentile(models.Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): PostgreSQL only (see selectors for SQLite)."""

    function = "percentile_cont"
    name = "Percentile"
    output_field = models.FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        self.fraction = float(fraction)
        if not 0 <= self.fraction <= 1:
            raise ValueError("A percentile is a fraction from 0 to 1")
        super().__init__(expression, **extra)

    @property
    def template(self):
        return f"%(function)s({self.fraction}) WITHIN GROUP (ORDER BY %(expressions)s)"


def has_percentile() -> bool:
    return connection.vendor == "postgresql"


def text_or(field: str, default: str):
    """A code field with blank read as `default` (a referral's blank ethnicity is "not stated")."""
    return models.Case(models.When(**{field: ""}, then=Value(default)), default=F(field), output_field=models.CharField())


class TenthsOfHours(Func):
    """Whole tenths of an hour from one instant to a later one: the figures give hours to a decision to the tenth,
    as the page shows them, so that the rollup's distribution gives exactly the live median."""

    output_field = models.IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        hours, params = compiler.compile(HoursBetween(*self.source_expressions))
        if connection.vendor == "postgresql":
            return f"CAST(FLOOR({hours} * 10.0) AS integer)", params
        return f"CAST({hours} * 10.0 AS integer)", params  # SQLite truncates, which is floor for a duration
