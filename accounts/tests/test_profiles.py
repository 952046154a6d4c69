"""Member profiles, profile editing with photos, and the member directory."""

import re
from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image

from accounts import avatars, profile_sections, services
from accounts.models import Approval, Organisation, ProfileVisibility, User
from forum.tests.factories import AdministratorFactory, ReplyFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT_URL = reverse("accounts:profile_edit")
DIRECTORY_URL = reverse("accounts:directory")


# Helpers -----------------------------------------------------------------------------


def _image_bytes(*, size=(300, 200), mode="RGB", color="white", image_format="JPEG", **save_options) -> bytes:
    output = BytesIO()
    Image.new(mode, size, color).save(output, format=image_format, **save_options)
    return output.getvalue()


def _upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _profile_data(member, **changes) -> dict:
    data = {
        "display_name": member.display_name,
        "job_title": member.job_title,
        "bio": member.bio,
        "profile_visibility": member.profile_visibility,
    }
    data.update(changes)
    return data


def _stored(member) -> tuple:
    member = User.objects.get(pk=member.pk)
    return (member.display_name, member.job_title, member.bio, member.profile_visibility, member.avatar.name)


def _avatar_error_codes(response) -> list:
    assert response.status_code == HTTPStatus.OK
    return [error.code for error in response.context["form"].errors.as_data()["avatar"]]


def _stored_image(member) -> Image.Image:
    member.refresh_from_db()
    with default_storage.open(member.avatar.name) as stored:
        image = Image.open(BytesIO(stored.read()))
        image.load()
    return image


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Ministerie van Binnenlandse Zaken")


@pytest.fixture
def filled_profile(db, organisation, theme):
    """A civil servant with every profile field filled in, a thread and a reply."""
    member = UserFactory(
        display_name="Harro Ranter",
        organisation=organisation,
        job_title="Beleidsadviseur open overheid",
        bio="Ik schrijf over sociale media.",
    )
    thread = ThreadFactory(theme=theme, author=member, title="Sociale media in de raad")
    ReplyFactory(thread=thread, author=member)
    return member


def _make_public(member):
    member.profile_visibility = ProfileVisibility.PUBLIC
    member.save(update_fields=["profile_visibility"])
    return member


# The profile page: who sees what ------------------------------------------------------------


@pytest.mark.parametrize("visibility", [ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS])
def test_members_see_the_whole_profile(client, other_user, filled_profile, visibility):
    """A member sees name, organisation, badge, job title, bio and posts of any profile."""
    filled_profile.profile_visibility = visibility
    filled_profile.save(update_fields=["profile_visibility"])
    client.force_login(other_user)
    response = client.get(filled_profile.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response.context["can_view"] is True
    for shown in ("Harro Ranter", "Ministerie van Binnenlandse Zaken", "Beleidsadviseur", "sociale media.", "Sociale"):
        assert shown in html
    assert '<span class="badge badge-verified">' in html


def test_visitors_see_a_public_profile(client, filled_profile):
    """A visitor sees everything of a profile its member made public."""
    _make_public(filled_profile)
    response = client.get(filled_profile.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Beleidsadviseur open overheid" in html and "Sociale media in de raad" in html


def test_visitors_see_only_the_name_of_a_members_only_profile(client, filled_profile):
    """A visitor gets the name and the way in, and nothing else of a members-only profile."""
    client.cookies["django_language"] = "en"
    url = filled_profile.get_absolute_url()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response.context["can_view"] is False
    assert "<h1" in html and "Harro Ranter" in html
    assert "visible to members of Ambtenaar 2.0 only" in html
    assert f"{reverse('account_login')}?next={url}" in html and reverse("account_signup") in html
    for hidden in ("Binnenlandse Zaken", "Beleidsadviseur", "sociale media", "Sociale media in de raad", "badge"):
        assert hidden not in html


@pytest.mark.parametrize("as_member", [False, True])
@pytest.mark.parametrize("visibility", [ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS])
def test_former_members_have_no_profile(client, other_user, as_member, visibility):
    """The profile address of a former member is not found, for visitors and members alike."""
    former = UserFactory(is_former_member=True, profile_visibility=visibility)
    if as_member:
        client.force_login(other_user)
    assert client.get(former.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_handle_is_not_found(client):
    """A handle nobody has gives 404."""
    assert client.get(reverse("accounts:profile", kwargs={"handle": "niemand"})).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("as_member", [False, True])
def test_only_public_profiles_may_be_indexed(client, other_user, filled_profile, as_member):
    """Search engines are told noindex unless the member made the profile public."""
    if as_member:
        client.force_login(other_user)
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in client.get(filled_profile.get_absolute_url()).content.decode()
    _make_public(filled_profile)
    html = client.get(filled_profile.get_absolute_url()).content.decode()
    assert 'name="robots"' not in html


def test_organisation_accounts_show_their_badge(client, organisation):
    """An organisation account's profile carries the organisation-account badge, not the civil-servant one."""
    account = services.organisation_account_create(
        acting_user=AdministratorFactory(), organisation=organisation, display_name="Team Digitale Overheid"
    )
    html = client.get(account.get_absolute_url()).content.decode()
    assert '<span class="badge text-bg-info">' in html
    assert "badge-verified" not in html
    assert "Ministerie van Binnenlandse Zaken" in html


def test_members_without_organisation_have_no_badge(user_client, other_user):
    """A member who is not a verified civil servant gets no badge."""
    html = user_client.get(other_user.get_absolute_url()).content.decode()
    assert "badge-verified" not in html and "text-bg-info" not in html


def test_only_the_member_themself_gets_the_edit_link(client, user, other_user):
    """The link to edit a profile shows on one's own profile and not on another's."""
    client.force_login(user)
    assert EDIT_URL in client.get(user.get_absolute_url()).content.decode()
    assert EDIT_URL not in client.get(other_user.get_absolute_url()).content.decode()


def test_the_photo_shows_with_the_name_as_alternative_text(client, user):
    """A profile with a photo shows it, described by the member's name."""
    services.profile_update(
        member=user,
        display_name="Zoë <de> Vries",
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.PUBLIC,
        avatar=_upload(_image_bytes()),
    )
    html = client.get(user.get_absolute_url()).content.decode()
    assert f'src="{user.avatar.url}"' in html
    assert 'alt="Zoë &lt;de&gt; Vries"' in html


@pytest.mark.parametrize("as_member", [False, True])
def test_profile_queries_do_not_grow_with_posts(client, other_user, filled_profile, theme, as_member):
    """A profile page costs the same number of queries with 2 or 30 posts by the member."""
    _make_public(filled_profile)
    if as_member:
        client.force_login(other_user)
    url = filled_profile.get_absolute_url()
    client.get(url)  # a member's first page notes the accepted terms in the session
    few = _count_queries(client, url)
    for _ in range(14):
        thread = ThreadFactory(theme=theme, author=filled_profile)
        ReplyFactory(thread=thread, author=filled_profile)
    assert _count_queries(client, url) == few
    # The member with their organisation, the latest threads, the latest replies; for a member
    # also the logged-in user and their permissions (two queries, for the moderator check).
    assert few <= (6 if as_member else 3)


def test_pages_have_no_inline_script_or_style(client, user, filled_profile):
    """
    Profile, edit page and directory load nothing from elsewhere and have nothing inline (the
    canonical link names the page's own full address and loads nothing).
    """
    services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.MEMBERS,
        avatar=_upload(_image_bytes()),
    )
    client.force_login(user)
    for url in (user.get_absolute_url(), filled_profile.get_absolute_url(), EDIT_URL, DIRECTORY_URL):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        elsewhere = re.search(r'<(script|link(?![^>]*\brel="canonical")|img|iframe)[^>]+(src|href)="(https?:)?//', html)
        assert not elsewhere, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"<style[\s>]", html) and ' style="' not in html, url


# Editing the profile -----------------------------------------------------------------


def test_visitors_are_sent_to_log_in_to_edit(client):
    """The edit page asks a visitor to log in first."""
    response = client.get(EDIT_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_the_edit_form_starts_from_the_current_profile(user_client, user):
    """The form shows what the member has now."""
    response = user_client.get(EDIT_URL)
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form["display_name"].value() == user.display_name
    assert form["profile_visibility"].value() == ProfileVisibility.MEMBERS
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_a_member_updates_their_profile(user_client, user):
    """Name, job title, bio and visibility are stored, and the member lands on their profile."""
    response = user_client.post(
        EDIT_URL,
        {
            "display_name": "  Harro   Ranter ",
            "job_title": "Adviseur  digitale overheid",
            "bio": "Eerste regel.\r\nTweede regel.",
            "profile_visibility": ProfileVisibility.PUBLIC,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == user.get_absolute_url()
    user.refresh_from_db()
    assert user.display_name == "Harro Ranter"
    assert user.job_title == "Adviseur digitale overheid"
    assert user.bio == "Eerste regel.\nTweede regel."
    assert user.is_profile_public


def test_the_handle_stays_when_the_name_changes(user_client, user):
    """A new display name keeps the profile address, so links to it go on working."""
    handle = user.handle
    user_client.post(EDIT_URL, _profile_data(user, display_name="Een heel andere naam"))
    user.refresh_from_db()
    assert user.handle == handle and user.display_name == "Een heel andere naam"


@pytest.mark.parametrize(
    "display_name",
    ["", "   ", "\u200b\u200b", "Harro\x00Ranter", "Harro\x07", "x" * 81],
    ids=["empty", "whitespace", "invisible", "nul", "control", "too-long"],
)
def test_bad_display_names_are_refused(user_client, user, display_name):
    """An empty, invisible, over-long name or one with NUL or control characters is a form error; nothing is stored."""
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, display_name=display_name, job_title="Nieuw"))
    assert response.status_code == HTTPStatus.OK
    assert "display_name" in response.context["form"].errors
    assert _stored(user) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("job_title", "x" * 121),
        ("job_title", "Adviseur\x00"),
        ("job_title", "Adviseur\x1b"),
        ("bio", "x" * 1001),
        ("bio", "Over mij\x00"),
        ("bio", "Over mij\x07"),
        ("profile_visibility", "everyone"),
        ("profile_visibility", ""),
    ],
)
def test_bad_profile_fields_are_refused(user_client, user, field, value):
    """Over-long texts, NUL and control characters and forged choices are form errors; nothing is stored."""
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, display_name="Nieuwe naam", **{field: value}))
    assert response.status_code == HTTPStatus.OK
    assert field in response.context["form"].errors
    assert _stored(user) == before


def test_line_breaks_count_once_in_the_bio(user_client, user):
    """A bio of 1000 characters typed with Windows line breaks is accepted, as the browser counted it."""
    bio = "a" * 499 + "\r\n" + "b" * 500
    response = user_client.post(EDIT_URL, _profile_data(user, bio=bio))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert len(user.bio) == 1000


@pytest.mark.parametrize("value", ["   ", "\u200b", "\r\n\r\n"])
def test_optional_fields_with_nothing_visible_are_stored_empty(user_client, user, value):
    """A job title or bio of only spaces or invisible characters is stored empty."""
    response = user_client.post(EDIT_URL, _profile_data(user, job_title=value, bio=value))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.job_title == "" and user.bio == ""


def test_html_in_the_profile_is_shown_as_text(user_client, user):
    """HTML in name, job title and bio is stored as typed and shown escaped, with the bio's line breaks."""
    response = user_client.post(
        EDIT_URL,
        _profile_data(
            user,
            display_name="<b>Harro</b>",
            job_title="<img src=x onerror=alert(1)>",
            bio="<script>alert('xss')</script>\nTweede regel & meer",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    html = user_client.get(user.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Harro&lt;/b&gt;" in html and "<b>Harro" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;<br>Tweede regel &amp; meer" in html
    assert "<script>alert" not in html


def test_unicode_names_are_accepted(user_client, user):
    """Names in any script are stored as typed."""
    response = user_client.post(EDIT_URL, _profile_data(user, display_name="عبد الله 🚀"))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.display_name == "عبد الله 🚀"


def test_former_members_cannot_be_updated(db):
    """The service refuses to change the profile of a former member."""
    from django.http import Http404

    former = UserFactory(is_former_member=True)
    with pytest.raises(Http404):
        services.profile_update(
            member=former, display_name="Terug", job_title="", bio="", profile_visibility=ProfileVisibility.PUBLIC
        )


# Photos ------------------------------------------------------------------------------


def _jpeg_with_gps_and_orientation() -> bytes:
    """A photo as a phone writes it: stored sideways with an orientation tag, with its GPS position."""
    image = Image.new("RGB", (400, 200), "red")
    image.paste((0, 0, 255), (200, 0, 400, 200))  # left half red, right half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise: the left half ends up on top
    exif[ExifTags.Base.Make] = "Telefoon"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 4.0, 48.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 18.0, 36.0)
    output = BytesIO()
    image.save(output, format="JPEG", exif=exif, quality=95)
    return output.getvalue()


def test_a_photo_is_stored_upright_square_small_and_without_metadata(user_client, user):
    """An uploaded photo is turned upright, cut to 256×256, and stored without EXIF or GPS under a random name."""
    content = _jpeg_with_gps_and_orientation()
    uploaded = Image.open(BytesIO(content))
    assert uploaded.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry a position
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content, name="vakantie-den-haag.jpg")))
    assert response.status_code == HTTPStatus.FOUND
    stored = _stored_image(user)
    assert stored.size == (avatars.AVATAR_SIZE, avatars.AVATAR_SIZE)
    assert not stored.getexif()
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    with default_storage.open(user.avatar.name) as raw:
        data = raw.read()
    assert b"Exif" not in data and b"Telefoon" not in data
    assert user.avatar.name.startswith("avatars/") and "vakantie" not in user.avatar.name
    red, blue = stored.convert("RGB").getpixel((128, 10)), stored.convert("RGB").getpixel((128, 245))
    assert red[0] > 200 and red[2] < 60, red
    assert blue[2] > 200 and blue[0] < 60, blue


@pytest.mark.parametrize(
    ("mode", "image_format", "stored_format"),
    [("RGB", "PNG", "JPEG"), ("RGBA", "PNG", "PNG"), ("RGB", "WEBP", "JPEG"), ("P", "GIF", "JPEG")],
)
def test_png_webp_and_gif_are_accepted(user_client, user, mode, image_format, stored_format):
    """PNG, WebP and GIF photos are accepted; only images with transparency are kept as PNG."""
    content = _image_bytes(size=(600, 900), mode=mode, image_format=image_format, color=0 if mode == "P" else "green")
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content, name="foto")))
    assert response.status_code == HTTPStatus.FOUND
    stored = _stored_image(user)
    assert stored.format == stored_format and stored.size == (256, 256)


def test_a_small_photo_is_made_256_pixels_too(user_client, user):
    """A photo smaller than 256 pixels is scaled up to the same square."""
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(_image_bytes(size=(40, 30)))))
    assert response.status_code == HTTPStatus.FOUND
    assert _stored_image(user).size == (256, 256)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Dit is geen foto, alleen tekst.\n", "x.png"),
        (_image_bytes(image_format="BMP"), "photo.jpg"),
        (b"%PDF-1.4\n" + b"0" * 500, "photo.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "photo.png"),
    ],
    ids=["text", "bmp", "pdf", "svg"],
)
def test_files_that_are_not_accepted_images_are_refused(user_client, user, content, name):
    """Text, PDF, SVG and unsupported image formats are refused whatever their name; nothing is stored."""
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content, name=name)))
    assert _avatar_error_codes(response) == ["invalid_image"]
    assert _stored(user) == before


def test_a_truncated_photo_is_refused(user_client, user):
    """A photo cut off halfway is a form error, not a half-grey avatar."""
    image = Image.effect_noise((600, 600), 64).convert("RGB")
    output = BytesIO()
    image.save(output, format="JPEG")
    content = output.getvalue()
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content[: len(content) // 2])))
    assert _avatar_error_codes(response) == ["invalid_image"]
    assert _stored(user) == before


def test_an_image_with_too_many_pixels_is_refused(user_client, user):
    """A small file that unpacks to 81 million pixels (a decompression bomb) is refused before decoding."""
    content = _image_bytes(size=(9000, 9000), mode="1", color=0, image_format="PNG", optimize=True)
    assert len(content) < avatars.MAX_FILE_SIZE
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content, name="bom.png")))
    assert _avatar_error_codes(response) == ["too_many_pixels"]
    assert _stored(user) == before


def test_pillows_own_decompression_bomb_check_is_a_form_error(monkeypatch):
    """When Pillow itself refuses an image as a decompression bomb, that is the same clear error."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as refused:
        avatars.prepare_avatar(_upload(_image_bytes(size=(50, 50), image_format="PNG")))
    assert refused.value.code == "too_many_pixels"


def test_a_file_over_5_mb_is_refused(user_client, user):
    """A file of 6 MB is refused for its size."""
    content = _image_bytes(image_format="PNG") + b"\0" * (6 * 1024 * 1024)
    before = _stored(user)
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(content, name="groot.png")))
    assert _avatar_error_codes(response) == ["file_too_large"]
    assert _stored(user) == before


def test_an_empty_file_is_refused(user_client, user):
    """An empty upload is a form error."""
    response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(b"", name="leeg.jpg")))
    assert response.status_code == HTTPStatus.OK
    assert "avatar" in response.context["form"].errors


def test_replacing_the_photo_deletes_the_old_file(user_client, user, django_capture_on_commit_callbacks):
    """A new photo replaces the old one, whose file is removed from storage."""
    services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.MEMBERS,
        avatar=_upload(_image_bytes(color="red")),
    )
    old = user.avatar.name
    assert default_storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(EDIT_URL, _profile_data(user, avatar=_upload(_image_bytes(color="blue"))))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.avatar.name != old
    assert default_storage.exists(user.avatar.name)
    assert not default_storage.exists(old)


def test_removing_the_photo_deletes_the_file(user_client, user, django_capture_on_commit_callbacks):
    """Ticking "clear" removes the photo from the profile and from storage."""
    services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.MEMBERS,
        avatar=_upload(_image_bytes()),
    )
    old = user.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(EDIT_URL, _profile_data(user, **{"avatar-clear": "on"}))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert not user.avatar
    assert not default_storage.exists(old)


def test_saving_without_a_new_photo_keeps_the_current_one(user_client, user, django_capture_on_commit_callbacks):
    """Saving other fields leaves the photo and its file alone."""
    services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.MEMBERS,
        avatar=_upload(_image_bytes()),
    )
    old = user.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(EDIT_URL, _profile_data(user, job_title="Adviseur"))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.avatar.name == old and default_storage.exists(old)


def test_a_new_photo_and_clear_together_is_refused(user_client, user):
    """Uploading a photo while ticking "clear" is a contradiction the form points out."""
    services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="",
        bio="",
        profile_visibility=ProfileVisibility.MEMBERS,
        avatar=_upload(_image_bytes()),
    )
    before = _stored(user)
    response = user_client.post(
        EDIT_URL, _profile_data(user, avatar=_upload(_image_bytes(color="blue")), **{"avatar-clear": "on"})
    )
    assert _avatar_error_codes(response) == ["contradiction"]
    assert _stored(user) == before


def test_the_service_checks_a_photo_it_is_given_directly(user):
    """Called without the form, the service still refuses what is not an image and stores nothing."""
    before = _stored(user)
    with pytest.raises(ValidationError):
        services.profile_update(
            member=user,
            display_name="Andere naam",
            job_title="",
            bio="",
            profile_visibility=ProfileVisibility.MEMBERS,
            avatar=_upload(b"geen foto", name="x.png"),
        )
    assert _stored(user) == before
    assert user.display_name != "Andere naam"


# The member directory ----------------------------------------------------------------


def test_visitors_are_sent_to_log_in_for_the_directory(client):
    """The member directory is for members: a visitor is asked to log in."""
    response = client.get(DIRECTORY_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_the_directory_lists_current_members_only(user_client, user, organisation):
    """Active members and organisation accounts are listed; former, deactivated and refused members are not."""
    account = services.organisation_account_create(
        acting_user=AdministratorFactory(), organisation=organisation, display_name="Team Digitale Overheid"
    )
    civil_servant = UserFactory(organisation=organisation, approval=Approval.PENDING)
    former = UserFactory(is_former_member=True)
    inactive = UserFactory(is_active=False)
    refused = UserFactory(approval=Approval.REFUSED)
    waiting = UserFactory(approval=Approval.PENDING)
    response = user_client.get(DIRECTORY_URL)
    assert response.status_code == HTTPStatus.OK
    listed = set(response.context["page_obj"].paginator.object_list)
    assert {user, account, civil_servant} <= listed
    assert not {former, inactive, refused, waiting} & listed


def test_the_directory_shows_badge_organisation_and_job_title(user_client, filled_profile):
    """Each member is shown with a link to their profile, their badge, organisation and job title."""
    html = user_client.get(DIRECTORY_URL).content.decode()
    assert f'href="{filled_profile.get_absolute_url()}"' in html
    assert '<span class="badge badge-verified">' in html
    assert "Ministerie van Binnenlandse Zaken" in html and "Beleidsadviseur open overheid" in html


@pytest.mark.parametrize("search", ["harro", "RANTER", "  Harro   Ranter "])
def test_the_directory_searches_names(user_client, filled_profile, search):
    """Searching finds members by part of their name, whatever the case."""
    UserFactory(display_name="Ineke de Vries")
    response = user_client.get(DIRECTORY_URL, {"q": search})
    assert list(response.context["members"]) == [filled_profile]


def test_the_directory_searches_organisation_names(user_client, filled_profile, organisation):
    """Searching finds members by part of their organisation's name."""
    colleague = UserFactory(display_name="Anna Collega", organisation=organisation)
    UserFactory(display_name="Binnenlandse Bert")  # a name match counts too
    UserFactory(display_name="Iemand Anders")
    response = user_client.get(DIRECTORY_URL, {"q": "binnenlandse zaken"})
    assert set(response.context["members"]) == {filled_profile, colleague}


@pytest.mark.parametrize(
    "search",
    ["", "   ", "\x00", "Harro\x00", "x" * 5000, "<script>alert(1)</script>", "🚀", "%", "_", "' OR 1=1 --"],
)
def test_odd_searches_never_fail(user_client, search):
    """Empty, NUL, over-long, HTML and wildcard searches give a page, with the search shown escaped."""
    response = user_client.get(DIRECTORY_URL, {"q": search})
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert(1)" not in response.content.decode()
    assert len(response.context["search"]) <= 100 and "\x00" not in response.context["search"]


def test_the_directory_shows_20_members_a_page_and_keeps_the_search(user_client):
    """Members are shown 20 a page; the page links keep the search."""
    for number in range(25):
        UserFactory(display_name=f"Ambtenaar {number:02d}")
    first = user_client.get(DIRECTORY_URL, {"q": "ambtenaar"})
    assert len(first.context["members"]) == 20
    assert "?page=2&amp;q=ambtenaar" in first.content.decode()
    second = user_client.get(DIRECTORY_URL, {"q": "ambtenaar", "page": 2})
    assert len(second.context["members"]) == 5
    assert user_client.get(DIRECTORY_URL, {"page": "999"}).status_code == HTTPStatus.OK
    assert user_client.get(DIRECTORY_URL, {"page": "x\x00"}).status_code == HTTPStatus.OK


def test_directory_queries_do_not_grow_with_members(user_client, organisation):
    """The directory costs the same number of queries with 3 or 30 members on the page."""
    user_client.get(DIRECTORY_URL)  # the first page notes the accepted terms in the session
    few = _count_queries(user_client, DIRECTORY_URL)
    for number in range(30):
        UserFactory(organisation=organisation if number % 2 else None, job_title="Adviseur")
    assert _count_queries(user_client, DIRECTORY_URL) == few
    # The logged-in member, their permissions (two), the count, one page of members with organisations.
    assert few <= 5


def test_members_find_the_directory_in_the_menu(client, user):
    """The header links to the directory for members, not for visitors."""
    home = reverse("forum:home")
    assert f'href="{DIRECTORY_URL}"' not in client.get(home).content.decode()
    client.force_login(user)
    assert f'href="{DIRECTORY_URL}"' in client.get(home).content.decode()


def test_a_profile_section_is_registered_once():
    """The forum adds its section to the profile once; a second registration of it is a mistake."""
    with pytest.raises(ImproperlyConfigured):
        profile_sections.register("forum/_profile_posts.html", context=lambda request, member: {})
