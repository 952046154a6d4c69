from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.utils.text import slugify

from . import standing_parts as standing
from .choices import Approval
from .roles import MODERATE_PERMISSION


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_directory(self):
        """Members listed in the directory: active, admitted, not former members; organisation accounts too."""
        return (
            self.filter(is_active=True, is_former_member=False)
            .filter(
                models.Q(approval=Approval.APPROVED)
                | models.Q(organisation__isnull=False, is_organisation_account=False)
            )
            .select_related("organisation")
            .order_by("display_name", "pk")
        )

    def with_standing(self):
        """
        Each member with what the checks of almost every page ask about them, as subqueries of
        the member's own query: a verified address, the moderator role and whether the member is
        listed on parts of the site as a moderator, two-factor authentication, organisation
        accounts to post as, and what the apps above add (``accounts.standing``: the unread
        notifications). ``accounts.backends`` loads the logged-in member this way and
        ``accounts.standing.standing_of`` makes their ``Standing`` of the answers.
        """
        member = models.OuterRef("pk")
        app_label, codename = MODERATE_PERMISSION.split(".")
        scope = standing.moderation_scope(member)
        return self.annotate(
            standing_verified_email=models.Exists(
                EmailAddress.objects.filter(user=member, verified=True, email__iexact=models.OuterRef("email"))
            ),
            standing_moderator_role=models.Exists(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename).filter(
                    models.Q(user=member) | models.Q(group__user=member)
                )
            ),
            standing_scope_moderator=models.Exists(scope) if scope is not None else models.Value(False),
            standing_two_factor=models.Exists(Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP)),
            standing_organisation_accounts=models.Exists(
                self.model.objects.filter(is_organisation_account=True, is_active=True, delegations__member=member)
            ),
            **standing.annotations(member),
        )

    def unique_handle(self, name: str) -> str:
        """A profile handle made from ``name`` that no other member has yet."""
        base = slugify(name)[:70] or "lid"
        handle = base
        suffix = 2
        while self.filter(handle=handle).exists():
            handle = f"{base}-{suffix}"
            suffix += 1
        return handle

    def search(self, terms: str):
        """Members whose name or organisation contains ``terms`` (any case)."""
        if not terms:
            return self
        return self.filter(models.Q(display_name__icontains=terms) | models.Q(organisation__name__icontains=terms))


# mypy cannot type a base class made by a call (from_queryset); the class itself is checked as usual.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        extra_fields.setdefault("display_name", email.split("@")[0])
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        # Made on the command line (createsuperuser) by whoever runs the site: the address is
        # theirs, and no confirmation mail could reach them before they can log in.
        with transaction.atomic(using=self._db):
            user = self._create_user(email, password, **extra_fields)
            EmailAddress.objects.db_manager(self._db).create(user=user, email=user.email, primary=True, verified=True)
        return user

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)
