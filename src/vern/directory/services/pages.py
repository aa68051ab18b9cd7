"""Writes for the pages that explain (``models.GuidePage``): a municipality's
own version of a topic in a language, or a national version by a national
editor. One audited transaction each; an edit based on an old version is
refused (``versioning.StaleVersion``) rather than overwriting someone's save."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vern.audit.selectors import saves_after
from vern.audit.services import audited_transaction, log_action
from vern.core import versioning
from vern.directory import guide_pages
from vern.directory.models import GuidePage

OBJECT_TYPE = "directory.guidepage"
PAGE_FIELDS = (
    "title",
    "summary",
    "body",
    "keywords",
    "sources",
    "last_reviewed",
    "machine_assisted",
)


def page_values(page: GuidePage) -> dict[str, versioning.Value]:
    """What a person editing ``page`` is shown, for telling them what changed."""
    return versioning.field_values(page, PAGE_FIELDS)


def _plain(page: GuidePage) -> dict:
    return {name: versioning.plain(getattr(page, name)) for name in PAGE_FIELDS}


@audited_transaction
def guide_page_save(
    *, page: GuidePage, actor, seen_version: int | None = None, seen_values: str = ""
) -> GuidePage:
    """Validate and save a page (new or changed) and log which fields changed."""
    creating = page._state.adding
    if creating:
        before: dict = {}
        page.version = 1
    else:
        current = GuidePage.objects.select_for_update().get(pk=page.pk)
        versioning.check_version(
            current,
            seen_version=seen_version,
            seen_values=seen_values,
            values=page_values,
            history=lambda version: saves_after(
                object_type=OBJECT_TYPE, object_id=page.pk, version=version
            ),
        )
        before = _plain(current)
        page.version = current.version
    page.full_clean()
    after = _plain(page)
    changed = sorted(name for name in PAGE_FIELDS if before.get(name) != after[name])
    if not creating and changed:
        page.version = versioning.next_version(current)
    try:
        page.save()
    except IntegrityError as exc:  # the same topic and language, saved twice at once
        raise ValidationError(_("This page already has a version in that language.")) from exc
    transaction.on_commit(guide_pages.expire)
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="directory.guidepage.create" if creating else "directory.guidepage.update",
        object_type=OBJECT_TYPE,
        object_id=page.pk,
        detail={
            "fields": changed,
            "version": page.version,
            "topic": page.slug,
            "language": page.language,
        },
    )
    return page


@audited_transaction
def guide_page_delete(*, page: GuidePage, actor) -> None:
    """Remove a municipality's own version; its residents see the national one again.
    National versions are never removed: they are what every guide falls back to."""
    if page.owner_id is None:
        raise PermissionDenied
    log_action(
        actor=actor,
        action="delete",
        code="directory.guidepage.delete",
        object_type=OBJECT_TYPE,
        object_id=page.pk,
        detail={"topic": page.slug, "language": page.language},
    )
    page.delete()
    transaction.on_commit(guide_pages.expire)
