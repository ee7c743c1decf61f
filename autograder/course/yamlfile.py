"""Reading the course's YAML files and checking them against their JSON schemas (``schema/``)."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

FORMAT_MODULES = ("fqdn", "idna", "isoduration", "jsonpointer", "rfc3339_validator", "rfc3986_validator", "rfc3987",
                  "rfc3987_syntax", "uri_template", "webcolors")
"""The optional packages jsonschema imports to check string formats when they are installed (nbgrader's
dependencies bring them): a third of a second on every command, a second for rfc3987_syntax. The schemas
use no formats, so jsonschema is imported with them hidden; they stay importable for anything else."""


def _import_jsonschema():
    hidden = [name for name in FORMAT_MODULES if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))
    try:
        import jsonschema
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return jsonschema


jsonschema = _import_jsonschema()
import yaml  # noqa: E402

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


class YamlError(ValueError):
    """A file that is not valid YAML."""


def load_yaml(text: str):
    """Parse YAML safely, with libyaml's parser where PyYAML has it (ten times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_yaml_file(path: Path):
    """The data of the YAML file ``path``.

    Raises
    ------
    YamlError
        When the file cannot be read or parsed; the message names it.
    """
    try:
        return load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise YamlError(f"{path}: not valid YAML: {error}") from None


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text()))


def schema_problems(data, schema: str) -> list[str]:
    """Every way ``data`` breaks ``schema/<schema>.schema.json``, as "key.path: what is wrong"."""
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{where(error.absolute_path)}: {error.message}" for error in errors]


def where(path) -> str:
    """A JSON path as ``criteria[2].cases``."""
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "(top level)"
