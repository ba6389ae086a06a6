"""Editors' images: checked, re-encoded and stored under a random name; served back inert.

Only raster images are taken (PNG, JPEG, GIF, WebP). The format is read from the bytes by
Pillow, never from the name or the client's content type, and the image is decoded and written
anew: whatever rode along (a script after the image data, EXIF with a location, comments, text
chunks) is dropped, colours are taken to sRGB and the ICC profile dropped, and the stored
name's extension is the detected format's. Decoding is bounded: pixels of all frames together,
frames (counted before they are all decoded), and how long frames show. SVG, HTML, damaged files
and everything else are refused with a message the editor can act on.
"""

import secrets
import struct
import warnings
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

UPLOAD_DIR = "uploads"
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # all frames together
MAX_FRAMES = 1000
# How long a frame may show, and the whole animation (which stays under a GIF's 655 s, the most
# one frame can say: Pillow joins identical frames into one, adding up their times).
MAX_FRAME_MS = 60_000
MAX_ANIMATION_MS = 600_000
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
# A camera's multi-picture JPEG (stereo pairs, previews) is stored as a JPEG of its first picture.
STORED_AS = {"MPO": "JPEG"}
ANIMATED_FORMATS = ("PNG", "GIF", "WEBP")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
NAME_PATTERN = r"[0-9a-f]{32}\.(?:png|jpg|gif|webp)"
# What a frame keeps: how it looks and loops. Metadata goes; durations are set anew.
KEPT_INFO = ("transparency", "loop", "background")
SRGB = ImageCms.createProfile("sRGB")
# What Pillow raises on hostile or damaged bytes, besides OSError: its decoders and plugins
# fail in many ways (an IndexError from a GIF whose palette is cut short, struct.error, ...).
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


class UploadRefused(ValueError):
    """The file is not an image this site takes; the message says why."""


def open_image(data):
    """The image in ``data``, its format detected from the bytes, or UploadRefused."""
    try:
        image = Image.open(BytesIO(data), formats=list(FORMATS))
    except UnidentifiedImageError:
        raise UploadRefused(
            "Only PNG, JPEG, GIF and WebP images can be uploaded, and this file is none of "
            "them (SVG is not taken: it can carry scripts)."
        ) from None
    check_frames(image)
    return image


def check_frames(image):
    """UploadRefused unless the frames are within MAX_FRAMES and MAX_PIXELS.

    A GIF does not say how many frames it has: Pillow's ``n_frames`` reads to the end to count
    them (180,000 one-pixel frames fit in 4 MB), and seeking decodes each frame. So frames are
    counted one at a time, and counting stops at either limit."""
    frames = 1
    while True:
        if image.width * image.height * frames > MAX_PIXELS:
            raise UploadRefused(too_many_pixels())
        if frames > MAX_FRAMES:
            raise UploadRefused(
                f"The animation has too many frames: at most {MAX_FRAMES}. "
                "Shorten it and upload it again."
            )
        try:
            image.seek(frames)
        except EOFError:
            break
        frames += 1
    image.seek(0)


def too_many_pixels():
    return (
        f"The image has too many pixels: at most {MAX_PIXELS // 1_000_000} million "
        "(all frames of an animation together). Scale it down and upload it again."
    )


def stored_format(image):
    return STORED_AS.get(image.format, image.format)


def reencode(image):
    """The image decoded and written anew, in sRGB, without its metadata."""
    image_format = stored_format(image)
    profile = image.info.get("icc_profile")
    if image_format in ANIMATED_FORMATS and getattr(image, "n_frames", 1) > 1:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
        options = {"save_all": True, "duration": durations(frames)}
    else:
        # Photos stand the right way up once their EXIF orientation is gone.
        frames = [ImageOps.exif_transpose(image)]
        options = {}
    for index, frame in enumerate(frames):
        frames[index] = in_srgb(frame, profile)
        # A palette index for transparency means nothing once the palette is gone.
        kept = KEPT_INFO if frames[index].mode == frame.mode else ("loop",)
        frames[index].info = {key: frame.info[key] for key in kept if key in frame.info}
    if image_format == "JPEG":
        options["quality"] = 90
        if frames[0].mode not in ("RGB", "L", "CMYK"):
            frames[0] = frames[0].convert("RGB")
    out = BytesIO()
    frames[0].save(out, format=image_format, append_images=frames[1:], **options)
    return out.getvalue()


def durations(frames):
    """Each frame's time in milliseconds, at most MAX_FRAME_MS, the whole shortened in
    proportion to at most MAX_ANIMATION_MS."""
    times = [min(max(int(frame.info.get("duration") or 0), 0), MAX_FRAME_MS) for frame in frames]
    total = sum(times)
    if total > MAX_ANIMATION_MS:
        times = [time * MAX_ANIMATION_MS // total for time in times]
    return times


def in_srgb(frame, profile):
    """The frame with its colours taken from its ICC profile to sRGB, which browsers assume
    when a file has none; the profile itself is not kept (it can carry any bytes). A profile
    that cannot be read, or that does not fit the frame, is ignored."""
    if not profile:
        return frame
    if frame.mode not in ("RGB", "RGBA", "L", "CMYK"):
        frame = frame.convert("RGBA" if frame.has_transparency_data else "RGB")
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(profile))
        output_mode = "RGBA" if frame.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(frame, source, SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, *DECODING_ERRORS):
        return frame


def store_image(upload):
    """Check, re-encode and store an uploaded image; its URL, or UploadRefused."""
    if upload.size > MAX_BYTES:
        raise UploadRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
            "Scale or compress it and upload it again."
        )
    with warnings.catch_warnings():
        # Pillow warns of what it works around (an APNG it reads as its first picture); a
        # decompression bomb's warning refuses the file.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_image(upload.read())
            data = reencode(image)
        except UploadRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused(too_many_pixels()) from None
        except DECODING_ERRORS:
            raise UploadRefused("The image is damaged or incomplete and cannot be read.") from None
    name = f"{UPLOAD_DIR}/{secrets.token_hex(16)}.{FORMATS[stored_format(image)]}"
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
