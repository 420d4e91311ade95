#!/usr/bin/env python3
"""Derives the WorkSpecs of scripts/bench-thousand.sh from configs/workspecs/thousand.yaml, and extrapolates.

  thousand_fraction.py probe THOUSAND OUT           one logistic model per unit, on all of each unit's data
  thousand_fraction.py part THOUSAND OUT UNIT ENTRY TO
                                                   the unit's ENTRY alone, its data up to TO (a date); the LSTM
                                                   entry cut to one model per shape (hidden x window, first
                                                   learning rate, one repeat: 4 of its 24)
  thousand_fraction.py report HOME LOG             the whole spec's time on this machine from the parts' times

The extrapolation: a unit's part trained on the rows up to TO; its time is scaled by the unit's validation rows
over all folds (all the data, from the probe, against the part's), which grow with each fold's training window
whatever the split (rolling, expanding, k-fold), and the LSTM entry's by 24 / 4 more.
"""
import glob
import json
import re
import sys

ENTRIES = ["logistic", "dnn-grid", "dnn-random", "lstm"]


def units(text):
    """The unit blocks of the WorkSpec text, by name (line-based: the file's own layout)."""
    head, _, body = text.partition("units:\n")
    blocks = re.split(r"(?m)^  - name: ", body)[1:]
    return head, {b.split("\n", 1)[0].strip(): "  - name: " + b for b in blocks}


def entries(block):
    top, _, models = block.partition("    models:\n")
    parts = re.split(r"(?m)^      - name: ", models)[1:]
    return top, {p.split("\n", 1)[0].strip(): "      - name: " + p for p in parts}


def probe(src, out):
    head, us = units(open(src).read())
    text = head.replace("name: thousand", "name: thousand-probe") + "units:\n"
    for name, block in us.items():
        top, es = entries(block)
        logistic = es["logistic"].replace("l2: [0.0, 0.0001, 0.001, 0.01, 0.1]", "l2: [0.0]") \
            .replace("lr: [0.01, 0.003]", "lr: [0.01]").replace("repeats: 3", "repeats: 1")
        text += top + "    models:\n" + logistic
    open(out, "w").write(text)


def part(src, out, unit, entry, to):
    head, us = units(open(src).read())
    top, es = entries(us[unit])
    e = es[entry]
    if entry == "lstm":
        e = e.replace("lr: [0.001, 0.0003]", "lr: [0.001]").replace("repeats: 3", "repeats: 1")
    top = top.replace("    featureset:", "    range: {to: \"%s\"}\n    featureset:" % to, 1)
    name = "thousand-%s-%s" % (unit, entry)
    open(out, "w").write(head.replace("name: thousand", "name: " + name) + "units:\n" + top + "    models:\n" + e)


def validation_rows(result):
    return sum(s["rows"] for s in result["predictions"]["series"] if s["part"] == "validation" and s["head"] is None)


def report(home, log):
    full = {}
    for f in glob.glob(home + "/runs/thousand-probe/*/*/result.json"):
        r = json.load(open(f))
        full[r["spec"]["unit"]] = (validation_rows(r), len(r["folds"]))
    rows = []
    for line in open(log):
        m = re.match(r"(\S+) (\S+) wall ([\d.]+) run ([\d.]+) models (\d+)$", line.strip())
        if not m:
            sys.exit("not a part's time: " + line)
        unit, entry, wall, run, models = m.group(1), m.group(2), float(m.group(3)), float(m.group(4)), int(m.group(5))
        results = [json.load(open(f)) for f in glob.glob("%s/runs/thousand-%s-%s/*/*/result.json" % (home, unit, entry))]
        v = validation_rows(results[0])
        folds = len(results[0]["folds"])
        epochs = sum(len(c["curves"]) for r in results for c in r["folds"])
        scale = full[unit][0] / v * (24 / models if entry == "lstm" else 1)
        rows.append((unit, entry, models, folds, full[unit][1], epochs, run, scale, run * scale))
    if sorted((u, e) for u, e, *_ in rows) != sorted((u, e) for u in full for e in ENTRIES):
        sys.exit("the parts timed are not every unit's four entries: %s" % [(u, e) for u, e, *_ in rows])
    print("| unit | entry | models run | folds run / all | epochs trained | run time | scale | whole entry (2 slots) |")
    print("|---|---|---|---|---|---|---|---|")
    total = 0
    for unit, entry, models, folds, all_folds, epochs, run, scale, whole in rows:
        total += whole
        print("| %s | %s | %d | %d / %d | %d | %.1f s | %.1fx | %.0f s (%.2f h) |" % (
            unit, entry, models, folds, all_folds, epochs, run, scale, whole, whole / 3600))
    print("whole spec on 2 slots, extrapolated: %.0f s = %.2f hours" % (total, total / 3600))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "probe":
        probe(sys.argv[2], sys.argv[3])
    elif cmd == "part":
        part(*sys.argv[2:7])
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
