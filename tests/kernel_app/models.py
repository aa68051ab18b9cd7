from django.db import models

from vern.core.models import AccessListed, UnitRecord


class Case(AccessListed, UnitRecord):
    """A case of one unit, opened only by the people assigned to it."""

    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title
