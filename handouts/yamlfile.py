"""Read a YAML file into plain Python data, remembering the line of every field.

Errors name the file and line, so a person editing a content file in a text
editor can find the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError

# libyaml's parser when PyYAML was built with it (the wheels are): the same
# events, nodes and marks, about 25 times faster than the pure-Python one.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FieldPath = tuple[str | int, ...]  # ('sections', 2, 'text'): mapping keys and list indexes


@dataclass
class YamlDoc:
    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def where(self, *field_path: Any) -> str:
        """'file:line (field a.b[2])' for messages; the nearest known line."""
        probe = tuple(field_path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        dotted = format_field(field_path)
        return f"{self.path}:{line}" + (f" (field {dotted})" if dotted else "")


def field_value(data: Any, field_path: FieldPath) -> Any:
    """The value at a field path ('sections', 2, 'text') in loaded data; None if there is none."""
    for part in field_path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def format_field(field_path: FieldPath) -> str:
    out = ""
    for part in field_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _to_python(node: yaml.Node, doc: YamlDoc, here: FieldPath, constructor: yaml.SafeLoader) -> Any:
    doc.lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if key in result:
                raise ContentError(
                    f"{doc.path}:{key_node.start_mark.line + 1}: the key '{key}' appears twice; keep one."
                )
            result[key] = _to_python(value_node, doc, here + (key,), constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, doc, here + (i,), constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


MAX_YAML_BYTES = 1_000_000  # the biggest content file is a few KB; a megabyte is not a translation


def _reject_aliases(text: str, path: Path) -> None:
    """Refuse YAML aliases: a few lines of nested aliases expand to gigabytes
    (every alias is a copy), and no content file needs them. Read as a stream
    of events, so nothing is expanded while looking."""
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentError(
                f"{path}:{event.start_mark.line + 1 if event.start_mark else '?'}: "
                f"YAML aliases (*{event.anchor}) are not allowed in "
                "content files; write the text out in full."
            )


def load_yaml(path: Path) -> YamlDoc:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ContentError(
                f"{path}: {size:,} bytes is too big for a content file "
                f"(at most {MAX_YAML_BYTES:,}); is it the right file?"
            )
        if not path.is_file():
            raise ContentError(f"{path}: not a regular file.")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not valid UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    doc = YamlDoc(path=path, data=None)
    try:
        loader = Loader(text)
        try:
            _reject_aliases(text, path)
            node = loader.get_single_node()
            doc.data = None if node is None else _to_python(node, doc, (), loader)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(
            f"{path}{line}: this is not valid YAML ({problem}). "
            "Check the indentation, and put quotes around text that contains ': '."
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: this is not valid YAML ({exc}).") from None
    return doc
