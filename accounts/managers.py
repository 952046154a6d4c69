from django.contrib.auth.base_user import BaseUserManager
from django.db import models


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_directory(self):
        """Members listed in the directory: active, admitted, not former members; organisation accounts too."""
        from .models import Approval

        return (
            self.filter(is_active=True, is_former_member=False)
            .filter(
                models.Q(approval=Approval.APPROVED)
                | models.Q(organisation__isnull=False, is_organisation_account=False)
            )
            .select_related("organisation")
            .order_by("display_name", "pk")
        )

    def search(self, terms: str):
        """Members whose name or organisation contains ``terms`` (any case)."""
        if not terms:
            return self
        return self.filter(models.Q(display_name__icontains=terms) | models.Q(organisation__name__icontains=terms))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
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
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)
