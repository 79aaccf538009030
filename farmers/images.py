"""Listing photos from a seller's phone: checked, made upright and clean, resized, rendered.

Pure functions on bytes and Pillow images, no models: the listing services call
`photo_validate` and `photo_normalise` while the upload is in hand (a refusal saves nothing),
store the normalised JPEG as the photo's original, and the renditions task later calls
`photo_renditions` on that JPEG and stores each WebP beside it in the county's media storage.

    validated = photo_validate(upload)          # ApplicationError(field="photo") on refusal
    normalised = photo_normalise(validated)     # .data (JPEG), .width, .height
    renditions = photo_renditions(normalised.data)   # {"thumb": Rendition, "card": ..., ...}

A ValidatedPhoto holds decoded pixels (up to 160 MB for a 40 MP PNG with alpha; 9 MB for a
12 MP JPEG): with several photos in one request, validate and normalise each in turn and keep
only the normalised bytes (under 1 MB each) until they are saved together.

Decisions worth knowing:
- Sizes and pixels are checked on the header before any pixel is decoded, so a 15 MB upload
  never costs more than MAX_PIXELS of memory. Pillow's own limit (`Image.MAX_IMAGE_PIXELS`,
  about 89.5 MP, more than twice ours) marks a decompression bomb: above it (where Pillow warns)
  or above twice it (where Pillow raises) the file is refused as one. The limit is checked
  here rather than by turning Pillow's warning into an error with `warnings.catch_warnings`,
  which changes process-wide state and is not thread-safe; the global is not lowered either,
  since Wagtail's images share it.
- The whole file is decoded during validation (a truncated upload only shows up there); JPEGs
  are decoded with `Image.draft` at the smallest DCT scale that still covers the stored size,
  and the decoded image is kept for `photo_normalise`, so each upload is decoded once.
- Phone JPEGs with a depth map or preview (Multi-Picture Format) open as "MPO" with two frames:
  they are JPEGs, not animations, and only the primary image is used.
- All metadata is dropped: EXIF (GPS, camera, time), XMP, comments. An embedded ICC profile
  (iPhones tag photos Display P3) is used to convert the pixels to sRGB and then dropped too;
  untagged images are sRGB on the web. A HEIF colour description given as NCLX rather than
  ICC is ignored (a small hue shift at worst).
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass, field
from typing import IO

import pillow_heif
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from core.errors import ApplicationError

# HEIC from iPhones opens as format "HEIF". Thumbnails, depth maps and auxiliary images are
# never used here, so they are not decoded.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
# Pillow's name for a JPEG carrying extra images (depth map, preview) -> the format it is.
FORMAT_ALIASES = {"MPO": "JPEG"}
MAX_PHOTOS_PER_LISTING = 6

# The stored original: enough for a zoomed product photo on any phone, about 0.5 MB. 2000
# rather than 2048 so the commonest upload, a 12 MP 4000x3000 phone JPEG, is decoded straight
# to its stored size at half DCT scale, with no resampling pass (about 3x faster).
ORIGINAL_MAX_SIDE = 2000
ORIGINAL_JPEG_QUALITY = 85
# Storefront renditions, longest side in pixels, never enlarged. Cheap phones have 720-1080 px
# wide screens: "large" fills the product page, "card" a half-width grid cell at 2x, "thumb"
# the seller's list and the cart.
RENDITION_SIZES = {"thumb": 240, "card": 480, "large": 1080}
WEBP_QUALITY = 78
# libwebp's effort, 0-6: 4 is its default, 6 saves ~3% for twice the time.
WEBP_METHOD = 4
BACKGROUND = (255, 255, 255)

PHOTO_NOT_AN_IMAGE = _("这个文件不是图片，请上传 JPEG、PNG、WebP 或 HEIC 格式的照片。")
PHOTO_DAMAGED = _("图片文件不完整或已损坏，请重新拍摄或重新上传。")
PHOTO_BOMB = _("图片的尺寸信息异常（远超任何相机照片），无法处理，请上传相机拍摄的照片。")
PHOTO_TOO_LARGE = _("照片不能超过 %(max_mb)s MB，请压缩后重新上传。")
PHOTO_TOO_MANY_PIXELS = _(
    "照片为 %(width)s×%(height)s 像素，超过 %(max_megapixels)s 百万像素的上限，"
    "请调低相机分辨率或缩小后重新上传。"
)
PHOTO_ANIMATED = _("不接受动图或多帧图片，请上传一张静态照片。")
PHOTO_FORMAT_NOT_ACCEPTED = _(
    "不接受 %(format)s 格式的图片，请上传 JPEG、PNG、WebP 或 HEIC 格式的照片。"
)
PHOTO_TOO_MANY = _("每个商品最多 %(max)s 张照片。")

_READ_CHUNK = 1024 * 1024
_SIXTEEN_BIT_GREY = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I"})
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class ValidatedPhoto:
    """An upload that passed every check, decoded (a JPEG possibly at a reduced DCT scale).

    `width`/`height` are the file's stored dimensions, before any EXIF rotation.
    """

    format: str  # one of ACCEPTED_FORMATS
    width: int
    height: int
    size_bytes: int
    image: Image.Image = field(repr=False, compare=False)


@dataclass(frozen=True)
class NormalisedPhoto:
    """The photo to store as the listing photo's original: upright sRGB JPEG, no metadata."""

    data: bytes = field(repr=False)
    width: int
    height: int
    content_type: str = "image/jpeg"
    extension: str = "jpg"


@dataclass(frozen=True)
class Rendition:
    """One storefront size of a photo, a WebP without metadata."""

    name: str  # a key of RENDITION_SIZES
    data: bytes = field(repr=False)
    width: int
    height: int
    content_type: str = "image/webp"
    extension: str = "webp"


def photo_validate(file: bytes | IO[bytes]) -> ValidatedPhoto:
    """Check an upload (bytes, a binary file, or a Django UploadedFile) and decode it.

    Raises ApplicationError(field="photo") with one of the PHOTO_* messages.
    """
    data = _read_bounded(file)
    if not data:
        raise ApplicationError(PHOTO_NOT_AN_IMAGE, field="photo")
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ApplicationError(PHOTO_NOT_AN_IMAGE, field="photo") from None
    except Image.DecompressionBombError:
        raise ApplicationError(PHOTO_BOMB, field="photo") from None
    except MemoryError:
        raise
    except Exception:  # Pillow's plugins raise OSError, SyntaxError, ValueError... on bad headers
        raise ApplicationError(PHOTO_DAMAGED, field="photo") from None

    width, height = image.size
    bomb_limit = Image.MAX_IMAGE_PIXELS
    if bomb_limit and width * height > bomb_limit:
        raise ApplicationError(PHOTO_BOMB, field="photo")
    image_format = FORMAT_ALIASES.get(image.format, image.format)
    if image.format not in FORMAT_ALIASES and getattr(image, "is_animated", False):
        raise ApplicationError(PHOTO_ANIMATED, field="photo")
    if image_format not in ACCEPTED_FORMATS:
        raise ApplicationError(
            PHOTO_FORMAT_NOT_ACCEPTED % {"format": image.format or "?"}, field="photo"
        )
    if width * height > MAX_PIXELS:
        raise ApplicationError(
            PHOTO_TOO_MANY_PIXELS
            % {"width": width, "height": height, "max_megapixels": MAX_PIXELS // 1_000_000},
            field="photo",
        )

    if image_format == "JPEG":
        # Decode only as many pixels as the stored original needs: 12-24 MP at half scale.
        image.draft(None, _fit(image.size, ORIGINAL_MAX_SIDE))
    try:
        image.load()  # every byte decoded: the only way to see a truncated file
    except MemoryError:
        raise
    except Exception:  # "image file is truncated", "broken data stream", decoder errors...
        raise ApplicationError(PHOTO_DAMAGED, field="photo") from None
    return ValidatedPhoto(
        format=image_format, width=width, height=height, size_bytes=len(data), image=image
    )


def photo_normalise(validated: ValidatedPhoto) -> NormalisedPhoto:
    """Upright, sRGB, at most ORIGINAL_MAX_SIDE px, progressive JPEG without any metadata.

    Does not change `validated.image`.
    """
    try:
        image = ImageOps.exif_transpose(validated.image)  # always a new image
    except Exception:  # EXIF Pillow cannot parse: not worth refusing the photo for
        image = validated.image.copy()
    icc_profile = image.info.get("icc_profile")
    image = _flatten(image)
    size = _fit(image.size, ORIGINAL_MAX_SIDE)
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    image = _to_srgb(image, icc_profile)
    image.info = {}  # Pillow's JPEG writer copies a comment from info
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=ORIGINAL_JPEG_QUALITY, progressive=True)
    return NormalisedPhoto(data=buffer.getvalue(), width=image.width, height=image.height)


def photo_renditions(original: bytes) -> dict[str, Rendition]:
    """The storefront WebPs of a normalised original (the JPEG from `photo_normalise`).

    Keys and order are those of RENDITION_SIZES; a photo smaller than a size keeps its own.
    Raises PIL errors for anything but a readable JPEG: the stored original is ours.
    """
    with Image.open(io.BytesIO(original), formats=["JPEG"]) as source:
        full_size = source.size
        source.draft("RGB", _fit(full_size, max(RENDITION_SIZES.values())))
        image = source.convert("RGB")
    image.info = {}
    renditions = {}
    # Largest first, each made from the one before: cheaper than from the original each time.
    for name, side in sorted(RENDITION_SIZES.items(), key=lambda item: -item[1]):
        size = _fit(full_size, side)
        if size != image.size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        renditions[name] = Rendition(
            name=name, data=buffer.getvalue(), width=image.width, height=image.height
        )
    return {name: renditions[name] for name in RENDITION_SIZES}


def photo_count_validate(*, existing: int, adding: int = 1) -> None:
    """Refuse taking a listing past MAX_PHOTOS_PER_LISTING photos."""
    if existing + adding > MAX_PHOTOS_PER_LISTING:
        raise ApplicationError(PHOTO_TOO_MANY % {"max": MAX_PHOTOS_PER_LISTING}, field="photo")


def rendition_filename(original_name: str, rendition_name: str) -> str:
    """Where a rendition is stored, beside its original: `a/b/x.jpg` -> `a/b/x_card.webp`."""
    stem, _extension = posixpath.splitext(original_name)
    return f"{stem}_{rendition_name}.webp"


def _read_bounded(file: bytes | IO[bytes]) -> bytes:
    """The upload's bytes, refusing one over MAX_UPLOAD_BYTES before reading it where the size
    is known (Django's UploadedFile.size, a seekable file), and never reading past the limit."""
    if isinstance(file, bytes | bytearray | memoryview):
        if len(file) > MAX_UPLOAD_BYTES:
            raise _too_large()
        return bytes(file)

    size = getattr(file, "size", None)
    seekable = getattr(file, "seekable", lambda: hasattr(file, "seek"))()
    if size is None and seekable:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _too_large()
    if seekable:
        file.seek(0)  # a form's ImageField may have read it already
    chunks, total = [], 0
    while total <= MAX_UPLOAD_BYTES:
        chunk = file.read(min(_READ_CHUNK, MAX_UPLOAD_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > MAX_UPLOAD_BYTES:  # the declared size was wrong, or there was none
        raise _too_large()
    return b"".join(chunks)


def _too_large() -> ApplicationError:
    return ApplicationError(
        PHOTO_TOO_LARGE % {"max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="photo"
    )


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """`size` scaled down (never up) so its longest side is at most `longest`, at least 1x1."""
    width, height = size
    scale = longest / max(width, height)
    if scale >= 1:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flatten(image: Image.Image) -> Image.Image:
    """One of RGB, L, CMYK (modes an ICC profile or convert("RGB") can take): transparency
    composited on white, 16-bit grey scaled to 8 bits."""
    if image.mode in _SIXTEEN_BIT_GREY:
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    if "A" in image.getbands():
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        flat.alpha_composite(rgba)
        return flat.convert("RGB")
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB pixels in sRGB: through the embedded profile when there is a usable one."""
    if icc_profile:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
                _SRGB,
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile, or one for another colour space: plain conversion below
        else:
            if converted is not None:
                return converted
    return image if image.mode == "RGB" else image.convert("RGB")
