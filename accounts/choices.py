"""Choices the manager and the models share (the manager is imported by the models, so not from there)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Approval(models.TextChoices):
    APPROVED = "approved", _("approved")
    PENDING = "pending", _("waiting for approval")
    REFUSED = "refused", _("refused")
