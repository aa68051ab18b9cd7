"""Who imports: the owner whose records an import may create and change.

An import names one municipality (its records), the national role (records
owned by no municipality) or, for an operator restoring a full copy, every
owner. Whatever it names, an import never changes who owns a record: that
would hand a record, and a confidential address with it, to someone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from vern.core.models import Municipality

# The import reads rows of any owner; the owner check decides what it may change.
IMPORT = "vern directory import, within its owner check"


@dataclass(frozen=True)
class Authority:
    municipality: Municipality | None = None
    national: bool = False
    every_owner: bool = False

    def __post_init__(self):
        chosen = [self.municipality is not None, self.national, self.every_owner]
        if sum(chosen) != 1:
            raise ValueError("an import is made for one municipality, nationally, or for all")

    @property
    def default_owner(self) -> Municipality | None:
        """The owner of a record whose file names none."""
        return self.municipality

    def may_own(self, owner_id: int | None) -> bool:
        if self.every_owner:
            return True
        if self.national:
            return owner_id is None
        return owner_id == self.municipality.pk

    def __str__(self) -> str:
        if self.every_owner:
            return "every owner"
        if self.national:
            return "national records"
        return f"municipality {self.municipality.number}"


def owner_text(owner_id: int | None) -> str:
    if owner_id is None:
        return "national (no municipality)"
    number = Municipality.objects.filter(pk=owner_id).values_list("number", flat=True).first()
    return f"municipality {number}"
