#!/usr/bin/env python3
"""Scores pix-label's output against the planted truth of a benchmark set.

    score.py OUTPUT.jsonl [--json]         precision/recall of needs_review, calibration
    score.py OUTPUT.jsonl --fit            fits the evidence weights (see evidence.h)

Records need bench_truth and bench_planted (gen_records.py, gen_images.py);
duplicates (dup_of) are not scored. "Evidence-bearing" planted errors are
those whose record says something against the label: another label's word in
its texts, or the image found under another label; `evidence` can only be
asked to find those.
"""
import argparse
import json
import math
import sys


def load(path):
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "label_confidence" in r and "bench_truth" in r and not r.get("dup_of"):
                yield r


def evidence_bearing(r):
    e = (r.get("label_evidence") or {}).get("evidence") or {}
    return bool(e.get("other_labels_named")) or "found_under" in e


# (--review-below, --review-weak-below) pairs the sweep tries; the default first.
SWEEP = [(0.5, 0.1), (0.4, 0.1), (0.45, 0.1), (0.55, 0.1), (0.6, 0.1), (0.5, 0.0), (0.5, 0.2),
         (0.5, 0.3), (0.5, 0.5)]


def contested(r):
    """Something besides weak support speaks against the label (pix-label(1))."""
    ev = r["label_evidence"]
    return evidence_bearing(r) or any(
        "score" in v for k, v in ev.items() if k in ("vlm", "consensus", "classifier"))


def flagged_at(r, below, weak):
    c = r["label_confidence"]
    other = set(r["label_evidence"].get("review", [])) - {"low_confidence"}
    return bool(other) or (c < below and (contested(r) or c < weak))


def score(records):
    rs = list(records)
    planted = [r for r in rs if r["bench_planted"]]
    flagged = [r for r in rs if r["needs_review"]]
    tp = sum(1 for r in flagged if r["bench_planted"])
    bearing = [r for r in planted if evidence_bearing(r)]
    out = {
        "records": len(rs),
        "planted": len(planted),
        "flagged": len(flagged),
        "precision": tp / len(flagged) if flagged else 0.0,
        "recall": tp / len(planted) if planted else 0.0,
        "evidence_bearing": len(bearing),
        "recall_evidence_bearing": (sum(1 for r in bearing if r["needs_review"]) / len(bearing)
                                    if bearing else 0.0),
        "moved": sum(1 for r in rs if "moved_from" in (r.get("label_evidence") or {})),
        "moved_right": sum(1 for r in rs if "moved_from" in (r.get("label_evidence") or {})
                           and r["label"] == r["bench_truth"]),
    }
    bins = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95),
            (0.95, 1.01)]
    table = []
    for lo, hi in bins:
        b = [r for r in rs if lo <= r["label_confidence"] < hi]
        if not b:
            continue
        right = sum(1 for r in b if r["label"] == r["bench_truth"])
        mean = sum(r["label_confidence"] for r in b) / len(b)
        table.append({"band": f"{lo:.2f}-{min(hi, 1.0):.2f}", "images": len(b),
                      "mean_confidence": round(mean, 3), "right": round(right / len(b), 3)})
    out["calibration"] = table
    # What --review-below and --review-weak-below would trade: precision and
    # recall of needs_review had the run used other thresholds (flags for
    # other reasons stay).
    sweep = []
    for below, weak in SWEEP:
        f = [r for r in rs if flagged_at(r, below, weak)]
        hit = sum(1 for r in f if r["bench_planted"])
        ids = {id(r) for r in f}
        sweep.append({"review_below": below, "review_weak_below": weak, "flagged": len(f),
                      "precision": round(hit / len(f), 3) if f else 0.0,
                      "recall": round(hit / len(planted), 3) if planted else 0.0,
                      "recall_evidence_bearing": round(
                          sum(1 for r in bearing if id(r) in ids) / len(bearing), 3) if bearing else 0.0})
    out["sweep"] = sweep
    # Expected calibration error over the bands.
    out["ece"] = round(sum(t["images"] * abs(t["mean_confidence"] - t["right"]) for t in table)
                       / max(1, len(rs)), 4)
    return out


# The features of conf(c) for a record's own label, in EvidenceWeights'
# order, read back from label_evidence (the facts pix-label used). The
# signs are those of the formula in evidence.h, so every fitted weight is
# the positive number the header writes.
NAMES = ["bias", "queries", "engines", "rank", "rank_linear", "text", "other_text",
         "other_text_more", "conflict", "conflict_queries", "conflict_rank", "conflict_named"]


def features(r):
    e = r["label_evidence"]["evidence"]
    rank = e.get("best_rank", 0)
    rivals = e.get("rivals")
    x = [1.0, math.log2(1 + e["queries"]), math.log2(1 + e["engines"]),
         1 / math.log2(1 + rank) if rank else 0.0, -min(rank, 200) / 100 if rank else 0.0,
         float(len(e["text"]))]
    places = e.get("other_label_places", 0)
    x += [-1.0 if places else 0.0, -float(max(0, places - 1))]
    if rivals:
        rr = rivals.get("best_rank", 0)
        x += [1.0, -math.log2(rivals["queries"]) if rivals["queries"] else 0.0,
              -1 / math.log2(1 + rr) if rr else 0.0, -1.0 if rivals["named"] else 0.0]
    else:
        x += [0.0, 0.0, 0.0, 0.0]
    return tuple(x)


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda i: abs(m[i][c]))
        m[c], m[p] = m[p], m[c]
        for i in range(n):
            if i != c:
                f = m[i][c] / m[c][c]
                for k in range(c, n + 1):
                    m[i][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(records):
    """Logistic regression (Newton, a little L2) of "the label is right" on features()."""
    groups = {}
    for r in records:
        x = features(r)
        pos, n = groups.get(x, (0, 0))
        groups[x] = (pos + (r["label"] == r["bench_truth"]), n + 1)
    d = len(NAMES)
    w = [0.0] * d
    for _ in range(50):
        grad = [-1e-2 * wi for wi in w]
        hess = [[1e-2 if i == j else 0.0 for j in range(d)] for i in range(d)]
        for x, (pos, n) in groups.items():
            p = 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x))))
            for i in range(d):
                grad[i] += (pos - n * p) * x[i]
                for j in range(d):
                    hess[i][j] += n * p * (1 - p) * x[i] * x[j]
        step = solve(hess, grad)
        w = [wi + si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return dict(zip(NAMES, [round(v, 3) for v in w]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.fit:
        print(json.dumps(fit(list(load(a.output)))))
        return
    s = score(load(a.output))
    if a.json:
        print(json.dumps(s))
        return
    print(f"records {s['records']}, planted errors {s['planted']} ({s['evidence_bearing']} with "
          f"evidence), flagged {s['flagged']}")
    print(f"needs_review: precision {s['precision']:.3f}, recall {s['recall']:.3f} "
          f"(on errors with evidence: {s['recall_evidence_bearing']:.3f})")
    print("band        images  mean conf  right")
    for t in s["calibration"]:
        print(f"{t['band']:<11} {t['images']:>6}  {t['mean_confidence']:>9.3f}  {t['right']:>5.3f}")
    print(f"expected calibration error {s['ece']}")
    print("review-below  review-weak-below  flagged  precision  recall  recall (errors with evidence)")
    for t in s["sweep"]:
        print(f"{t['review_below']:<12}  {t['review_weak_below']:<17}  {t['flagged']:>7}  "
              f"{t['precision']:>9.3f}  {t['recall']:>6.3f}  {t['recall_evidence_bearing']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
