"""Referrals from a pathway to a service in the directory."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.fields import EncryptedTextField
from vern.pathways.models.pathway import Area, Pathway, PathwayPart


class Referral(PathwayPart):
    """A referral to one directory service, and how far it has come.

    The service's name and referral rule are copied when the referral is
    made, so the record stays readable if the entry changes or goes.
    """

    class Status(models.TextChoices):
        CONTACT = "contact", _("Contact information given")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        STARTED = "started", _("Started")
        DECLINED = "declined", _("Declined by the service")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="referrals")
    area = models.CharField(_("need area"), max_length=20, choices=Area.choices)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    service_name = models.CharField(_("service"), max_length=200)
    needs_referral = models.BooleanField(_("referral needed"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    letter = EncryptedTextField(_("referral letter"), blank=True)
    consent = models.ForeignKey(
        "pathways.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = EncryptedTextField(_("why without consent"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.service_name
