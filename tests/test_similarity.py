"""``autograder similarity``: real copydetect on a generated class with planted copies and independent solutions."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from autograder.cli import main
from autograder.course.model import load_course
from autograder.reports.classreport import write_class_report
from autograder.reports.similarity import CSV_HEADER, Settings, SimilarityError, write_similarity

from builders import CORPUS, EXAMPLE_COURSE, REFERENCE_DIR, build_notebook, build_submission
from classroom import build_class, contract, disguise, stub, write_batch_out


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    """The generated class (seed 0), its planted pairs and its similarity report under the default settings."""
    modules, planted = build_class(0)
    out = write_batch_out(tmp_path_factory.mktemp("similarity") / "out", modules)
    return out, planted, write_similarity(out, jobs=2)


def keys(pairs) -> list[tuple[str, str, str]]:
    return [(p.exercise, p.a, p.b) for p in pairs]


def test_the_planted_copies_rank_at_the_top_and_whole_copies_above_every_independent_pair(ranked):
    _, planted, report = ranked
    top = keys(report.pairs[:len(planted)])
    assert len(set(top) & planted) >= 0.9 * len(planted), f"not planted in the top: {sorted(set(top) - planted)}"
    similarity = {key: pair.similarity for key, pair in zip(keys(report.pairs), report.pairs)}
    whole = [similarity[key] for key in planted if not any(name.startswith("part") for name in key[1:])]
    independent = [value for key, value in similarity.items() if key not in planted]
    assert set(planted) <= set(similarity) and min(whole) > max(independent)


def test_students_who_wrote_only_a_short_helper_everyone_writes_do_not_rank_high(ranked):
    _, _, report = ranked
    starters = [p for p in report.pairs if p.a.startswith("start") and p.b.startswith("start")]
    assert starters and max(p.similarity for p in starters) < 0.5
    assert max(max(p.similarity_a, p.similarity_b) for p in starters) == 1.0, "though all they wrote is alike"


def test_copydetect_alone_lets_the_stub_and_common_code_flood_the_ranking(ranked, tmp_path):
    out, planted, _ = ranked
    plain = write_similarity(shutil.copytree(out, tmp_path / "out"), settings=Settings(noise=25, guarantee=25, stub_boilerplate=False, common_share=None,
                                                    prior_tokens=0), jobs=2)
    top = keys(plain.pairs[:len(planted)])
    assert len(set(top) & planted) < len(planted) / 2


def test_the_csv_has_the_contract_columns_highest_first_and_the_page_highlights_shared_code(ranked):
    out, _, report = ranked
    with open(out / "similarity.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == CSV_HEADER and rows[0][:4] == ["a", "b", "exercise", "similarity"]
    values = [float(row[3]) for row in rows[1:]]
    assert values == sorted(values, reverse=True) and len(values) == len(report.pairs)
    assert all(row[0] < row[1] for row in rows[1:]) and {row[2] for row in rows[1:]} <= set(report.exercises)
    page = (out / "similarity.html").read_text()
    first = report.pairs[0]
    assert page.count('<div class="pair">') == Settings().shown and "<mark>" in page
    assert f"{first.exercise}: {first.a} and {first.b}" in page


def test_a_second_run_gives_the_same_numbers(ranked, tmp_path):
    out, _, report = ranked
    assert write_similarity(shutil.copytree(out, tmp_path / "out"), jobs=1).pairs == report.pairs


def test_students_who_copied_one_public_solution_are_found_with_it_as_a_reference(tmp_path):
    """Five of eight copy a public solution: without it, its code looks common (in over 25% of the class)."""
    public = tmp_path / "public-solution"
    public.mkdir()
    shutil.copyfile(CORPUS / "correct" / "conv" / "naive_loops.py", public / "conv.py")
    styles = sorted((CORPUS / "correct" / "conv").glob("*.py"))[:2] + [REFERENCE_DIR / "conv.py"]
    modules = {f"copier{k}": {"conv": disguise((public / "conv.py").read_text(), k, keep=contract("conv"))}
               for k in range(5)}
    modules |= {f"own{k}": {"conv": path.read_text()} for k, path in enumerate(styles)}
    out = write_batch_out(tmp_path / "out", modules)
    alone = write_similarity(out, jobs=2)
    assert not [p for p in alone.pairs if p.similarity > 0.5], "the shared solution is taken for common code"
    with_reference = write_similarity(out, references=[public], jobs=2)
    found = {p.a for p in with_reference.pairs if p.b == "reference:public-solution" and p.similarity > 0.8}
    assert found == {f"copier{k}" for k in range(5)} and with_reference.references == 1


def test_hostile_code_is_shown_as_text_on_the_page(tmp_path):
    hostile = (CORPUS / "hostile" / "markup_in_code.py").read_text()
    out = write_batch_out(tmp_path / "out", {"eve": {"dropout": hostile},
                                            "mallory": {"dropout": disguise(hostile, 1, keep=contract("dropout"))}})
    write_similarity(out, jobs=1)
    page = (out / "similarity.html").read_text()
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_stubs_handed_in_untouched_share_nothing(tmp_path):
    out = write_batch_out(tmp_path / "out", {name: {"lstm": stub("lstm")} for name in ("ann", "ben", "cat")})
    assert write_similarity(out, jobs=1).pairs == ()


def test_a_batch_keeps_the_graded_modules_and_similarity_reads_them(tmp_path):
    """A real batch of the example course: folders, a zip and notebooks; then code/ restored without regrading."""
    course = load_course(EXAMPLE_COURSE)
    classroom = tmp_path / "class"
    build_submission(classroom / "ann", course=course)
    build_submission(classroom / "ben", course=course)
    shutil.make_archive(str(classroom / "cat"), "zip", classroom / "ben")
    build_notebook(classroom / "dan" / "01_affine.ipynb", "affine", course=course)
    out = tmp_path / "out"
    batch = [sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out), "--course",
             str(EXAMPLE_COURSE), "--jobs", "2"]
    subprocess.run(batch, check=True, capture_output=True, timeout=600)
    for name in ("ann", "ben", "cat"):
        assert sorted(p.name for p in (out / "submissions" / name / "code").iterdir()) == ["affine.py", "relu.py"]
    assert [p.name for p in (out / "submissions" / "dan" / "code").iterdir()] == ["affine.py"]
    assert "def affine_forward" in (out / "submissions" / "dan" / "code" / "affine.py").read_text()

    shutil.rmtree(out / "submissions" / "ann" / "code")
    again = subprocess.run(batch, check=True, capture_output=True, text=True, timeout=600)
    assert "Graded 0" in again.stdout and (out / "submissions" / "ann" / "code" / "affine.py").is_file()

    assert main(["similarity", str(out), "--course", str(EXAMPLE_COURSE), "--jobs", "1"]) == 0
    with open(out / "similarity.csv", newline="") as file:
        pairs = {(row["a"], row["b"], row["exercise"]): row for row in csv.DictReader(file)}
    for key in (("ben", "cat", "affine"), ("ann", "ben", "relu")):
        assert float(pairs[key]["similarity_a"]) == float(pairs[key]["similarity_b"]) == 1.0, "the same module"
    assert float(pairs["ann", "dan", "affine"]["similarity_a"]) == 1.0, "the notebook's module holds all of ann's"
    write_class_report(out, course)
    report = (out / "class-report.html").read_text()
    assert "Similar code" in report and 'href="similarity.html"' in report and "<td>ben</td><td>cat</td>" in report


def test_an_output_without_kept_code_says_how_to_get_it(tmp_path, capsys):
    report = tmp_path / "out" / "submissions" / "ann" / "report.json"
    report.parent.mkdir(parents=True)
    report.write_text(json.dumps({"submission": "ann"}))
    with pytest.raises(SimilarityError, match="run the same `autograder batch DIR --out"):
        write_similarity(tmp_path / "out")
    assert main(["similarity", str(tmp_path / "nothing")]) == 2
    assert "no submissions/" in capsys.readouterr().err
