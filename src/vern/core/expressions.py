"""Database expressions shared by the apps."""

from __future__ import annotations

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from the second date to the first, in SQL: PostgreSQL subtracts dates
    to days, SQLite through julianday (deterministic, so usable in a generated column
    and an index, and no per-row Python function as Django's date subtraction has)."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )
