"""The one scoping mechanism for municipal records, failing closed for personal data.

``TenantQuerySet`` knows its model's tenant column (``tenant_field``: a field
or a path such as ``"service__owner"``) and offers three ways to scope a query:

``for_user(user, municipality=None)``
    Rows of the municipalities where ``user`` holds a membership, narrowed to
    ``municipality`` (the request's active one) when given. Subclasses with
    ``national_if_null = True`` (the directory, whose tenant column ``owner``
    is empty for national entries) add the national rows for holders of the
    national role. Views reach it through ``vern.core.access.scoped`` and
    ``get_scoped_or_404``.
``for_self(user)``
    Rows about the person themself (``self_field``, such as a membership's
    ``user``), in whatever municipality: their own roles, invitations and
    organisations. Only models that name a ``self_field`` offer it.
``for_system(reason="...")``
    Every row, for code that is not acting for a signed-in person or that has
    already decided the person may act: ``vern tick`` jobs, commands, the demo
    loader, services called after a view's check, the public site's reads of
    public data, the audit chain. The reason must be given (an empty one is
    refused); it says why the whole table is right here.

A model that holds personal data inherits ``PersonalData``. Its default
manager (a ``TenantQuerySet`` subclass, through ``as_manager()``) then refuses
to run a query that was not scoped: reading it (iterating, ``get``, ``first``,
``count``, ``exists``, ``aggregate``, ``iterator``, ``in_bulk``...), updating
or deleting through it raises ``UnscopedQuery`` when ``VERN_TENANCY_STRICT``
is on (development, demo and the test suite). In production (the setting off)
the query is logged as an error and then runs as an empty query: it finds
no rows, counts 0 and changes nothing. A forgotten scope so shows up as a
missing list and a logged error, never as another municipality's data.

What counts as scoped without a call:

* **Related rows of an instance in hand** (``plan.measures.all()``,
  ``service.error_reports.filter(...)``, and ``prefetch_related("measures")``
  without a custom queryset): the rows are limited to one parent the code
  already holds, which was itself loaded through a scope (or is public). The
  exception is a relation that *is* the tenant column
  (``municipality.memberships``): that is a whole municipality's rows, and it
  needs ``for_user`` or ``for_system`` like any other query. A ``Prefetch``
  with its own queryset must scope that queryset itself.
* **Forward foreign keys** (``note.plan_measure``) and ``Model.save()``,
  ``refresh_from_db()`` and cascading deletes go through Django's
  ``_base_manager``, a plain manager, and are not checked: they follow a row
  the code already holds.
* **Subqueries** (``Model.objects.filter(...).values("pk")`` inside another
  query) never run alone; the outer query is the one checked.
* **Uniqueness checks** of ``full_clean()`` (``validate_unique``,
  ``validate_constraints``) run unscoped: the database enforces the same
  constraints across municipalities anyway.

Migrations use historical models, which have plain managers (no
``use_in_migrations``), so data migrations are not affected.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from vern.core.models.municipality import Municipality

logger = logging.getLogger("vern.tenancy")

# Set while Django's own uniqueness checks of ``full_clean()`` run.
_in_uniqueness_check: ContextVar[bool] = ContextVar("vern_uniqueness_check", default=False)


class UnscopedQuery(Exception):
    """A query on a personal-data model ran without ``for_user``/``for_system``."""


def tenancy_strict() -> bool:
    return bool(getattr(settings, "VERN_TENANCY_STRICT", settings.DEBUG))


class TenantManager(models.Manager):
    """Marks the querysets of related managers (``plan.measures``) as scoped.

    Django builds a reverse relation's manager as a subclass of the related
    model's default manager, with ``instance`` (the parent) and, for a
    foreign key, ``field`` set. Such a queryset is limited to one parent, so
    it counts as scoped, unless ``field`` is the tenant column itself.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "instance", None) is not None and isinstance(queryset, TenantQuerySet):
            field = getattr(self, "field", None)
            if field is None or field.name != queryset.tenant_field:
                queryset._vern_scope = f"related to {self.instance._meta.label} {self.instance.pk}"
        return queryset


class TenantQuerySet(models.QuerySet):
    # The model's tenant column, or a path to it ("service__owner").
    tenant_field = "municipality"
    # True where an empty tenant column means a national row (the directory).
    national_if_null = False
    # The field naming the person a row is about, for ``for_self``.
    self_field: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._vern_scope: str | None = None

    @classmethod
    def as_manager(cls):
        manager = TenantManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True

    def _clone(self):
        clone = super()._clone()
        clone._vern_scope = self._vern_scope
        return clone

    # --- scoping ------------------------------------------------------------

    def _scoped(self, queryset: TenantQuerySet, scope: str) -> Self:
        queryset._vern_scope = scope
        return queryset

    def for_user(self, user, *, municipality: Municipality | None = None) -> Self:
        """Rows of the municipalities where ``user`` holds a membership.

        With ``municipality`` the result narrows to that one (the active
        municipality of the request), and is empty if the user is not a member.
        Where the model keeps national rows (``national_if_null``), holders of
        the national role see those as well.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        from vern.core.models.users import Membership, Role

        memberships = Membership.objects.for_self(user).filter(municipality__isnull=False)
        if municipality is not None:
            memberships = memberships.filter(municipality=municipality)
        condition = Q(**{f"{self.tenant_field}__in": memberships.values("municipality")})
        if municipality is not None:
            condition &= Q(**{self.tenant_field: municipality})
        if (
            self.national_if_null
            and Membership.objects.for_self(user).filter(role=Role.NATIONAL).exists()
        ):
            condition |= Q(**{f"{self.tenant_field}__isnull": True})
        return self._scoped(self.filter(condition), f"user {user.pk}")

    def for_self(self, user) -> Self:
        """Rows about ``user`` themself, in any municipality."""
        if self.self_field is None:
            raise TypeError(f"{self.model._meta.label} has no self_field; use for_user.")
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._scoped(self.filter(**{self.self_field: user}), f"self {user.pk}")

    def for_system(self, reason: str) -> Self:
        """Every row, for a job, command or service that needs no user's scope."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("for_system() needs a reason saying why every row is right here.")
        return self._scoped(self._chain(), f"system: {reason.strip()}")

    def none(self) -> Self:
        # An empty query shows nothing, so it needs no scope.
        return self._scoped(super().none(), "none")

    @property
    def is_scoped(self) -> bool:
        return self._vern_scope is not None

    # --- the check ------------------------------------------------------------

    def _allowed(self, operation: str) -> bool:
        """May this query run? Raises, or logs and answers False, if not."""
        if self._vern_scope is not None or _in_uniqueness_check.get():
            return True
        if not getattr(self.model, "holds_personal_data", False):
            return True
        message = (
            f"Unscoped {operation} on {self.model._meta.label}, which holds personal data: "
            "scope it with .for_user(...), .for_self(...) or .for_system(reason=...)."
        )
        if tenancy_strict():
            raise UnscopedQuery(message)
        logger.error(message, stack_info=True)
        return False

    def _fetch_all(self):
        if self._result_cache is None and not self._allowed("read"):
            self._result_cache = []
            self._prefetch_done = True
            return
        super()._fetch_all()

    def iterator(self, chunk_size=None):
        if not self._allowed("read"):
            return iter(())
        return super().iterator(chunk_size=chunk_size)

    def count(self):
        if self._result_cache is None and not self._allowed("count"):
            return 0
        return super().count()

    def exists(self):
        if self._result_cache is None and not self._allowed("exists"):
            return False
        return super().exists()

    def aggregate(self, *args, **kwargs):
        if not self._allowed("aggregate"):
            return self.none().aggregate(*args, **kwargs)
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        if not self._allowed("update"):
            return 0
        return super().update(**kwargs)

    def _update(self, values):
        if not self._allowed("update"):
            return 0
        return super()._update(values)

    def delete(self):
        if not self._allowed("delete"):
            return 0, {}
        return super().delete()

    def _raw_delete(self, using):
        if not self._allowed("delete"):
            return 0
        return super()._raw_delete(using)

    # Combining: an OR or a union is scoped only if every part is; an AND if any is.

    def _combined_scope(self, combined, other, *, both: bool):
        if combined is self or combined is other or not isinstance(combined, TenantQuerySet):
            return combined
        mine = self._vern_scope
        theirs = getattr(other, "_vern_scope", None)
        combined._vern_scope = (mine if theirs else None) if both else (mine or theirs)
        return combined

    def __or__(self, other):
        return self._combined_scope(super().__or__(other), other, both=True)

    def __xor__(self, other):
        return self._combined_scope(super().__xor__(other), other, both=True)

    def __and__(self, other):
        return self._combined_scope(super().__and__(other), other, both=False)

    def _combinator_query(self, combinator, *other_qs, all=False):
        clone = super()._combinator_query(combinator, *other_qs, all=all)
        if combinator == "union" and any(
            getattr(other, "_vern_scope", None) is None for other in other_qs
        ):
            clone._vern_scope = None
        return clone


# The name the code used before the check existed.
ScopedQuerySet = TenantQuerySet


class PersonalData(models.Model):
    """Declares that a model holds personal data: its queries must be scoped.

    The model's default manager must be built from a ``TenantQuerySet``
    (``objects = SomeTenantQuerySet.as_manager()``); ``tests/core`` checks
    this for every model that inherits ``PersonalData``.
    """

    holds_personal_data = True

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        token = _in_uniqueness_check.set(True)
        try:
            super().validate_unique(exclude=exclude)
        finally:
            _in_uniqueness_check.reset(token)

    def validate_constraints(self, exclude=None):
        token = _in_uniqueness_check.set(True)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            _in_uniqueness_check.reset(token)


def tenant_of(instance: models.Model):
    """The tenant (municipality id) of a row, read through its declared column.

    Returns ``(True, id_or_None)`` for a model whose default queryset is a
    ``TenantQuerySet`` (``None`` being a national row) or that has a
    ``municipality`` column all the same, else ``(False, None)``.
    """
    queryset = type(instance)._default_manager.get_queryset()
    if not isinstance(queryset, TenantQuerySet):
        if hasattr(instance, "municipality_id"):
            return True, instance.municipality_id
        return False, None
    *path, last = queryset.tenant_field.split("__")
    row = instance
    for name in path:
        row = getattr(row, name)
        if row is None:
            return True, None
    return True, getattr(row, row._meta.get_field(last).attname)


class MunicipalRecord(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
