from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .managers import UserManager


class User(AbstractBaseUser, PermissionsMixin):
    """
    A member of the community. Members log in with their e-mail address and
    are shown to others by their display name ("Harro Ranter").

    Members carried over from the old network have no e-mail address and no
    usable password: their words stay, but nobody can log in as them.
    """

    email = models.EmailField(
        _("e-mail address"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Used to log in. Never shown to other members."),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("The name other members see, for example “Harro Ranter”."),
    )
    handle = models.SlugField(
        _("handle"),
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text=_("Part of the profile address, made from the display name."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the member can log in to the administration."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting accounts."),
    )
    date_joined = models.DateTimeField(_("member since"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["display_name"], name="accounts_user_display_idx")]

    def __str__(self):
        return self.display_name or self.email or str(self.pk)

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        if not self.email:
            self.email = None
        if not self.handle:
            from .services import unique_handle

            self.handle = unique_handle(self.display_name or (self.email or "").split("@")[0])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name
