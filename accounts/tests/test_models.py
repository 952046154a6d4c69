import pytest
from django.db import IntegrityError

from accounts.models import User
from accounts.services import member_create_without_login


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lower_case():
    """Members log in with their e-mail address, whatever its capitals."""
    user = User.objects.create_user("Harro.Ranter@Example.NL", "een-lang-wachtwoord", display_name="Harro Ranter")
    assert user.email == "harro.ranter@example.nl"
    assert User.objects.get_by_natural_key("HARRO.RANTER@example.nl") == user
    assert str(user) == "Harro Ranter"


@pytest.mark.django_db
def test_email_addresses_are_unique_ignoring_case():
    """Two members cannot share an address."""
    User.objects.create_user("lid@example.nl", "x", display_name="Een")
    with pytest.raises(IntegrityError):
        User.objects.create_user("LID@example.nl", "x", display_name="Twee")


@pytest.mark.django_db
def test_handles_are_unique_and_readable():
    """Members with the same name get distinct profile addresses."""
    first = User.objects.create_user("a@example.nl", "x", display_name="Fatou van den Hoff")
    second = User.objects.create_user("b@example.nl", "x", display_name="Fatou van den Hoff")
    assert first.handle == "fatou-van-den-hoff"
    assert second.handle == "fatou-van-den-hoff-2"
    assert first.get_absolute_url() == "/leden/fatou-van-den-hoff/"


@pytest.mark.django_db
def test_members_without_login_have_no_email():
    """Carried-over authors can have no address, more than one of them."""
    first = member_create_without_login(display_name="Davied")
    second = member_create_without_login(display_name="sietze zijl")
    assert first.email is None and second.email is None
    assert not first.has_usable_password()


@pytest.mark.django_db
def test_superuser_command_path():
    """createsuperuser's path makes staff with all rights."""
    admin = User.objects.create_superuser("beheer@example.nl", "een-lang-wachtwoord", display_name="Beheer")
    assert admin.is_staff and admin.is_superuser
