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

FieldPath = tuple[Any, ...]


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


def load_yaml(path: Path) -> YamlDoc:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not valid UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    doc = YamlDoc(path=path, data=None)
    try:
        loader = yaml.SafeLoader(text)
        try:
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
