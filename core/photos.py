"""Photo checks for every service (report and proof photos, permit survey photos): by content, not by
name; size-limited (PHOTO_MAX_BYTES); metadata removed.

Every accepted photo is decoded and re-encoded, which drops EXIF (GPS
position, camera serial, owner name…) and anything hidden after the image
data. Only the orientation survives, applied to the pixels, so the photo
shows the right way up without any metadata at all.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out
LONGEST_SIDE = 2560  # larger photos are scaled down: detail enough for a pothole, light for phones


class CleanPhoto:
    def __init__(self, content, extension, width, height):
        self.content, self.extension, self.width, self.height = content, extension, width, height


def clean_photo(upload):
    """Check an uploaded file and return a CleanPhoto, or raise ValidationError in Bahasa Indonesia."""
    name = getattr(upload, "name", "foto")
    limit = settings.PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Foto '{name}' terlalu besar ({upload.size / 1_000_000:.1f} MB); paling besar {limit / 1_000_000:.0f} MB.",
            code="photo_too_large",
        )
    data = upload.read()
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(f"Foto '{name}' beresolusi terlalu tinggi.", code="photo_too_many_pixels")
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(f"Berkas '{name}' bukan foto JPEG, PNG atau WebP.", code="photo_format")
        image = Image.open(BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            f"Berkas '{name}' bukan foto JPEG, PNG atau WebP yang utuh.", code="photo_format"
        ) from None
    image = ImageOps.exif_transpose(image)
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    return CleanPhoto(_encode(image, image_format), ACCEPTED_FORMATS[image_format], image.width, image.height)


def _encode(image, image_format):
    out = BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue())


def check_photos(uploads, *, maximum):
    """Clean a list of uploads; all problems reported at once."""
    uploads = list(uploads or [])
    if len(uploads) > maximum:
        raise ValidationError(f"Paling banyak {maximum} foto.", code="too_many_photos")
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned
