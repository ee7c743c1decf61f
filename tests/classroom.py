"""A generated class with planted copies, for ``autograder similarity``'s tests and ``benchmarks/similarity.py``.

Independent students write each exercise in a style of its own: the reference's, or one of the
correct styles of the corpus (``tests/corpus/correct``), some written into the released stub
(its docstrings and signatures kept, as students do), some sharing the short helpers that
everyone writes alike (the reference's validation helpers). A student with no style left for an
exercise hands in the stub untouched, and students who barely started hand in the stub with one
of those short helpers written. Copiers take another student's module and disguise it:
variables and private helpers renamed, functions reordered; partial copiers take only half of
its functions and leave the rest as the stub had them. The ground truth is every pair of modules
of an exercise that derive from the same written module.
"""

from __future__ import annotations

import ast
import builtins
import io
import random
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from builders import COURSE, CORPUS, EXERCISES, REFERENCE_DIR, STUBS_DIR

WORDS = ("tmp", "val", "arr", "res", "acc", "buf", "out", "q", "z", "m")


@dataclass(frozen=True)
class Plan:
    """One copier: ``name`` copies ``source``'s modules of ``exercises``, whole or (``partial``) half of each."""

    name: str
    source: str
    exercises: tuple[str, ...]
    partial: bool = False


COPIERS = (
    Plan("copy0", "indep0", EXERCISES), Plan("copy1", "indep1", EXERCISES[:3]), Plan("copy2", "copy0", EXERCISES),
    Plan("copy3", "indep3", EXERCISES[2:6]), Plan("copy4", "indep2", EXERCISES[4:]),
    Plan("part0", "indep1", EXERCISES, partial=True), Plan("part1", "indep4", EXERCISES, partial=True),
    Plan("part2", "indep5", EXERCISES, partial=True), Plan("part3", "indep2", EXERCISES[:4], partial=True),
)
"""The planted copies: whole modules, a chain (copy2 copies copy0), and partial copies."""
STARTERS = 3
"""Students who barely started: the stub and one short helper."""


def styles(exercise: str) -> list[Path]:
    """The independently written correct modules of ``exercise``: the reference's, then the corpus's."""
    return [REFERENCE_DIR / f"{exercise}.py", *sorted((CORPUS / "correct" / exercise).glob("*.py"))]


def stub(exercise: str) -> str:
    return (STUBS_DIR / f"{exercise}.py").read_text()


def build_class(seed: int = 0) -> tuple[dict[str, dict[str, str]], set[tuple[str, str, str]]]:
    """The class's modules, ``{student: {exercise: code}}``, and the planted pairs ``(exercise, a, b)``, a < b."""
    rng = random.Random(seed)
    found = {e: styles(e) for e in EXERCISES}
    modules: dict[str, dict[str, str]] = {}
    origin: dict[tuple[str, str], tuple[str, int]] = {}
    for k in range(max(map(len, found.values()))):
        name = f"indep{k}"
        modules[name] = {}
        for exercise in EXERCISES:
            if k >= len(found[exercise]):
                modules[name][exercise] = stub(exercise)
                continue
            code = found[exercise][k].read_text()
            if k and rng.random() < 0.7:
                code = with_common_helpers(code, exercise)
            if k and rng.random() < 0.5:
                code = in_stub(code, exercise)
            modules[name][exercise] = code
            origin[name, exercise] = (exercise, k)
    for k in range(STARTERS):
        modules[f"start{k}"] = {e: started(e, rng) for e in EXERCISES}
    for n, plan in enumerate(COPIERS):
        modules[plan.name] = {}
        for exercise in EXERCISES:
            if exercise in plan.exercises and (plan.source, exercise) in origin:
                code = modules[plan.source][exercise]
                if plan.partial:
                    code = half_done(code, exercise, rng)
                modules[plan.name][exercise] = disguise(code, seed * 100 + n, keep=contract(exercise))
                origin[plan.name, exercise] = origin[plan.source, exercise]
            else:
                modules[plan.name][exercise] = stub(exercise)
    names = sorted(modules)
    planted = {(e, a, b) for e in EXERCISES for i, a in enumerate(names) for b in names[i + 1:]
               if (a, e) in origin and origin[a, e] == origin.get((b, e))}
    return modules, planted


def write_batch_out(out: Path, modules: dict[str, dict[str, str]]) -> Path:
    """``modules`` laid out as ``autograder batch`` keeps them: ``OUT/submissions/<name>/code/<exercise>.py``."""
    for name, files in modules.items():
        folder = out / "submissions" / name / "code"
        folder.mkdir(parents=True)
        for exercise, code in files.items():
            (folder / f"{exercise}.py").write_text(code)
    return out


def contract(exercise: str) -> tuple[str, ...]:
    return COURSE.exercise(exercise).function_names


# -- the transformations, on text so that a module keeps its layout ------------------------------


def blocks(source: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """A module as its header (docstring, imports: everything before the first definition), its
    top-level definitions ``(name, text)`` in order, and its other top-level statements."""
    lines = source.splitlines()
    tree = ast.parse(source)
    definitions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    if not definitions:
        return source, [], []
    start = lambda node: min([node.lineno, *(d.lineno for d in node.decorator_list)])  # noqa: E731
    header = "\n".join(lines[:start(definitions[0]) - 1]).rstrip()
    found = [(n.name, "\n".join(lines[start(n) - 1:n.end_lineno])) for n in definitions]
    others = ["\n".join(lines[n.lineno - 1:n.end_lineno]) for n in tree.body
              if n.lineno > definitions[0].lineno and n not in definitions]
    return header, found, others


def assemble(header: str, definitions: list[str], others: list[str] = ()) -> str:
    return "\n\n\n".join(part for part in [header, "\n".join(others), *definitions] if part.strip()) + "\n"


def in_stub(source: str, exercise: str) -> str:
    """``source`` written into the released stub: the stub's header, signatures and docstrings, with
    ``source``'s function bodies; ``source``'s own helpers replace the stub's of the same name, and
    its other definitions come after the stub's header."""
    stub_header, stub_definitions, _ = blocks(stub(exercise))
    header, definitions, others = blocks(source)
    written = dict(definitions)
    tree = ast.parse(source)
    first = min((n.lineno for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))), default=0)
    setup = [ast.get_source_segment(source, n) for n in tree.body[bool(ast.get_docstring(tree)):]
             if n.lineno < first and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    setup = [text for text in setup if text not in stub_header]
    graded = set(contract(exercise))
    merged = [(_into(stub_text, written[name]) if name in graded else written[name]) if name in written else stub_text
              for name, stub_text in stub_definitions]
    extras = [text for name, text in definitions if name not in dict(stub_definitions)]
    return assemble("\n".join([stub_header, *setup]), extras + merged, others)


def _into(stub_text: str, written: str) -> str:
    """The stub's function with its body (after the docstring) replaced by the written function's."""
    stub_node = ast.parse(stub_text).body[0]
    node = ast.parse(written).body[0]
    body = node.body[1:] if ast.get_docstring(node) else node.body
    keep = stub_node.body[0].end_lineno if ast.get_docstring(stub_node) else stub_node.body[0].lineno - 1
    return "\n".join(stub_text.splitlines()[:keep] + written.splitlines()[body[0].lineno - 1:])


def short_helpers(exercise: str, limit: int = 4) -> dict[str, str]:
    """The reference's private helpers of at most ``limit`` statements, which independent students write alike."""
    short = {}
    for name, text in blocks((REFERENCE_DIR / f"{exercise}.py").read_text())[1]:
        node = ast.parse(text).body[0]
        body = node.body[1:] if ast.get_docstring(node) else node.body
        if name.startswith("_") and len(body) <= limit:
            short[name] = text
    return short


def started(exercise: str, rng: random.Random) -> str:
    """The stub with one of the short helpers written: a student who barely started."""
    helpers = short_helpers(exercise)
    if not helpers:
        return stub(exercise)
    header, definitions, others = blocks(stub(exercise))
    return assemble(header, [helpers[rng.choice(sorted(helpers))], *(text for _, text in definitions)], others)


def with_common_helpers(source: str, exercise: str) -> str:
    """``source`` with the short helpers everyone writes alike after its own (those it defines itself it keeps)."""
    short = short_helpers(exercise)
    header, definitions, others = blocks(source)
    names = {name for name, _ in definitions}
    added = [text for name, text in short.items() if name not in names]
    return assemble(header, [text for _, text in definitions] + added, others)


def half_done(source: str, exercise: str, rng: random.Random) -> str:
    """``source`` with about half of its graded functions put back as the stub has them (not done)."""
    stubbed = dict(blocks(stub(exercise))[1])
    header, definitions, others = blocks(source)
    graded = [name for name, _ in definitions if name in stubbed]
    undone = set(rng.sample(graded, len(graded) // 2))
    return assemble(header, [stubbed[name] if name in undone else text for name, text in definitions], others)


def disguise(source: str, seed: int, keep: tuple[str, ...] = ()) -> str:
    """``source`` with its local variables and private helpers renamed and its definitions in another order.

    Arguments, keyword names, attributes, imports, builtins and the names in ``keep`` (the graded
    functions) keep their names, so the module still means the same.
    """
    rng = random.Random(seed)
    tree = ast.parse(source)
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    helpers = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name.startswith("_")
               and not n.name.startswith("__")}
    fixed = ({n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
             | {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg}
             | {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
             | set(dir(builtins)) | set(keep))
    mapping = {name: f"{rng.choice(WORDS)}{k}" for k, name in enumerate(sorted((stored | helpers) - fixed))}
    lines = source.splitlines()
    edits, previous = [], None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and token.string in mapping and previous != ".":
            edits.append((token.start, token.end, mapping[token.string]))
        elif token.type == tokenize.STRING and token.string[:2].lower() in ("f'", 'f"') and token.start[0] == token.end[0]:
            edits.append((token.start, token.end, _renamed_fields(token.string, mapping)))
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            previous = token.string
    for (row, begin), (_, end), new in reversed(edits):
        lines[row - 1] = lines[row - 1][:begin] + new + lines[row - 1][end:]
    header, definitions, others = blocks("\n".join(lines) + "\n")
    texts = [text for _, text in definitions]
    rng.shuffle(texts)
    return assemble(header, texts, others)


def _renamed_fields(text: str, mapping: dict[str, str]) -> str:
    """An f-string with the names in its replacement fields renamed (not attributes)."""
    def field(match: re.Match) -> str:
        return re.sub(r"(?<![.\w])[A-Za-z_]\w*", lambda name: mapping.get(name[0], name[0]), match[0])

    return re.sub(r"\{[^{}]*\}", field, text)
