"""Retire the kept public plan pages when anything they show changes."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from vern.core.page_cache import bump

# Besides the plans app's own models, the pages show municipalities' and units' names.
SHOWN_ELSEWHERE = ("core.Municipality", "core.Unit")


def _changed(sender, **kwargs) -> None:
    bump("plans")


def connect() -> None:
    senders = list(apps.get_app_config("plans").get_models())
    senders += [apps.get_model(label) for label in SHOWN_ELSEWHERE]
    for model in senders:
        uid = f"plans-public-pages-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
