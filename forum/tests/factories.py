"""factory_boy factories. Threads and replies are made through the services, so counters stay right."""

import factory
from allauth.account.models import EmailAddress

from accounts import roles
from accounts.models import User
from forum import services
from forum.models import Theme


class UserFactory(factory.django.DjangoModelFactory):
    """A member whose e-mail address is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"lid{n}@example.nl")
    display_name = factory.Sequence(lambda n: f"Lid {n}")
    password = factory.PostGenerationMethodCall("set_password", "een-lang-wachtwoord")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and obj.email:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)

    @factory.post_generation
    def accepted_terms(obj, create, extracted, **kwargs):
        """Members accepted the terms in force when they signed up (pass False to skip)."""
        from accounts import selectors as account_selectors
        from accounts import services as account_services

        terms = account_selectors.terms_current()
        if create and terms is not None and extracted is not False:
            account_services.terms_accept(member=obj, terms=terms)


class UnverifiedUserFactory(UserFactory):
    """A member who has not confirmed their e-mail address yet."""

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=False)


TOTP_SECRET = "JBSWY3DPEHPK3PXPOVSGC3TPMFZHK4TB"  # 160 bits, the length allauth gives a new key


def add_totp(user, secret: str = TOTP_SECRET):
    """Two-factor authentication as allauth.mfa stores it, as a moderator must have it."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )


class ModeratorFactory(UserFactory):
    """A moderator, with two-factor authentication set up as the site requires."""

    display_name = factory.Sequence(lambda n: f"Moderator {n}")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(roles.moderators_group())
            if extracted is not False:
                add_totp(obj)


class AdministratorFactory(UserFactory):
    """A site administrator, with two-factor authentication set up."""

    display_name = factory.Sequence(lambda n: f"Beheerder {n}")
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            add_totp(obj)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    description = "Een thema om over te praten."


class ThreadFactory(factory.Factory):
    """Threads through services.thread_import: no permission check, counters kept."""

    class Meta:
        model = dict

    theme = factory.SubFactory(ThemeFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Discussie {n}")
    body = "Wat vinden jullie hiervan?"
    is_locked = False
    is_pinned = False

    @classmethod
    def _create(cls, model_class, *, theme, author, title, body, is_locked, is_pinned, created_at=None, **kwargs):
        from django.utils import timezone

        thread = services.thread_import(
            theme=theme,
            author=author,
            title=title,
            body=body,
            created_at=created_at or timezone.now(),
            view_count=0,
            replies=[],
        )
        if is_locked or is_pinned:
            thread.is_locked, thread.is_pinned = is_locked, is_pinned
            thread.save(update_fields=["is_locked", "is_pinned"])
        return thread

    _build = _create


class ReplyFactory(factory.Factory):
    class Meta:
        model = dict

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reactie nummer {n}.")

    @classmethod
    def _create(cls, model_class, *, thread, author, body, created_at=None, **kwargs):
        return services.reply_import(thread=thread, author=author, body=body, created_at=created_at)

    _build = _create
