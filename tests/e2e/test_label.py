#!/usr/bin/env python3
"""pix-label end to end: the evidence backend's fields and verdicts,
pass-through, conflicts across records of one image, --labels, --relabel,
--strict, --drop-below with --rejects, the report; the vlm backend against
the fake vision model of tests/fixture_routes/vlm.py (good, prose, malformed,
plain text, refusing, slow, 401, 429), caching, --max-requests and the
concurrency cap."""
import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FixtureServerTestCase, TempDirTestCase, make_images, run, tool  # noqa: E402


def found(*finds):
    return [dict(zip(("engine", "query", "rank"), f[:3]), **({"label": f[3]} if len(f) > 3 else {}))
            for f in finds]


STRONG = {"label": "jaguar", "title": "A jaguar (Panthera onca) resting", "url": "https://x.org/jaguar-1.jpg",
          "found_by": found(("bing", "jaguar", 2), ("duckduckgo", "jaguar animal", 1),
                            ("google", "jaguar", 4)), "sha256": "a" * 64}
CAR = {"label": "jaguar", "title": "Jaguar F-Type sports car for sale", "url": "https://cars.example/f-type.jpg",
       "found_by": found(("bing", "jaguar", 48)), "sha256": "b" * 64}
CARS = {"label": "car", "title": "Red sports car", "url": "https://x.org/car.jpg",
        "found_by": found(("bing", "car", 1), ("google", "sports car", 3)), "sha256": "c" * 64}


class EvidenceTest(TempDirTestCase):
    def label(self, records, *args):
        return run("pix-label", ["--no-wordnet", *args], records=records)

    def test_fields_and_verdicts(self):
        r = self.label([STRONG, CAR, CARS])
        self.assertEqual(r.returncode, 0, r.stderr)
        strong, car, cars = r.records
        for rec in r.records:
            self.assertEqual(rec["label_source"], "evidence")
            self.assertTrue(0 <= rec["label_confidence"] <= 1)
            self.assertIn("evidence", rec["label_evidence"])
        self.assertGreater(strong["label_confidence"], 0.9)
        self.assertFalse(strong["needs_review"])
        ev = strong["label_evidence"]["evidence"]
        self.assertEqual((ev["queries"], ev["engines"], ev["best_rank"]), (2, 3, 1))
        self.assertEqual(ev["text"], ["title", "file_name"])
        # Found once, late, and the title names another label: to review.
        self.assertLess(car["label_confidence"], 0.5)
        self.assertTrue(car["needs_review"])
        self.assertEqual(car["label_evidence"]["evidence"]["other_labels_named"], ["car"])
        self.assertIn("low_confidence", car["label_evidence"]["review"])
        self.assertEqual(car["label"], "jaguar")  # not moved without --relabel
        self.assertIn("3 labelled, 1 need review", r.stderr)
        self.assertIn("jaguar", r.stderr)  # the per-label table

    def test_weak_support_alone_is_flagged_only_under_review_weak_below(self):
        # One find at rank 60, texts silent: doubtful, but nothing names another label.
        weak = dict(STRONG, title="Free HD wallpaper", url="https://x.org/img/1234.jpg",
                    found_by=found(("bing", "jaguar", 60)), sha256="f" * 64)
        r = self.label([weak, CAR, CARS])
        self.assertEqual(r.returncode, 0, r.stderr)
        quiet, car, _ = r.records
        self.assertTrue(0.1 < quiet["label_confidence"] < 0.5, quiet["label_confidence"])
        self.assertFalse(quiet["needs_review"])
        self.assertEqual(quiet["label_evidence"]["review"], [])
        self.assertNotIn("other_labels_named", quiet["label_evidence"]["evidence"])
        self.assertTrue(car["needs_review"])  # as doubtful, but "car" is named
        self.assertEqual(car["label_evidence"]["evidence"]["other_label_places"], 1)
        flagged = self.label([weak], "--review-weak-below", "0.5").records[0]
        self.assertTrue(flagged["needs_review"])
        self.assertEqual(flagged["label_evidence"]["review"], ["low_confidence"])
        # The same other label in two places weighs more than in one.
        twice = self.label([dict(CAR, url="https://cars.example/sports-car.jpg"), CARS]).records[0]
        self.assertEqual(twice["label_evidence"]["evidence"]["other_label_places"], 2)
        self.assertLess(twice["label_confidence"], car["label_confidence"])

    def test_wordnet_synonyms_count_as_the_label(self):
        rec = dict(STRONG, title="Panthera onca in Brazil", url="https://x.org/p.jpg")
        with_wn = run("pix-label", [], records=[rec, CARS])
        if "wordnet" in with_wn.stderr.lower() and "warning" in with_wn.stderr:
            self.skipTest("WordNet (wordnet-base) is not installed")
        without = self.label([rec, CARS])
        self.assertEqual(with_wn.records[0]["label_evidence"]["evidence"]["text"], ["title"])
        self.assertEqual(without.records[0]["label_evidence"]["evidence"]["text"], [])
        self.assertGreater(with_wn.records[0]["label_confidence"], without.records[0]["label_confidence"])

    def test_pass_through_untouched(self):
        failed = {"url": "u1", "label": "jaguar", "error": {"stage": "fetch", "code": "http_404", "message": "x"}}
        invalid = {"url": "u2", "label": "jaguar", "valid": False, "reject": ["truncated"]}
        dup = dict(CARS, url="https://x.org/car-copy.jpg", dup_of="https://x.org/car.jpg")
        nolabel = {"url": "u4", "title": "a jaguar"}
        r = self.label([failed, invalid, dup, nolabel, CARS])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.records
        self.assertEqual(out[:4], [failed, invalid, dup, nolabel])
        self.assertIn("label_confidence", out[4])
        self.assertIn("1 record(s) without a label", r.stderr)
        strict = self.label([nolabel, CARS], "--strict")
        self.assertEqual(strict.returncode, 1)
        self.assertEqual(strict.records[0]["error"]["code"], "missing_label")

    def test_conflicts_across_records_of_one_image(self):
        # The same picture (same sha256) found under "jaguar" and "car"; the
        # car side has more support.
        jag = dict(CAR, found_by=found(("bing", "jaguar", 30)), sha256="d" * 64, title="F-Type")
        car = dict(CARS, url="https://x.org/f.jpg", sha256="d" * 64, title="F-Type")
        r = self.label([jag, car])
        a, b = r.records
        # The jaguar side needs a person; the car side is the best supported,
        # so its conflict is recorded but settled.
        self.assertTrue(a["needs_review"])
        self.assertIn("conflict", a["label_evidence"]["review"])
        self.assertNotIn("conflict", b["label_evidence"]["review"])
        self.assertEqual(b["label_evidence"]["evidence"]["best_supported"], "car")
        self.assertIn("jaguar", b["label_evidence"]["evidence"]["found_under"])
        self.assertEqual(a["label_evidence"]["evidence"]["rivals"]["queries"], 2)
        self.assertEqual(a["label_evidence"]["evidence"]["best_supported"], "car")
        self.assertLess(a["label_confidence"], b["label_confidence"])
        moved = self.label([jag, car], "--relabel", "--relabel-margin", "0.1").records[0]
        self.assertEqual(moved["label"], "car")
        self.assertEqual(moved["label_evidence"]["moved_from"], "jaguar")
        # found_by entries under another label are the same kind of evidence.
        one = dict(jag, found_by=found(("bing", "jaguar", 30), ("bing", "car", 1, "car"),
                                       ("google", "sports car", 2, "car")))
        r = self.label([one, CARS], "--relabel")
        self.assertEqual(r.records[0]["label"], "car")
        self.assertIn("1 moved", r.stderr)

    def test_after_dedup_the_dropped_copy_still_counts(self):
        # pix-dedup drops the copy found under "car" and merges its found_by
        # into the kept "jaguar" record, marking those entries with "car".
        jag = dict(CAR, found_by=found(("bing", "jaguar", 30)), sha256="e" * 64, phash="8f3c5a6b1e2d4c7b",
                   width=800, height=600)
        car = dict(CARS, url="https://x.org/f.jpg", sha256="e" * 64, phash="8f3c5a6b1e2d4c7b",
                   width=400, height=300)
        deduped = run("pix-dedup", [], records=[jag, car])
        self.assertEqual(deduped.returncode, 0, deduped.stderr)
        self.assertEqual(len(deduped.records), 1)
        self.assertIn({"engine": "bing", "query": "car", "rank": 1, "label": "car"},
                      deduped.records[0]["found_by"])
        r = run("pix-label", ["--no-wordnet"], text=deduped.stdout)
        out = r.records[0]
        self.assertTrue(out["needs_review"])
        self.assertEqual(out["label_evidence"]["evidence"]["best_supported"], "car")

    def test_closed_label_set(self):
        other = {"label": "cat", "title": "a cat", "found_by": found(("bing", "cat", 1))}
        r = self.label([STRONG, other], "--labels", "jaguar,car")
        self.assertEqual(r.records[1], other)
        self.assertIn("outside --labels", r.stderr)
        r = self.label([STRONG, other], "--labels", "jaguar,car", "--strict")
        self.assertEqual(r.records[1]["error"]["code"], "unknown_label")
        self.assertEqual(r.returncode, 1)

    def test_drop_below_with_rejects_and_report(self):
        rejects = os.path.join(self.tmp, "rejects.jsonl")
        report = os.path.join(self.tmp, "report.json")
        stats = os.path.join(self.tmp, "stats.json")
        r = self.label([STRONG, CAR, CARS], "--drop-below", "0.5", "--rejects", rejects, "--report", report,
                       "--stats", stats)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(stats) as f:
            st = json.load(f)
        self.assertEqual((st["tool"], st["stage"], st["read"], st["written"]), ("pix-label", "label", 3, 2))
        self.assertEqual(st["extra"]["labelled"], 3)
        self.assertEqual(st["extra"]["dropped"], 1)
        self.assertEqual(st["extra"]["needs_review"], 1)
        self.assertEqual(len(r.records), 2)
        with open(rejects) as f:
            dropped = [json.loads(line) for line in f]
        self.assertEqual(len(dropped), 1)
        self.assertEqual(dropped[0]["url"], CAR["url"])
        self.assertIn("--drop-below 0.5", dropped[0]["label_drop_reason"])
        self.assertIn("1 dropped below 0.5", r.stderr)
        with open(report) as f:
            rep = json.load(f)
        self.assertEqual(rep["labelled"], 3)
        self.assertEqual(rep["dropped"], 1)
        self.assertEqual(rep["labels"]["jaguar"]["images"], 2)
        self.assertEqual(sum(rep["labels"]["jaguar"]["by_band"]), 2)
        self.assertEqual(rep["labels"]["jaguar"]["needs_review"], 1)
        self.assertEqual(rep["backends"], ["evidence"])

    def test_usage_errors(self):
        for args in (["--rejects", "x"], ["--backend", "vlm,evidence"], ["--review-below", "2"],
                     ["--backend", "vlm"], ["--backend", "magic"]):
            r = self.label([STRONG], *args)
            self.assertEqual(r.returncode, 2, args)


class VlmTest(FixtureServerTestCase):
    def setUp(self):
        super().setUp()
        # Landscape pictures "show" the first candidate (car), portrait ones
        # the second (jaguar), square ones neither.
        make_images(self.tmp, ["wide.jpg:jpg:400x300:1", "tall.png:png:300x400:2", "square.jpg:jpg:300x300:3"])
        self.cache = os.path.join(self.tmp, "cache")

    def records(self, names=("wide.jpg", "tall.png")):
        return [dict(STRONG, path=n, sha256=n * 4) for n in names] + [dict(CARS, path="wide.jpg")]

    def label(self, model, records=None, extra=(), protocol="openai", env=None, retries=1):
        args = ["--no-wordnet", "--backend", "evidence,vlm", "--allow-private", "--base-dir", self.tmp,
                "--llm-provider", protocol, "--llm-base-url", self.server.url(f"/vlm/{protocol}/v1"),
                "--llm-model", model, "--llm-cache", self.cache, "--retries", str(retries), *extra]
        return run("pix-label", args, records=records or self.records(), env=env)

    def asked(self, reset=False):
        with urllib.request.urlopen(self.server.url("/vlm/_requests" + ("?reset" if reset else "")),
                                    timeout=10) as r:
            return json.loads(r.read())

    def test_verdicts_blend_and_disagree(self):
        r = self.label("good")
        self.assertEqual(r.returncode, 0, r.stderr)
        wide, tall, car = r.records
        # "jaguar" labelled, the model sees a car: disagreement, lower confidence.
        self.assertEqual(wide["label_evidence"]["vlm"]["label"], "car")
        self.assertEqual(wide["label_source"], "vlm")
        self.assertTrue(wide["needs_review"])
        self.assertIn("disagreement", wide["label_evidence"]["review"])
        self.assertLess(wide["label_confidence"], 0.5)
        self.assertEqual(tall["label_evidence"]["vlm"]["label"], "jaguar")
        self.assertFalse(tall["needs_review"])
        self.assertGreater(tall["label_confidence"], 0.9)
        self.assertFalse(car["needs_review"])
        self.assertIn("vlm: 3 asked", r.stderr)
        # Requests run in parallel: any order, but the image is sent at its size.
        self.assertIn([400, 300], self.asked()["sizes"])
        # The evidence for "jaguar" is strong: the move needs a small margin.
        self.assertEqual(self.label("good", extra=["--relabel"]).records[0]["label"], "jaguar")
        moved = self.label("good", extra=["--relabel", "--relabel-margin", "0.05"]).records[0]
        self.assertEqual(moved["label"], "car")
        self.assertEqual(moved["label_evidence"]["moved_from"], "jaguar")

    def test_anthropic_and_cache(self):
        # The default ANTHROPIC_API_KEY goes only to api.anthropic.com: a key
        # for this loopback server is named explicitly.
        env = {"ANTHROPIC_API_KEY": "test-key"}
        first = self.label("good", protocol="anthropic", env=env,
                           extra=["--llm-key-env", "ANTHROPIC_API_KEY"])
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.records[1]["label_evidence"]["vlm"]["label"], "jaguar")
        n = self.asked()["count"]
        second = self.label("good", protocol="anthropic", env=env,
                            extra=["--llm-key-env", "ANTHROPIC_API_KEY"])
        self.assertEqual(self.asked()["count"], n)  # all cached
        self.assertIn("3 cached", second.stderr)
        self.assertEqual([r["label_confidence"] for r in first.records],
                         [r["label_confidence"] for r in second.records])

    def test_imperfect_answers(self):
        for model in ("prose", "malformed", "plain"):
            r = self.label(model, extra=["--no-llm-cache"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.records[1]["label_evidence"]["vlm"]["label"], "jaguar", model)
        r = self.label("plain", extra=["--no-llm-cache"])
        self.assertEqual(r.records[1]["label_evidence"]["vlm"]["score"], 0.6)

    def test_refusals_and_none(self):
        r = self.label("refuse", extra=["--no-llm-cache"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.records[0]["label_evidence"]["vlm"]["error"], "llm_refused")
        self.assertEqual(r.records[0]["label_source"], "evidence")  # keeps the evidence verdict
        self.assertIn("3 refused", r.stderr)
        r = self.label("good", records=self.records(("square.jpg",)))
        self.assertEqual(r.records[0]["label_evidence"]["vlm"]["label"], "none")
        self.assertTrue(r.records[0]["needs_review"])

    def assert_nothing_labelled(self, r):
        """A stop before labelling: every record read comes back unlabelled,
        saying why (pix(7): nothing read is lost)."""
        self.assertEqual(len(r.records), 3)
        for rec in r.records:
            self.assertNotIn("label_confidence", rec)
            self.assertEqual(rec["error"]["code"], "interrupted")

    def test_unauthorized_is_a_clear_error_before_any_label(self):
        r = self.label("unauthorized")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assert_nothing_labelled(r)
        self.assertIn("llm_unauthorized", r.stderr)
        self.assertIn("--llm-key-env", r.stderr)

    def test_server_without_image_support_stops_at_once(self):
        # A llama.cpp server started without --mmproj answers 500 "image
        # input is not supported": not retried, and no further image is sent.
        r = self.label("noimage", extra=["--no-llm-cache", "-c", "1"], retries=3)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assert_nothing_labelled(r)
        self.assertIn("llm_unsupported_input", r.stderr)
        self.assertIn("--mmproj", r.stderr)
        self.assertEqual(self.asked()["count"], 1)  # no retry, no second image

    def test_reasoning_model_is_learned_and_reported(self):
        # An OpenAI reasoning model refuses max_tokens: the label still comes
        # back, and the summary says what the run learned about the server.
        r = self.label("reasoning", extra=["--no-llm-cache", "-c", "1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.records[1]["label_evidence"]["vlm"]["label"], "jaguar")
        self.assertIn("learned: the server takes max_completion_tokens (not max_tokens)", r.stderr)
        self.assertEqual(self.asked()["count"], 4)  # one refusal, then three answers

    def test_image_goes_before_the_text(self):
        for protocol in ("openai", "anthropic"):
            r = self.label("good", protocol=protocol, env={"KEY": "k"},
                           extra=["--no-llm-cache", "--llm-key-env", "KEY"])
            self.assertEqual(r.returncode, 0, r.stderr)
        firsts = self.asked()["image_first"]
        self.assertEqual(len(firsts), 6)
        self.assertTrue(all(firsts), firsts)

    def test_rate_limits_max_requests_and_concurrency(self):
        r = self.label("ratelimit-once", extra=["--no-llm-cache"])
        self.assertEqual(r.records[1]["label_evidence"]["vlm"]["label"], "jaguar")
        r = self.label("ratelimit", extra=["--no-llm-cache"], retries=0)
        self.assertEqual(r.records[1]["label_evidence"]["vlm"]["error"], "llm_rate_limited")
        self.assertEqual(r.returncode, 0)
        self.asked(reset=True)
        many = [dict(STRONG, path="tall.png", sha256=str(i) * 64, url=f"u{i}") for i in range(8)]
        r = self.label("slow", records=many, extra=["--no-llm-cache", "-c", "3", "--max-requests", "6"])
        self.assertEqual(r.returncode, 0, r.stderr)
        errors = [x["label_evidence"]["vlm"].get("error") for x in r.records]
        self.assertEqual(errors.count("skipped_max_requests"), 2)
        self.assertIn("2 skipped (--max-requests)", r.stderr)
        self.assertLessEqual(self.asked()["concurrent_peak"], 3)
        self.assertGreaterEqual(self.asked()["concurrent_peak"], 2)


def onnx_backends_built():
    r = run("pix-label", ["--version"])
    return "available" in r.stdout


def make_models(directory):
    """The tiny test models (tests/support/make_label_models.py), with the
    first Python that has the onnx module; None when none has it."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support", "make_label_models.py")
    for python in (sys.executable, "/usr/bin/python3"):
        if not os.path.exists(python):
            continue
        r = subprocess.run([python, script, directory], capture_output=True, text=True)
        if r.returncode == 0:
            return directory
    return None


class ModelTest(TempDirTestCase):
    """consensus and classifier with tiny ONNX models whose answers are
    known: pictures tinted red show a cat, green an apple, blue a car."""

    TINTS = {"cat": "ff0000", "apple": "00ff00", "car": "0000ff"}

    def setUp(self):
        super().setUp()
        if not onnx_backends_built():
            self.skipTest("pix-label was built without OpenCV DNN (scripts/install-deps models)")
        if not make_models(os.path.join(self.tmp, "models")):
            self.skipTest("python3-onnx is not installed (scripts/install-deps models)")
        self.models = os.path.join(self.tmp, "models")
        self.records = []
        # 6 right images per class, and one planted wrong label per class.
        for shown, tint in self.TINTS.items():
            names = [f"{shown}{i}.jpg:jpg:160x120:{i + 1}" for i in range(7)]
            subprocess.run([tool("pix-synth"), "-d", self.tmp, "--tint", tint, *names], check=True)
            for i in range(7):
                planted = i == 6
                label = {"cat": "car", "apple": "cat", "car": "apple"}[shown] if planted else shown
                self.records.append({"label": label, "path": f"{shown}{i}.jpg", "sha256": f"{shown}{i}",
                                     "truth": shown, "planted": planted})

    def label(self, *args):
        return run("pix-label", ["--no-wordnet", "--base-dir", self.tmp, *args], records=self.records)

    def flagged_exactly_the_planted(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        for rec in r.records:
            self.assertEqual(rec["needs_review"], rec["planted"], rec)

    def test_consensus_finds_the_planted_labels(self):
        r = self.label("--backend", "consensus", "--embed-model", os.path.join(self.models, "embed.onnx"),
                       "--embed-mean", "0.5", "--embed-std", "0.25", "--neighbours", "5")
        self.flagged_exactly_the_planted(r)
        for rec in r.records:
            v = rec["label_evidence"]["consensus"]
            self.assertEqual(v["label"], rec["truth"])
            self.assertEqual(rec["label_source"], "consensus")
        self.assertIn("consensus: 21 embedded", r.stderr)
        moved = self.label("--backend", "consensus", "--embed-model", os.path.join(self.models, "embed.onnx"),
                           "--embed-mean", "0.5", "--embed-std", "0.25", "--relabel")
        self.assertEqual([x["label"] for x in moved.records], [x["truth"] for x in self.records])
        # Few references: every second image; the verdicts stay right.
        few = self.label("--backend", "consensus", "--embed-model", os.path.join(self.models, "embed.onnx"),
                         "--embed-mean", "0.5", "--embed-std", "0.25", "--neighbours", "3",
                         "--max-references", "11")
        self.flagged_exactly_the_planted(few)

    def test_classifier_maps_labels_to_synsets(self):
        if not os.path.exists("/usr/share/wordnet/index.noun"):
            self.skipTest("WordNet (wordnet-base) is not installed")
        r = run("pix-label", ["--base-dir", self.tmp, "--backend", "classifier",
                              "--classifier-model", os.path.join(self.models, "classifier.onnx"),
                              "--classifier-classes", os.path.join(self.models, "classes.txt"),
                              "--classifier-mean", "0.5", "--classifier-std", "0.25"], records=self.records)
        self.flagged_exactly_the_planted(r)
        for rec in r.records:
            v = rec["label_evidence"]["classifier"]
            self.assertEqual(v["label"], rec["truth"])
            if not rec["planted"]:
                self.assertGreater(rec["label_confidence"], 0.9)

    def test_evidence_then_models_blend(self):
        r = self.label("--backend", "evidence,consensus,classifier",
                       "--embed-model", os.path.join(self.models, "embed.onnx"),
                       "--embed-mean", "0.5", "--embed-std", "0.25",
                       "--classifier-model", os.path.join(self.models, "classifier.onnx"),
                       "--classifier-classes", os.path.join(self.models, "classes.txt"),
                       "--classifier-mean", "0.5", "--classifier-std", "0.25")
        if "WordNet" in r.stderr and r.returncode == 2:
            self.skipTest("WordNet (wordnet-base) is not installed")
        self.flagged_exactly_the_planted(r)
        self.assertEqual(r.records[0]["label_source"], "classifier")

    def test_bad_models_are_clear_errors_before_output(self):
        classes4 = os.path.join(self.tmp, "classes4.txt")
        with open(os.path.join(self.models, "classes.txt")) as f, open(classes4, "w") as g:
            g.write(f.read() + "n02084071 dog\n")
        cases = [
            (["--backend", "consensus"], "--embed-model"),
            (["--backend", "consensus", "--embed-model", os.path.join(self.tmp, "nope.onnx")], "no such model"),
            (["--backend", "consensus", "--embed-model", classes4], "--embed-model"),
            (["--backend", "classifier", "--classifier-model", os.path.join(self.models, "classifier.onnx"),
              "--classifier-classes", classes4], "3 values, 4 expected"),
            (["--backend", "consensus", "--embed-model", os.path.join(self.models, "embed.onnx"),
              "--embed-output", "nonesuch"], "no output 'nonesuch'"),
        ]
        for args, message in cases:
            r = self.label(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(r.stdout, "")
            self.assertIn(message, r.stderr)


if __name__ == "__main__":
    unittest.main()
