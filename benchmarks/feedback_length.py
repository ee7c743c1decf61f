"""How long the feedback of the bundled example submissions is: terminal lines, HTML lines and rendered height.

Runs ``autograder grade examples/submissions/<name>.zip --out TMP`` (at 80 columns, as a terminal
that is not a TTY) for alice (correct), bob (one classic bug per exercise) and carol (half done,
a file missing), and reports per submission:

- the lines the terminal prints by default (and with ``--details``, when the command has it);
- the lines of ``feedback.html`` and ``feedback.md``;
- the rendered height of ``feedback.html`` in pixels, 1200 pixels wide, when headless Chromium is
  installed (``apt-get install chromium``): the page is screenshot at a tall window and the height
  is the last row that is not background.

``--command`` runs another ``autograder`` (another branch's virtualenv, for a before/after
comparison)::

    python benchmarks/feedback_length.py
    python benchmarks/feedback_length.py --command /work/main/.venv/bin/autograder
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("alice", "bob", "carol")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
WIDTH, TALL = 1200, 16000


def lines(text: str) -> int:
    return len(text.splitlines())


def grade(command: str, name: str, out: Path, details: bool = False) -> str:
    """What ``autograder grade`` prints for an example at 80 columns (its reports written into ``out``)."""
    argv = [command, "grade", str(ROOT / "examples" / "submissions" / f"{name}.zip"), "--out", str(out)]
    environment = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    done = subprocess.run(argv + ["--details"] * details, capture_output=True, text=True, env=environment,
                          cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr[-2000:]}")
    return done.stdout


def has_details(command: str) -> bool:
    return "--details" in subprocess.run([command, "grade", "--help"], capture_output=True, text=True).stdout


def rendered_height(page: Path) -> int | None:
    """The rendered height of ``page`` in CSS pixels at 1200 pixels wide, or None without Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    from matplotlib.image import imread

    with tempfile.TemporaryDirectory() as profile:
        shot = Path(profile) / "page.png"
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/data", f"--window-size={WIDTH},{TALL}",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, check=True, timeout=120)
        pixels = imread(shot)[:, :, :3]
    background = pixels[-1, 0]
    rows = [y for y in range(pixels.shape[0]) if (abs(pixels[y] - background) > 0.02).any()]
    return rows[-1] + 1 if rows else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--command", default=shutil.which("autograder") or "autograder",
                        help="the autograder command to measure (default: the one on PATH)")
    args = parser.parse_args()
    details = has_details(args.command)
    print(f"{'submission':<10} {'terminal':>8} {'--details':>9} {'html lines':>10} {'md lines':>8} "
          f"{'html height (px)':>16}")
    with tempfile.TemporaryDirectory() as folder:
        for name in EXAMPLES:
            out = Path(folder) / name
            summary = lines(grade(args.command, name, out))
            detailed = lines(grade(args.command, name, out, details=True)) if details else None
            page = out / "feedback.html"
            height = rendered_height(page)
            print(f"{name:<10} {summary:>8} {detailed if detailed is not None else '-':>9} "
                  f"{lines(page.read_text()):>10} {lines((out / 'feedback.md').read_text()):>8} "
                  f"{height if height is not None else '-':>16}")


if __name__ == "__main__":
    main()
