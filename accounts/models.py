from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import render_markdown

from .choices import Approval
from .managers import UserManager


class ProfileVisibility(models.TextChoices):
    MEMBERS = "members", _("members only")
    PUBLIC = "public", _("everyone, also search engines")


class Organisation(models.Model):
    """A government organisation. Members whose verified address is on one of its domains belong to it."""

    class Kind(models.TextChoices):
        RIJKSOVERHEID = "rijksoverheid", _("central government")
        PROVINCIE = "provincie", _("province")
        GEMEENTE = "gemeente", _("municipality")
        WATERSCHAP = "waterschap", _("water authority")
        UITVOERINGSORGANISATIE = "uitvoeringsorganisatie", _("executive agency")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationDomain(models.Model):
    """An e-mail domain (``minbzk.nl``) that belongs to an organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        help_text=_("The part after the @, for example minbzk.nl. Subdomains are not included."),
    )

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


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

    # Verification: set from the verified e-mail address by accounts.services.member_sync_organisation.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Set automatically from the member's verified e-mail address."),
    )
    approval = models.CharField(
        _("approval"), max_length=16, choices=Approval.choices, default=Approval.APPROVED, db_index=True
    )
    approval_reason = models.TextField(_("reason for refusal"), blank=True)

    # An organisation account (“Team Digitale Overheid”): nobody logs in as it;
    # named members post as it.
    is_organisation_account = models.BooleanField(_("organisation account"), default=False)
    delegates = models.ManyToManyField(
        "self",
        verbose_name=_("members who may post as this account"),
        symmetrical=False,
        blank=True,
        related_name="organisation_accounts",
        through="AccountDelegate",
        through_fields=("account", "member"),
    )

    # Profile
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(_("about me"), max_length=1000, blank=True)
    avatar = models.ImageField(_("photo"), upload_to="avatars/", blank=True)
    profile_visibility = models.CharField(
        _("who can see my profile"),
        max_length=16,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.MEMBERS,
    )
    is_former_member = models.BooleanField(_("former member"), default=False, editable=False)
    language = models.CharField(
        _("language for e-mail"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("The language of the e-mails the site sends you."),
    )

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
        indexes = [
            models.Index(fields=["display_name"], name="accounts_user_display_idx"),
            # @mentions look members up by their name in any case.
            models.Index(Lower("display_name"), name="accounts_user_name_lower_idx"),
            models.Index(fields=["-date_joined", "-id"], name="accounts_user_joined_idx"),
        ]

    def __str__(self):
        return self.display_name or self.email or str(self.pk)

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        if not self.email:
            self.email = None
        if not self.handle:
            self.handle = type(self).objects.unique_handle(self.display_name or (self.email or "").split("@")[0])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    @property
    def public_name(self):
        """The name shown with posts: "former member" once the account is closed."""
        return _("former member") if self.is_former_member else self.display_name

    @property
    def is_verified_civil_servant(self):
        return self.organisation_id is not None and not self.is_organisation_account

    @property
    def is_profile_public(self):
        return self.profile_visibility == ProfileVisibility.PUBLIC

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


class AccountDelegate(models.Model):
    """A member who may post as an organisation account."""

    account = models.ForeignKey(
        User,
        verbose_name=_("organisation account"),
        on_delete=models.CASCADE,
        related_name="delegations",
        limit_choices_to={"is_organisation_account": True},
    )
    member = models.ForeignKey(
        User,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="delegated_accounts",
        limit_choices_to={"is_organisation_account": False},
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("member of an organisation account")
        verbose_name_plural = _("members of organisation accounts")
        constraints = [models.UniqueConstraint(fields=["account", "member"], name="accounts_delegate_unique")]

    def __str__(self):
        return f"{self.member} → {self.account}"


class OrganisationRole(models.Model):
    """What a member may do for their organisation: administer it, and speak on its behalf."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="roles"
    )
    member = models.ForeignKey(
        User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="organisation_roles"
    )
    is_admin = models.BooleanField(
        _("organisation administrator"),
        default=False,
        help_text=_("Manages who may speak on behalf of the organisation and who may post as its accounts."),
    )
    may_speak_for_organisation = models.BooleanField(_("may post on behalf of the organisation"), default=False)

    class Meta:
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "member"], name="accounts_organisationrole_unique")
        ]

    def __str__(self):
        return f"{self.member} @ {self.organisation}"


class TermsVersion(models.Model):
    """A published version of the terms and conditions. Members accept the newest before posting."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200, default="Algemene voorwaarden")
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_html = models.TextField(_("rendered text"), editable=False)
    # A translation for English readers (the Dutch text is what members accept); empty: the Dutch text.
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_en = models.TextField(
        _("text in English"),
        blank=True,
        help_text=_("Markdown. A translation for English readers; members accept the Dutch text."),
    )
    body_html_en = models.TextField(_("rendered English text"), editable=False, blank=True)
    published_at = models.DateTimeField(
        _("published"), default=timezone.now, help_text=_("Members accept a version once it is published.")
    )

    class Meta:
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        ordering = ["-version"]

    def __str__(self):
        return _("Terms, version %(version)s") % {"version": self.version}

    def save(self, *args, **kwargs):

        self.body_html = render_markdown(self.body)
        self.body_html_en = render_markdown(self.body_en) if self.body_en.strip() else ""
        super().save(*args, **kwargs)
        cache.delete(CURRENT_TERMS_CACHE_KEY)


CURRENT_TERMS_CACHE_KEY = "accounts:current-terms"


class TermsAcceptance(models.Model):
    """That a member accepted a version of the terms, and when."""

    member = models.ForeignKey(
        User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    terms = models.ForeignKey(TermsVersion, verbose_name=_("terms version"), on_delete=models.PROTECT)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["member", "terms"], name="accounts_terms_accepted_once")]

    def __str__(self):
        return f"{self.member} – {self.terms}"


class SiteSettings(models.Model):
    """The site-wide settings administrators change in the admin. There is one row."""

    class MembershipPolicy(models.TextChoices):
        OPEN = "open", _("open: every member with a verified address may post")
        CLOSED = "closed", _("closed: members outside the listed domains wait for a moderator's approval")

    membership_policy = models.CharField(
        _("membership policy"), max_length=16, choices=MembershipPolicy.choices, default=MembershipPolicy.OPEN
    )
    mfa_required_for_staff = models.BooleanField(
        _("two-factor authentication required for moderators and administrators"), default=True
    )
    auto_hide_report_count = models.PositiveSmallIntegerField(
        _("hide after this many reports"),
        default=3,
        help_text=_(
            "When this many different members report the same item, it is hidden at once pending review. "
            "0 switches this off."
        ),
    )
    hold_first_posts = models.PositiveSmallIntegerField(
        _("hold the first posts of new members"),
        default=0,
        help_text=_(
            "The first this many threads and replies of members who are not verified civil servants wait for "
            "a moderator's approval. 0 switches this off."
        ),
    )
    hold_links_below = models.PositiveSmallIntegerField(
        _("hold links of members with fewer approved posts than"),
        default=0,
        help_text=_(
            "A post with a link waits for a moderator's approval while its author has fewer approved "
            "posts than this. 0 switches this off."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(SITE_SETTINGS_CACHE_KEY)

    @classmethod
    def current(cls):
        """The settings, from the cache when possible (a query at most once per change)."""
        found = cache.get(SITE_SETTINGS_CACHE_KEY)
        if found is None:
            found, _created = cls.objects.get_or_create(pk=1)
            cache.set(SITE_SETTINGS_CACHE_KEY, found, timeout=None)
        return found


SITE_SETTINGS_CACHE_KEY = "accounts:site-settings"
