"""
Members' photos: checked by opening them with Pillow, made square and small, and stored
without any metadata (no EXIF, no GPS position, no camera serial) under a random name.

``prepare_avatar`` raises ``ValidationError`` (with a code) for anything that is not a
usable photo, so a form shows it as a field error; ``profile_update`` stores the result.
"""

import uuid
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .models import User

AVATAR_SIZE = 256
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# What Pillow may try to read: no other decoders run on a member's upload.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Pillow's JPEG reader reports the multi-picture JPEG many phones write as MPO.
ACCEPTED_FORMATS = (*OPEN_FORMATS, "MPO")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"
JPEG_QUALITY = 85


class PreparedAvatar(ContentFile):
    """A photo ``prepare_avatar`` made: square, small, without metadata, with a random name."""


def prepare_avatar(upload) -> PreparedAvatar:
    """
    The uploaded photo as a new 256×256 PNG (when it has transparency) or JPEG with no
    metadata, turned upright as its EXIF orientation says. Raises ``ValidationError``.
    """
    size = getattr(upload, "size", None)
    if size is None or size > MAX_FILE_SIZE:
        raise ValidationError(
            _("The photo is too large: at most %(max)s, please choose a smaller file."),
            code="file_too_large",
            params={"max": filesizeformat(MAX_FILE_SIZE)},
        )
    try:
        upload.seek(0)
        image = _open(upload)
        image = _square(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError…) on damaged files.
        raise ValidationError(
            _("This file is not a photo we can use, or it is damaged. Upload a JPEG, PNG, WebP or GIF image."),
            code="invalid_image",
        ) from None
    return _encode(image)


def avatar_file_name(extension: str) -> str:
    """A random name, so the stored name says nothing about the upload or the member."""
    return f"{uuid.uuid4().hex}.{extension}"


def delete_avatar_file(name: str) -> None:
    """Remove a photo that is no longer used from storage."""
    if name:
        User._meta.get_field("avatar").storage.delete(name)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The photo has too many pixels: at most %(max)s million. Please choose a smaller image."),
        code="too_many_pixels",
        params={"max": MAX_PIXELS // 1_000_000},
    )


def _open(upload) -> Image.Image:
    # Pillow itself refuses more than twice its MAX_IMAGE_PIXELS (DecompressionBombError);
    # our own, lower limit is checked from the header, before anything is decoded.
    image = Image.open(upload, formats=OPEN_FORMATS)
    if image.format not in ACCEPTED_FORMATS:
        raise ValueError(image.format)
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise _too_many_pixels()
    if image.format in ("JPEG", "MPO"):
        # Let the decoder scale down while reading: far less memory for large photos.
        image.draft("RGB", (AVATAR_SIZE, AVATAR_SIZE))
    image.load()  # decodes the (first) frame: truncated or damaged files fail here
    return image


def _square(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: nothing of the original's metadata comes along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image) -> PreparedAvatar:
    output = BytesIO()
    if image.mode == "RGBA":
        image.save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        image.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        extension = "jpg"
    return PreparedAvatar(output.getvalue(), name=avatar_file_name(extension))
