"""Image uploads from the Markdown editor: staff only, raster images only, re-encoded, inert."""

import random
import re
import struct
import zlib
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from kb.catalogue.editors import EDITORS
from kb.catalogue.uploads import MAX_FRAMES
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/admin/markdownx/upload/"


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def image_bytes(image_format, size=(8, 6), mode="RGB", **save_options):
    out = BytesIO()
    Image.new(mode, size, "teal").save(out, format=image_format, **save_options)
    return out.getvalue()


def post(client, name, data, content_type="image/png"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    # As the markdownx widget sends it.
    return client.post(URL, {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"})


def test_the_widget_posts_to_our_view():
    assert reverse("markdownx_upload") == URL
    from markdownx.settings import MARKDOWNX_UPLOAD_URLS_PATH, MARKDOWNX_URLS_PATH

    assert MARKDOWNX_UPLOAD_URLS_PATH == URL
    assert reverse("markdownx_markdownify") == MARKDOWNX_URLS_PATH


@pytest.mark.parametrize(
    ("image_format", "extension", "content_type"),
    [
        ("PNG", "png", "image/png"),
        ("JPEG", "jpg", "image/jpeg"),
        ("GIF", "gif", "image/gif"),
        ("WEBP", "webp", "image/webp"),
    ],
)
def test_an_image_is_stored_under_a_random_name_and_served_inert(
    editor_client, media_root, image_format, extension, content_type
):
    # The client's name and type lie; the bytes decide.
    response = post(editor_client, "holiday.html", image_bytes(image_format), "text/html")
    assert response.status_code == 200
    code = response.json()["image_code"]
    match = re.fullmatch(r"!\[\]\((/media/uploads/([0-9a-f]{32})\.(\w+))\)", code)
    assert match, code
    url, _, stored_extension = match.groups()
    assert stored_extension == extension
    assert stored_files(media_root) == [url.removeprefix("/media/")]

    served = Client().get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    with Image.open(BytesIO(b"".join(served.streaming_content))) as image:
        assert image.format == image_format
        assert image.size == (8, 6)


def test_metadata_is_stripped_and_photos_stand_upright(editor_client, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[0x010E] = "secret description"
    response = post(editor_client, "photo.jpg", image_bytes("JPEG", exif=exif.tobytes()))
    (name,) = stored_files(media_root)
    data = (media_root / name).read_bytes()
    assert b"secret description" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.size == (6, 8)
        assert not image.getexif()
    assert response.status_code == 200

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret author")
    post(editor_client, "x.png", image_bytes("PNG", pnginfo=info))
    gif = post(editor_client, "x.gif", image_bytes("GIF", comment=b"secret comment"))
    assert gif.status_code == 200
    for name in stored_files(media_root):
        assert b"secret" not in (media_root / name).read_bytes(), name


def test_an_animation_keeps_its_frames(editor_client, media_root):
    frames = [Image.new("RGB", (4, 4), colour) for colour in ("red", "green", "blue")]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert post(editor_client, "a.gif", out.getvalue()).status_code == 200
    (name,) = stored_files(media_root)
    with Image.open(media_root / name) as image:
        assert image.n_frames == 3


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("drawing.svg", SVG, "image/svg+xml"),
        ("drawing.png", SVG, "image/png"),
        ("page.png", HTML, "image/png"),
        ("page.gif", b"GIF89a" + HTML, "image/gif"),
        ("notes.txt", b"just text", "text/plain"),
        ("empty.png", b"", "image/png"),
        ("scan.bmp", image_bytes("BMP"), "image/bmp"),
        ("scan.tiff", image_bytes("TIFF"), "image/tiff"),
        ("icon.ico", image_bytes("ICO"), "image/x-icon"),
    ],
)
def test_anything_but_a_raster_image_is_refused(
    editor_client, media_root, name, data, content_type
):
    response = post(editor_client, name, data, content_type)
    assert response.status_code == 400
    (message,) = response.json()["image"]
    assert "Only PNG, JPEG, GIF and WebP images can be uploaded" in message
    assert stored_files(media_root) == []


def test_a_truncated_image_is_refused(editor_client, media_root):
    data = image_bytes("PNG", size=(200, 200))
    response = post(editor_client, "cut.png", data[: len(data) // 2])
    assert response.status_code == 400
    assert stored_files(media_root) == []


def test_a_file_over_5_mb_is_refused(editor_client, media_root):
    noise = Image.frombytes("L", (2400, 2400), bytes(range(256)) * 22500)
    out = BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > 5 * 1024 * 1024
    response = post(editor_client, "huge.png", out.getvalue())
    assert response.status_code == 400
    assert "larger than 5 MB" in response.json()["image"][0]
    assert stored_files(media_root) == []


def png_claiming(width, height):
    """A few bytes of PNG whose header claims a huge image: a decompression bomb's shape."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 2)  # two rows; the rest would follow
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(8000, 5001), (10000, 10000), (20000, 20000)])
def test_too_many_pixels_is_refused_before_decoding(editor_client, media_root, size):
    data = png_claiming(*size)
    assert len(data) < 100_000
    response = post(editor_client, "bomb.png", data)
    assert response.status_code == 400
    assert "too many pixels" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_a_post_without_a_file_gets_a_message(editor_client):
    response = editor_client.post(URL, {}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 400
    assert response.json() == {"image": ["Choose an image file to upload."]}


@pytest.mark.parametrize(
    "who", ["anonymous", "not staff", "inactive staff", "staff outside the Editors group"]
)
def test_only_editors_may_upload_and_nothing_is_written_otherwise(client, media_root, who):
    if who != "anonymous":
        user = UserFactory(is_staff=who != "not staff", is_active=who != "inactive staff")
        if who == "inactive staff":
            user.groups.add(Group.objects.get(name=EDITORS))
        client.force_login(user)
    assert post(client, "x.png", image_bytes("PNG")).status_code == 403
    assert client.post(reverse("markdownx_markdownify"), {"content": "x"}).status_code == 403
    assert stored_files(media_root) == []


@pytest.mark.parametrize("who", ["editor", "superuser", "staff who may change comparison cells"])
def test_whoever_may_change_some_markdown_may_preview_and_upload(client, media_root, who):
    user = UserFactory(is_staff=True, is_superuser=who == "superuser")
    if who == "editor":
        user.groups.add(Group.objects.get(name=EDITORS))
    elif who != "superuser":
        user.user_permissions.add(Permission.objects.get(codename="change_comparisoncell"))
    client.force_login(user)
    assert post(client, "x.png", image_bytes("PNG")).status_code == 200
    preview = client.post(reverse("markdownx_markdownify"), {"content": "**hi**"})
    assert preview.status_code == 200
    assert "<strong>hi</strong>" in preview.content.decode()


def test_upload_and_preview_refuse_get(editor_client):
    assert editor_client.get(URL).status_code == 405
    assert editor_client.get(reverse("markdownx_markdownify")).status_code == 405


def test_media_outside_uploads_or_with_other_names_is_not_served(client, media_root):
    (media_root / "uploads").mkdir()
    (media_root / "uploads" / "page.html").write_bytes(HTML)
    (media_root / "secret.txt").write_text("x")
    for url in ["/media/uploads/page.html", "/media/secret.txt", "/media/uploads/../secret.txt"]:
        assert client.get(url).status_code == 404
    assert client.get("/media/uploads/" + "0" * 32 + ".png").status_code == 404


def stored_image(media_root):
    (name,) = stored_files(media_root)
    return Image.open(media_root / name)


def gif_of_frames(count, delay_centiseconds=10):
    """A GIF of ``count`` identical 1-pixel frames, written byte by byte (Pillow would join
    identical frames, and cannot write the delays this builds)."""
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    control = b"\x21\xf9\x04\x00" + struct.pack("<H", delay_centiseconds) + b"\x00\x00"
    picture = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return header + loop + (control + picture) * count + b"\x3b"


def animation_bytes(image_format, count=3, **save_options):
    frames = [Image.new("RGB", (4, 4), (index * 40 % 256, 80, 160)) for index in range(count)]
    out = BytesIO()
    frames[0].save(out, image_format, save_all=True, append_images=frames[1:], **save_options)
    return out.getvalue()


def test_a_multi_picture_jpeg_is_stored_as_its_first_picture(editor_client, media_root):
    # Cameras write stereo pairs and previews as MPO: a JPEG with more pictures after it.
    out = BytesIO()
    first, second = Image.new("RGB", (8, 6), "teal"), Image.new("RGB", (8, 6), "red")
    first.save(out, "MPO", save_all=True, append_images=[second])
    response = post(editor_client, "stereo.jpg", out.getvalue(), "image/jpeg")
    assert response.status_code == 200, response.content
    assert response.json()["image_code"].endswith(".jpg)")
    with stored_image(media_root) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == (8, 6)


@pytest.mark.parametrize(("count", "shown_ms"), [(2, (120_000,)), (900, range(590_000, 600_001))])
def test_frame_durations_are_kept_within_bounds(editor_client, media_root, count, shown_ms):
    # 655 s a frame, the most a GIF can say: a minute at most is kept, ten for the whole.
    # (Pillow writes identical frames as one, adding their times up.)
    response = post(editor_client, "slow.gif", gif_of_frames(count, delay_centiseconds=65535))
    assert response.status_code == 200, response.content
    with stored_image(media_root) as image:
        durations = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            durations.append(image.info["duration"])
    assert sum(durations) in shown_ms


def test_an_animation_with_too_many_frames_is_refused_before_decoding_them_all(
    editor_client, media_root
):
    frames = 20 * MAX_FRAMES
    data = gif_of_frames(frames)
    assert len(data) < 1024 * 1024
    response = post(editor_client, "long.gif", data, "image/gif")
    assert response.status_code == 400
    assert response.json() == {
        "image": [
            f"The animation has too many frames: at most {MAX_FRAMES}. "
            "Shorten it and upload it again."
        ]
    }
    assert stored_files(media_root) == []
    assert post(editor_client, "short.gif", gif_of_frames(MAX_FRAMES)).status_code == 200


SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.mark.parametrize(
    ("image_format", "profile"),
    [
        ("JPEG", b"arbitrary bytes"),
        ("JPEG", SRGB),
        ("PNG", b"arbitrary bytes"),
        ("PNG", SRGB),
        ("WEBP", SRGB),
    ],
)
def test_colour_profiles_are_applied_and_dropped(editor_client, media_root, image_format, profile):
    data = image_bytes(
        image_format, icc_profile=profile, **({"quality": 100} if image_format != "PNG" else {})
    )
    assert post(editor_client, "x", data).status_code == 200
    (name,) = stored_files(media_root)
    assert profile not in (media_root / name).read_bytes()
    with stored_image(media_root) as image:
        assert "icc_profile" not in image.info
        red, green, blue = image.convert("RGB").getpixel((4, 3))
        assert abs(red - 0) + abs(green - 128) + abs(blue - 128) < 12  # teal, as it was


def png_with_text(size, chunks=1):
    info = PngImagePlugin.PngInfo()
    for _ in range(chunks):
        info.add_text("Comment", "x" * size, zip=True)
    return image_bytes("PNG", pnginfo=info)


HOSTILE = {
    "huge text chunk": png_with_text(20 * 1024 * 1024),
    "many text chunks": png_with_text(1024, chunks=3000),
    "APNG": animation_bytes("PNG", duration=[100, 65_535_000, 100], loop=0),
    "animated WebP": animation_bytes("WEBP", duration=[100, 2**23, 50], loop=0),
    "animated GIF, one frame": animation_bytes("GIF", count=1),
    "bomb": png_claiming(30000, 30000),
    "palette PNG with transparency and a profile": image_bytes(
        "PNG", mode="P", transparency=0, icc_profile=SRGB
    ),
    "GIF with a profile": animation_bytes("GIF", icc_profile=SRGB, transparency=0),
    "CMYK JPEG with a profile": image_bytes("JPEG", mode="CMYK", icc_profile=SRGB),
    "GIF claiming a huge screen": gif_of_frames(1)[:6]
    + struct.pack("<HH", 65535, 65535)
    + gif_of_frames(1)[10:],
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_images_end_as_an_image_or_a_message(editor_client, media_root, case):
    response = post(editor_client, "x", HOSTILE[case])
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        (message,) = response.json()["image"]
        assert message.endswith(".")
        assert stored_files(media_root) == []
    else:
        with stored_image(media_root) as image:
            image.load()


SOUND_IMAGES = {
    "PNG": image_bytes("PNG", size=(40, 30)),
    "JPEG": image_bytes("JPEG", size=(40, 30)),
    "GIF": animation_bytes("GIF", duration=100),
    "WEBP": animation_bytes("WEBP", duration=100),
    "APNG": animation_bytes("PNG", duration=100),
    "MPO": image_bytes("MPO", size=(40, 30)),
}


@pytest.mark.parametrize("image_format", SOUND_IMAGES)
def test_damaged_images_end_as_an_image_or_a_message(editor_client, media_root, image_format):
    """Truncated anywhere or with bytes changed: never an error page."""
    data = SOUND_IMAGES[image_format]
    variants = [data[:cut] for cut in range(8, len(data), max(1, len(data) // 40))]
    rng = random.Random(f"{image_format}-12")
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    for variant in variants:
        response = post(editor_client, "x", variant)
        assert response.status_code in (200, 400), (variant, response.content)
