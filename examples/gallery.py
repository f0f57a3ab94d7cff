#!/usr/bin/env python3
"""Turns PixCrawler records into one HTML page a person can look at: every
image with its label and the fields the stages added, failures listed with
their error codes.   Usage: gallery.py RECORDS.jsonl OUT.html"""
import html
import json
import os
import sys
from collections import Counter


def main(records_path, out_path):
    with open(records_path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    base = os.path.dirname(os.path.abspath(out_path))
    ok = [r for r in records if "error" not in r and r.get("path")]
    failed = [r for r in records if "error" in r]
    by_label = {}
    for r in ok:
        by_label.setdefault(r.get("label", "(no label)"), []).append(r)
    parts = ["<!doctype html><meta charset=utf-8><title>PixCrawler demo</title>",
             "<style>body{font:14px sans-serif;margin:2em}figure{display:inline-block;margin:6px;"
             "width:220px;vertical-align:top}img{max-width:220px;max-height:160px}"
             "figcaption{font-size:11px;color:#555;word-break:break-all}</style>",
             f"<h1>PixCrawler demo</h1><p>{len(records)} records: {len(ok)} images, "
             f"{len(failed)} failed.</p>"]
    for label, recs in sorted(by_label.items()):
        parts.append(f"<h2>{html.escape(label)} ({len(recs)})</h2>")
        for r in recs:
            src = os.path.relpath(os.path.abspath(r["path"]), base)
            details = ", ".join(f"{k}: {r[k]}" for k in ("mime", "bytes", "width", "height",
                                                          "quality", "phash") if k in r)
            parts.append(f"<figure><img src='{html.escape(src)}' loading=lazy>"
                         f"<figcaption>{html.escape(details)}</figcaption></figure>")
    if failed:
        codes = Counter(r["error"].get("code", "?") for r in failed)
        parts.append("<h2>Failures</h2><ul>")
        for code, n in codes.most_common():
            parts.append(f"<li>{html.escape(code)}: {n}</li>")
        parts.append("</ul>")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
