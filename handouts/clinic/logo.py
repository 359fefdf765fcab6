"""A clinic's logo: an untrusted file, made safe to print.

This is the part of the clinic profile that reads files a user names, so it is
kept on its own to be reviewed on its own. A logo is read with a size limit
(`read_bounded`: never a device, a FIFO or a folder), and only from the folder
of the profile or CSV file that names it unless the user says otherwise. A PNG
or JPEG is decoded whole, after a check of its pixel count that refuses
decompression bombs, and scaled down to what print needs. An SVG is parsed with
defusedxml (no DOCTYPE, entities or deep nesting) and cleaned of scripts, event
handlers and references outside itself; it is never fetched from anywhere. The
result is a data: URI, cached per file and version.
"""

from __future__ import annotations

import base64
import io
import os
import re
import stat
import threading
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as defused  # noqa: N813 - beside xml.etree.ElementTree
from defusedxml import DefusedXmlException
from PIL import Image

from .profile import ProfileError

MAX_LOGO_BYTES = 2_000_000
LOGO_MAX_PIXELS = 1200  # longest side: 600 dpi at the 2 in a logo is printed at, at most
MAX_LOGO_DECODED_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SVG_DEPTH = 64

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SERIALIZE = threading.Lock()


def _svg_bytes(root: ElementTree.Element) -> bytes:
    """The cleaned SVG as bytes, always `<svg ...>` with `xlink:`: ElementTree's
    prefixes are process-global, and other code changes them (qrcode registers
    `svg:` for the SVG namespace, WeasyPrint and pikepdf their XMP prefixes), so
    the same logo would otherwise give other bytes (and another profile digest)
    after a QR code was made in the same process."""
    with _SERIALIZE:
        ElementTree.register_namespace("", SVG_NS)
        ElementTree.register_namespace("xlink", XLINK_NS)
        return ElementTree.tostring(root)


_UNSAFE_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set"}


def clean_svg(data: bytes, where: str) -> tuple[bytes, list[str]]:
    """An SVG with no scripts, event handlers or references outside itself.
    Parsed with defusedxml, whatever its encoding: a DOCTYPE, entities or
    external references are refused, and so is nesting deeper than MAX_SVG_DEPTH."""
    try:
        root = defused.fromstring(data)
    except DefusedXmlException:
        raise ProfileError(f"{where}: the SVG logo declares a DOCTYPE or entities; save it as plain SVG.") from None
    except ElementTree.ParseError as exc:
        raise ProfileError(f"{where}: the SVG logo is not valid XML ({exc}).") from None
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            raise ProfileError(
                f"{where}: the SVG logo nests elements more than {MAX_SVG_DEPTH} deep; "
                "export it again as a simple SVG (or use a PNG)."
            )
        stack.extend((child, depth + 1) for child in element)
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise ProfileError(f"{where}: the logo file is not an SVG image.")
    removed: list[str] = []
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.split("}")[-1] in _UNSAFE_TAGS:
                parent.remove(child)
                removed.append(f"<{child.tag.split('}')[-1]}> element")
    outside = []  # elements that pointed outside the file: dropped whole below
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            local = name.split("}")[-1]
            if local.lower().startswith("on"):
                del element.attrib[name]
                removed.append(f"{local} attribute")
            elif local == "href" and not value.startswith("#"):
                del element.attrib[name]
                removed.append(f"link to {value[:60]}")
                outside.append(element)
            elif re.search(r"url\(\s*['\"]?(?!#)", value):
                del element.attrib[name]
                removed.append(f"{local} with an outside url()")
        if element.tag.split("}")[-1] == "style" and element.text and re.search(r"url\((?!#)|@import", element.text):
            element.text = ""
            removed.append("stylesheet with outside references")
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in outside:
        if element in parents:
            parents[element].remove(element)
    return _svg_bytes(root), removed


def read_bounded(path: Path, limit: int, what: str, where: str) -> bytes:
    """A regular file's bytes, refused before reading when it is too big (and
    never a device, a FIFO or a folder)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ProfileError(f"{where}: {path} is not a regular file; give the path of the {what} file.")
        if info.st_size > limit:
            raise ProfileError(
                f"{where}: the {what} {path.name} is {info.st_size / 1e6:.1f} MB; use one under {limit / 1e6:g} MB."
            )
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read the {what} file {path} ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise ProfileError(f"{where}: the {what} {path.name} is over {limit / 1e6:g} MB.")
    return data


def _raster(data: bytes, kind: str, where: str) -> bytes:
    """Decode the whole image (a truncated file is an error, not a grey patch),
    then scale it down to what print needs."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_LOGO_DECODED_PIXELS:
                raise ProfileError(
                    f"{where}: the logo is {probe.width} x {probe.height} pixels; "
                    f"use one under {LOGO_MAX_PIXELS * 4} pixels wide."
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ProfileError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ProfileError(
            f"{where}: the logo image is damaged or cut short ({type(exc).__name__}); export it again."
        ) from None
    if max(image.size) <= LOGO_MAX_PIXELS:
        return data
    image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
    buffer = io.BytesIO()
    if kind == "image/jpeg":
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


_LOGOS: dict[tuple[Path, tuple[int, int]], tuple[str, tuple[str, ...]]] = {}


def _logo_cached(path: Path, where: str, stamp: tuple[int, int]) -> tuple[str, tuple[str, ...]]:
    """One checked copy per logo file and version, however many rows name it."""
    if (path, stamp) not in _LOGOS:
        _LOGOS[(path, stamp)] = _logo_data(path, where)
    return _LOGOS[(path, stamp)]


def _logo_data(path: Path, where: str) -> tuple[str, tuple[str, ...]]:
    data = read_bounded(path, MAX_LOGO_BYTES, "logo", where)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, notes = "image/png", list[str]()
        data = _raster(data, kind, where)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, notes = "image/jpeg", []
        data = _raster(data, kind, where)
    elif (
        path.suffix.lower() == ".svg"
        or data.lstrip().startswith((b"<svg", b"<?xml"))
        or data[:2] in (b"\xff\xfe", b"\xfe\xff")
    ):
        data, notes = clean_svg(data, where)
        kind = "image/svg+xml"
    else:
        raise ProfileError(f"{where}: the logo must be a PNG, JPEG or SVG file.")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}", tuple(notes)


def checked_logo(path: Path, where: str, base: Path, anywhere: bool = False) -> tuple[str, list[str]]:
    """The checked logo as a data: URI, and what cleaning it removed. Each file
    is read once per run (a batch of offices sharing one logo loads it once).
    Unless `anywhere`, the file must be inside the folder of the profile or CSV
    file that names it."""
    try:
        resolved = path.resolve()
        if not anywhere and not resolved.is_relative_to(base.resolve()):
            raise ProfileError(
                f"{where}: the logo {path} is outside {base}; put it in that folder "
                "(or pass --logo-anywhere if you trust where it points)."
            )
        info = os.stat(resolved)
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read the logo file {path} ({exc.strerror or exc}).") from None
    uri, notes = _logo_cached(resolved, where, (info.st_mtime_ns, info.st_size))
    return uri, list(notes)
