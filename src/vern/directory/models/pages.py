"""Pages that explain: what violence is, a victim's rights, forced marriage and
negative social control, what a worried person can do, help for people who use
violence.

Each topic (``slug``) has a national version per language, shipped as data
(``data/guide_pages.json``, owner empty), and a municipality may write its
own version of a topic in a language, which its residents see instead
(``guide_pages.page_for``). The text is plain: paragraphs separated by an
empty line, a line starting with "## " a heading, lines starting with "- " a
list. ``sources`` has one source a line ("label – https://…").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vern.core.models import VersionedRecord
from vern.directory.models.services import DirectoryQuerySet


class GuidePage(VersionedRecord):
    class Topic(models.TextChoices):
        VIOLENCE = "vold-og-kontroll", pgettext_lazy("guide page", "What violence and control are")
        RIGHTS = "rettigheter", pgettext_lazy("guide page", "Your rights after violence")
        FORCED_MARRIAGE = (
            "tvangsekteskap-og-kontroll",
            pgettext_lazy("guide page", "Forced marriage and negative social control"),
        )
        WORRIED = "bekymret", pgettext_lazy("guide page", "If you are worried about someone")
        PERPETRATOR = "bruker-vold", pgettext_lazy("guide page", "If you use violence")

    owner = models.ForeignKey(
        "core.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning municipality"),
    )
    slug = models.CharField(_("topic"), max_length=40, choices=Topic.choices)
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. Leave an empty line between paragraphs; start a line with "
            "“## ” for a heading and with “- ” for a list item."
        ),
    )
    keywords = models.CharField(
        _("search words"),
        max_length=300,
        blank=True,
        help_text=_("Words people may search for that the text does not use."),
    )
    sources = models.TextField(
        _("sources"), help_text=_("One source a line: what it is, then its web address.")
    )
    last_reviewed = models.DateField(_("last reviewed"))
    machine_assisted = models.BooleanField(_("machine-assisted, not yet reviewed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "language"]
        verbose_name = _("guide page")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "slug", "language"], name="directory_page_once"
            ),
            models.UniqueConstraint(
                fields=["slug", "language"],
                condition=models.Q(owner__isnull=True),
                name="directory_page_national_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
