from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mail(models.Model):
    """
    An e-mail waiting to go out: rendered in the recipient's language when it was queued, sent by
    a task after the commit, and deleted once sent. A failed attempt is recorded here, and
    ``retry_mails`` sends it again when the mail server is back.
    """

    to = models.EmailField(_("recipient"), max_length=254)
    from_email = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.subject
