"""A clinic's logo: an untrusted file, made safe to print.

This is the part of the clinic profile that reads files a user names, so it is
kept on its own to be reviewed on its own. A logo is read with a size limit
(`read_bounded`: never a device, a FIFO or a folder), and only from the folder
of the profile or CSV file that names it unless the user says otherwise. A PNG
or JPEG is decoded whole, after a check of its pixel count that refuses
decompression bombs, and scaled down to what print needs. An SVG is parsed with
defusedxml (no DOCTYPE, entities or deep nesting), bounded in what it draws
(`svg_cost`: elements, and every `<use>`, `url(#...)` and `href="#..."`
expanded, so a file of a few KB that draws a billion shapes is refused before
anything renders it), and cleaned of scripts, event handlers and references
outside itself; it is never fetched from anywhere. The result is a data: URI,
cached per file and version (`MAX_CACHED_BYTES` in all, least recently used
dropped first).
"""

from __future__ import annotations

import base64
import io
import os
import re
import stat
import threading
from collections import OrderedDict
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as defused  # noqa: N813 - beside xml.etree.ElementTree
from defusedxml import DefusedXmlException
from PIL import Image

from ..words import _
from .profile import ProfileError

MAX_LOGO_BYTES = 2_000_000
LOGO_MAX_PIXELS = 1200  # longest side: 600 dpi at the 2 in a logo is printed at, at most
MAX_LOGO_DECODED_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SVG_DEPTH = 64
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DRAWN = 100_000  # elements drawn (a path counts one per 50 characters of its data), references expanded
MAX_CACHED_BYTES = 64_000_000

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


_REFERENCE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")
_LEAF_PAINT = {"linearGradient", "radialGradient", "stop", "filter"}  # draw nothing of their own


def svg_cost(root: ElementTree.Element, where: str) -> int:
    """How much the SVG draws, with every reference expanded: each element
    counts 1 (a path or polygon 1 more per 50 characters of its data), and
    each `<use>`, `href="#id"` or `url(#id)` counts what it points to again.
    A `url(#id)` in a `<style>` element may apply to any element, so it is
    counted for each one (gradients and filters, which draw no shapes, once).
    A reference loop, or a cost over MAX_SVG_DRAWN, is a ProfileError."""
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    elements = sum(1 for _ in root.iter())
    if elements > MAX_SVG_ELEMENTS:
        message = _("the SVG logo has %(count)s elements (at most %(limit)s); simplify it, or use a PNG.") % {
            "count": f"{elements:,}",
            "limit": f"{MAX_SVG_ELEMENTS:,}",
        }
        raise ProfileError(f"{where}: {message}")
    styled: list[str] = []  # ids a stylesheet refers to
    for element in root.iter():
        if element.tag.split("}")[-1] == "style" and element.text:
            styled += _REFERENCE.findall(element.text)
    everywhere = [i for i in styled if i in ids and ids[i].tag.split("}")[-1] not in _LEAF_PAINT]
    once = [i for i in styled if i in ids and i not in everywhere]
    costs: dict[ElementTree.Element, int] = {}
    visiting: set[ElementTree.Element] = set()

    def too_much() -> ProfileError:
        message = _(
            "the SVG logo repeats its shapes so often (through <use>, patterns or masks) that it would draw over "
            "%(limit)s of them and take very long to print; export it again without nested copies, or use a PNG."
        ) % {"limit": f"{MAX_SVG_DRAWN:,}"}
        return ProfileError(f"{where}: {message}")

    def cost(element: ElementTree.Element, depth: int) -> int:
        if element in costs:
            return costs[element]
        if element in visiting or depth > 4 * MAX_SVG_DEPTH:
            message = _(
                "the SVG logo refers to itself in a loop (or through too many steps); export it again, or use a PNG."
            )
            raise ProfileError(f"{where}: {message}")
        visiting.add(element)
        total = 1 + (len(element.get("d", "")) + len(element.get("points", ""))) // 50
        targets = []
        for name, value in element.attrib.items():
            if name.split("}")[-1] == "href" and value.startswith("#"):
                targets.append(value[1:])
            targets += _REFERENCE.findall(value)
        targets += [i for i in everywhere if ids[i] not in visiting]  # a selector cannot match what it paints
        for child in element:
            total += cost(child, depth + 1)
            if total > MAX_SVG_DRAWN:
                raise too_much()
        for target in targets:
            if target in ids:
                total += cost(ids[target], depth + 1)
            if total > MAX_SVG_DRAWN:
                raise too_much()
        visiting.discard(element)
        costs[element] = total
        return total

    total = cost(root, 0) + sum(cost(ids[i], 0) for i in once)
    if total > MAX_SVG_DRAWN:
        raise too_much()
    return total


_UNSAFE_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set"}


def clean_svg(data: bytes, where: str) -> tuple[bytes, list[str]]:
    """An SVG with no scripts, event handlers or references outside itself.
    Parsed with defusedxml, whatever its encoding: a DOCTYPE, entities or
    external references are refused, and so is nesting deeper than MAX_SVG_DEPTH."""
    try:
        root = defused.fromstring(data)
    except DefusedXmlException:
        message = _("the SVG logo declares a DOCTYPE or entities; save it as plain SVG.")
        raise ProfileError(f"{where}: {message}") from None
    except ElementTree.ParseError as exc:
        message = _("the SVG logo is not valid XML (%(error)s).") % {"error": exc}
        raise ProfileError(f"{where}: {message}") from None
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            message = _(
                "the SVG logo nests elements more than %(limit)s deep; export it again as a simple SVG (or use a PNG)."
            ) % {"limit": MAX_SVG_DEPTH}
            raise ProfileError(f"{where}: {message}")
        stack.extend((child, depth + 1) for child in element)
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise ProfileError(f"{where}: " + _("the logo file is not an SVG image."))
    svg_cost(root, where)
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
            message = _("the file %(name)s is %(size)s MB; use one under %(limit)s MB.") % {
                "name": path.name,
                "size": f"{info.st_size / 1e6:.1f}",
                "limit": f"{limit / 1e6:g}",
            }
            raise ProfileError(f"{where}: {message}")
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read the {what} file {path} ({exc.strerror or exc}).") from None
    if len(data) > limit:
        message = _("the file %(name)s is over %(limit)s MB.") % {"name": path.name, "limit": f"{limit / 1e6:g}"}
        raise ProfileError(f"{where}: {message}")
    return data


def _raster(data: bytes, kind: str, where: str) -> bytes:
    """Decode the whole image (a truncated file is an error, not a grey patch),
    then scale it down to what print needs."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_LOGO_DECODED_PIXELS:
                message = _("the logo is %(width)s x %(height)s pixels; use one under %(limit)s pixels wide.") % {
                    "width": probe.width,
                    "height": probe.height,
                    "limit": LOGO_MAX_PIXELS * 4,
                }
                raise ProfileError(f"{where}: {message}")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ProfileError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        message = _("the logo image is damaged or cut short (%(error)s); export it again.") % {
            "error": type(exc).__name__
        }
        raise ProfileError(f"{where}: {message}") from None
    if max(image.size) <= LOGO_MAX_PIXELS:
        return data
    image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
    buffer = io.BytesIO()
    if kind == "image/jpeg":
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


_LOGOS: OrderedDict[tuple[Path, tuple[int, int]], tuple[str, tuple[str, ...]]] = OrderedDict()
_LOGOS_LOCK = threading.Lock()


def _logo_cached(path: Path, where: str, stamp: tuple[int, int]) -> tuple[str, tuple[str, ...]]:
    """One checked copy per logo file and version, however many rows name it;
    at most MAX_CACHED_BYTES of them, the least recently used dropped first."""
    key = (path, stamp)
    with _LOGOS_LOCK:
        if key in _LOGOS:
            _LOGOS.move_to_end(key)
            return _LOGOS[key]
    found = _logo_data(path, where)
    with _LOGOS_LOCK:
        _LOGOS[key] = found
        while sum(len(uri) for uri, _ in _LOGOS.values()) > MAX_CACHED_BYTES and len(_LOGOS) > 1:
            _LOGOS.popitem(last=False)
    return found


def logo_bytes(data: bytes, where: str, svg_name: bool = False) -> tuple[str, bytes, list[str]]:
    """(MIME type, the bytes to print, what cleaning removed) of a logo file's
    bytes: a PNG or JPEG decoded whole and scaled down, an SVG checked and
    cleaned. `svg_name`: the file is named .svg."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", _raster(data, "image/png", where), []
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", _raster(data, "image/jpeg", where), []
    if svg_name or data.lstrip().startswith((b"<svg", b"<?xml", b"<!--")) or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        cleaned, notes = clean_svg(data, where)
        return "image/svg+xml", cleaned, notes
    raise ProfileError(f"{where}: " + _("the logo must be a PNG, JPEG or SVG file."))


def logo_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _logo_data(path: Path, where: str) -> tuple[str, tuple[str, ...]]:
    data = read_bounded(path, MAX_LOGO_BYTES, "logo", where)
    kind, data, notes = logo_bytes(data, where, path.suffix.lower() == ".svg")
    return logo_uri(kind, data), tuple(notes)


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
