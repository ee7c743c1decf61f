"""Reading the course's YAML files and checking them against their JSON schemas (``schema/``)."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

if "jsonschema" not in sys.modules:
    # jsonschema checks the "iri" format with rfc3987_syntax when that is installed (nbgrader's
    # dependencies bring it), and importing it costs a second on every command. The schemas use no
    # formats, so tell jsonschema it is absent.
    sys.modules.setdefault("rfc3987_syntax", None)
import jsonschema  # noqa: E402
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
