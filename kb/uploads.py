"""Editors' images: checked, re-encoded and stored under a random name; served back inert.

Only raster images are taken (PNG, JPEG, GIF, WebP). The format is read from the bytes by
Pillow, never from the name or the client's content type, and the image is decoded and written
anew: whatever rode along (a script after the image data, EXIF with a location, comments, text
chunks) is dropped, and the stored name's extension is the detected format's. SVG, HTML and
everything else are refused with a message the editor can act on.
"""

import secrets
import warnings
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

UPLOAD_DIR = "uploads"
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # all frames together
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
NAME_PATTERN = r"[0-9a-f]{32}\.(?:png|jpg|gif|webp)"
# What a frame keeps: how it looks and moves. Metadata goes.
KEPT_INFO = ("transparency", "duration", "loop", "background")


class UploadRefused(ValueError):
    """The file is not an image this site takes; the message says why."""


def open_image(data):
    """The image in ``data``, its format detected from the bytes, or UploadRefused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(FORMATS))
            frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(
            "Only PNG, JPEG, GIF and WebP images can be uploaded, and this file is none of "
            "them (SVG is not taken: it can carry scripts)."
        ) from None
    if image.width * image.height * frames > MAX_PIXELS:
        raise UploadRefused(too_many_pixels())
    return image


def too_many_pixels():
    return (
        f"The image has too many pixels: at most {MAX_PIXELS // 1_000_000} million "
        "(all frames of an animation together). Scale it down and upload it again."
    )


def reencode(image):
    """The image decoded and written anew in its own format, without its metadata."""
    image_format = image.format
    if getattr(image, "n_frames", 1) == 1:
        # Photos stand the right way up once their EXIF orientation is gone.
        frames = [ImageOps.exif_transpose(image)]
        options = {}
    else:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
        options = {"save_all": True, "append_images": frames[1:]}
    for frame in frames:
        frame.info = {key: frame.info[key] for key in KEPT_INFO if key in frame.info}
    if image_format == "JPEG":
        options["quality"] = 90
        if frames[0].mode not in ("RGB", "L", "CMYK"):
            frames[0] = frames[0].convert("RGB")
    if image.info.get("icc_profile") and image_format != "GIF":
        options["icc_profile"] = image.info["icc_profile"]  # colours, not metadata
    out = BytesIO()
    frames[0].save(out, format=image_format, **options)
    return out.getvalue()


def store_image(upload):
    """Check, re-encode and store an uploaded image; its URL, or UploadRefused."""
    if upload.size > MAX_BYTES:
        raise UploadRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
            "Scale or compress it and upload it again."
        )
    image = open_image(upload.read())
    try:
        data = reencode(image)
    except (OSError, SyntaxError, ValueError):
        raise UploadRefused("The image is damaged or incomplete and cannot be read.") from None
    name = f"{UPLOAD_DIR}/{secrets.token_hex(16)}.{FORMATS[image.format]}"
    return default_storage.url(default_storage.save(name, ContentFile(data)))


def serve_upload(request, name):
    """An uploaded image, with headers that stop a browser from reading it as anything else.

    Names are random and never reused, so the file may be cached for good."""
    path = f"{UPLOAD_DIR}/{name}"
    if not default_storage.exists(path):
        raise Http404("No such image.")
    response = FileResponse(
        default_storage.open(path), content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def media_url_pattern():
    return rf"^{settings.MEDIA_URL.lstrip('/')}{UPLOAD_DIR}/(?P<name>{NAME_PATTERN})$"
