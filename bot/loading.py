"""Read `rules/` and `knowledge/` once at start-up into frozen models.

Every failure names the file, the document (when there is one) and the field, because the people
who edit these files are lawyers and helpdesk leads, not Python programmers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.datadirs import shipped
from bot.domain import (
    ChannelInfo,
    DocumentInfo,
    ExclusionInfo,
    ProfessionInfo,
    Rulebook,
    RuleVersion,
    Source,
)

# The copies shipped with the package; OBLIGATIONS_RULES_DIR / OBLIGATIONS_KNOWLEDGE_DIR are read by
# bot.settings, and Engine.from_settings passes the chosen folders in.
DEFAULT_RULES_DIR = shipped("rules")
DEFAULT_KNOWLEDGE_DIR = shipped("knowledge")
CATALOGUE_FILE = "catalogue.yaml"


class RuleFileError(Exception):
    """A rule or knowledge file is unreadable or invalid; says where."""

    def __init__(
        self,
        file: Path | str,
        message: str,
        document: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ):
        self.file = str(file)
        self.document = document
        self.field = field
        self.message = message
        self.line = line
        where = [f"{self.file}:{line}" if line else self.file]
        if document:
            where.append(f"document {document}")
        if field:
            where.append(f"field {field}")
        super().__init__(f"{': '.join(where)}: {message}")


@dataclass(frozen=True)
class Problem:
    """One thing `obligations check` found wrong."""

    file: str
    message: str
    document: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return str(RuleFileError(self.file, self.message, self.document, self.field, self.line))


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic (not PyYAML) judges them and names the field,
    and refuses a key given twice in one mapping (PyYAML would keep the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base class says so
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key!r} (first given at line {first.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    return read_yaml_lines(path)[0]


def read_yaml_lines(path: Path) -> tuple[Any, dict[tuple[str, ...], int]]:
    """The file's top mapping, and the line of each key of its first two levels ((section,), (section, key)),
    so that a problem found later can still say where it is."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RuleFileError(path, f"cannot be read ({exc.strerror})") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(path, f"invalid YAML{where}: {problem}") from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise RuleFileError(path, "expected a mapping at the top of the file")
    lines: dict[tuple[str, ...], int] = {}
    for key_node, value_node in node.value:
        section = str(key_node.value)
        lines[(section,)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.MappingNode):
            for sub_key, _ in value_node.value:
                lines[(section, str(sub_key.value))] = sub_key.start_mark.line + 1
    return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}, lines


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[str | None, str]:
    """Turn a pydantic error location into (document id, dotted field path)."""
    document = None
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(node.get("document"), str):
            document = node["document"]
        if isinstance(node, (dict, list)):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
        if isinstance(node, dict) and isinstance(node.get("document"), str):
            document = node["document"]
    field = ".".join(str(p) for p in loc)
    return document, field


def _validation_error(path: Path, data: Any, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> RuleFileError:
    first = exc.errors()[0]
    loc = prefix + tuple(first["loc"])
    document, field = _locate(data, loc)
    if document is None and prefix and isinstance(prefix[-1], str) and prefix[-1] not in ("documents", "channels"):
        document = prefix[-1]
    more = len(exc.errors()) - 1
    message = first["msg"] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
    return RuleFileError(path, message, document, field)


def load_sources(knowledge_dir: Path) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    files = sorted((knowledge_dir / "sources").glob("*.yaml"))
    if not files:
        raise RuleFileError(knowledge_dir / "sources", "no source files found")
    for path in files:
        data = read_yaml(path)
        try:
            source = Source.model_validate(data)
        except ValidationError as exc:
            raise _validation_error(path, data, exc) from None
        if source.id in sources:
            raise RuleFileError(path, f"source id {source.id!r} is used twice", field="id")
        sources[source.id] = source
    return sources


def _load_catalogue(path: Path) -> dict[str, dict[str, Any]]:
    data = read_yaml(path)
    models: dict[str, type[BaseModel]] = {
        "documents": DocumentInfo,
        "channels": ChannelInfo,
        "exclusions": ExclusionInfo,
        "professions": ProfessionInfo,
    }
    out: dict[str, dict[str, Any]] = {}
    for section, model in models.items():
        entries = data.get(section)
        if not isinstance(entries, dict):
            raise RuleFileError(path, f"missing section {section!r}", field=section)
        out[section] = {}
        for key, value in entries.items():
            try:
                out[section][key] = model.model_validate({"id": key, **(value or {})})
            except ValidationError as exc:
                err = _validation_error(path, data, exc, (section, key))
                raise RuleFileError(path, err.message, key if section == "documents" else None, err.field) from None
    return out


def _require(path: Path, kind: str, value: str, known: dict[str, Any], document: str | None, field: str) -> None:
    """`value` must be an id of the catalogue's `known` section, else an error that lists them."""
    if value not in known:
        raise RuleFileError(
            path, f"unknown {kind} id {value!r} (the catalogue has: {', '.join(known)})", document, field
        )


def _check_writers(path: Path, catalogue: dict[str, dict[str, Any]]) -> None:
    """A document's writers are professions of the catalogue."""
    for doc in catalogue["documents"].values():
        for i, who in enumerate(doc.written_by):
            _require(path, "profession", who, catalogue["professions"], doc.id, f"documents.{doc.id}.written_by.{i}")


def _check_ids(path: Path, version: RuleVersion, catalogue: dict[str, dict[str, Any]]) -> None:
    """Documents and exclusions are named by the catalogue: a text may only use ids it defines."""
    for i, row in enumerate(version.rows):
        _require(path, "document", row.document, catalogue["documents"], None, f"rows.{i}.document")
        for j, ex in enumerate(row.exclusions):
            _require(path, "exclusion", ex.id, catalogue["exclusions"], row.document, f"rows.{i}.exclusions.{j}.id")


def load_rulebook(
    rules_dir: Path | str = DEFAULT_RULES_DIR, knowledge_dir: Path | str = DEFAULT_KNOWLEDGE_DIR
) -> Rulebook:
    """Load and validate every rule file; raise `RuleFileError` on the first structural problem."""
    rules_dir, knowledge_dir = Path(rules_dir), Path(knowledge_dir)
    sources = load_sources(knowledge_dir)
    catalogue_path = rules_dir / CATALOGUE_FILE
    if not catalogue_path.exists():
        raise RuleFileError(catalogue_path, "missing catalogue of documents")
    catalogue = _load_catalogue(catalogue_path)
    _check_writers(catalogue_path, catalogue)
    versions: list[RuleVersion] = []
    files = sorted(p for p in rules_dir.glob("*.yaml") if p.name != CATALOGUE_FILE)
    if not files:
        raise RuleFileError(rules_dir, "no rule files found")
    for path in files:
        data = read_yaml(path)
        try:
            version = RuleVersion.model_validate({**data, "file": str(path)})
        except ValidationError as exc:
            raise _validation_error(path, data, exc) from None
        _check_ids(path, version, catalogue)
        versions.append(version)
    return Rulebook(
        versions=versions,
        sources=sources,
        documents=catalogue["documents"],
        channels=catalogue["channels"],
        exclusions=catalogue["exclusions"],
        professions=catalogue["professions"],
    )
