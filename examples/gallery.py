#!/usr/bin/env python3
"""Turns PixCrawler records into one HTML page a person can look at.

    gallery.py OUT.html RECORDS.jsonl...

Records are sorted by what the stages decided: kept images by label (with
their quality score and the engines that found them), duplicates beside the
image they duplicate, images pix-validate refused with its reasons, and failed
downloads by error code. Paths in the page are relative to OUT.html."""
import html
import json
import os
import sys
from collections import Counter


def load(paths):
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


class Page:
    def __init__(self, out_path):
        self.base = os.path.dirname(os.path.abspath(out_path))
        self.parts = [
            "<!doctype html><meta charset=utf-8><title>PixCrawler demo</title>",
            "<style>body{font:14px sans-serif;margin:2em;max-width:80em}"
            "figure{display:inline-block;margin:6px;width:200px;vertical-align:top}"
            "img{max-width:200px;max-height:150px}.pair img{max-width:98px;max-height:90px}"
            "figcaption{font-size:11px;color:#555;word-break:break-all}"
            ".bad{color:#a00}</style>"]

    def add(self, text):
        self.parts.append(text)

    def img(self, record):
        if not record or not record.get("path"):
            return "<span class=bad>(no file)</span>"
        src = os.path.relpath(os.path.abspath(record["path"]), self.base)
        return f"<img src='{html.escape(src)}' loading=lazy>"

    def figure(self, images, caption, css=""):
        cls = f" class='{css}'" if css else ""
        self.add(f"<figure{cls}>{images}<figcaption>{html.escape(caption)}</figcaption></figure>")

    def write(self, out_path):
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("\n".join(self.parts) + "\n")


def describe(r):
    bits = [f"{r['width']}x{r['height']}" if "width" in r else "", r.get("format", "")]
    if "quality" in r:
        bits.append(f"quality {r['quality']['score']:.2f}")
    engines = sorted({f.get("engine", "?") for f in r.get("found_by", [])})
    if engines:
        bits.append("found by " + "+".join(engines))
    if "cluster" in r:
        bits.append(f"cluster {r['cluster']}")
    return ", ".join(b for b in bits if b)


def main(out_path, record_paths):
    records = load(record_paths)
    failed = [r for r in records if "error" in r]
    dups = [r for r in records if "error" not in r and "dup_of" in r]
    invalid = [r for r in records if "error" not in r and "dup_of" not in r
               and r.get("valid") is False]
    kept = [r for r in records if "error" not in r and "dup_of" not in r
            and r.get("valid") is not False and r.get("path")]
    by_id = {}
    for r in kept:
        for key in ("url", "path", "sha256"):
            if key in r:
                by_id.setdefault(r[key], r)
                break

    page = Page(out_path)
    page.add(f"<h1>PixCrawler demo</h1><p>{len(records)} records: <b>{len(kept)} images kept</b>, "
             f"{len(dups)} duplicates removed, {len(invalid)} refused by pix-validate, "
             f"{len(failed)} failed.</p>")
    by_label = {}
    for r in kept:
        by_label.setdefault(r.get("label", "(no label)"), []).append(r)
    for label, recs in sorted(by_label.items()):
        page.add(f"<h2>{html.escape(label)}: {len(recs)} images</h2>")
        for r in sorted(recs, key=lambda r: -r.get("quality", {}).get("score", 0)):
            page.figure(page.img(r), describe(r))
    if dups:
        page.add("<h2>Duplicates removed (left) and the image kept (right)</h2>")
        for r in dups:
            original = by_id.get(r.get("dup_of"))
            distance = r.get("dup_distance")
            how = "exact copy" if distance == 0 else f"pHash distance {distance}"
            page.figure(page.img(r) + " " + page.img(original), f"{how}; {describe(r)}", "pair")
    if invalid:
        page.add("<h2>Refused by pix-validate</h2>")
        for r in invalid:
            reasons = ", ".join(r.get("reject", [])) or "?"
            page.figure(page.img(r) if r.get("width") else "", f"{reasons}; {describe(r)}", "bad")
    if failed:
        page.add("<h2>Failed</h2><ul>")
        for (stage, code), n in Counter((r["error"].get("stage", "?"), r["error"].get("code", "?"))
                                        for r in failed).most_common():
            page.add(f"<li>{html.escape(stage)}: {html.escape(code)} &times; {n}</li>")
        page.add("</ul>")
    page.write(out_path)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
