#!/usr/bin/env python3
"""pix-validate's AI judge against vision servers as they behave today
(issue 15): a llama.cpp server without image support is asked once per
picture, not four times, and the judge stops after a few identical
permanent failures; requests in flight are capped across all validator
threads by --judge-concurrency."""
import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FixtureServerTestCase, run, tool  # noqa: E402

NAMES = [f"p{i}.png" for i in range(8)]


class JudgeLive(FixtureServerTestCase):
    def setUp(self):
        super().setUp()
        specs = [f"{n}:png:{320 + 16 * i}x240:{i + 1}" for i, n in enumerate(NAMES)]
        subprocess.run([tool("pix-synth"), "-d", self.tmp, *specs], check=True)

    def judged(self, model, *extra):
        args = ["--level", "slow", "--min-sharpness", "0", "--judge", "--allow-private",
                "--llm-base-url", self.server.url("/judge/v1"), "--llm-model", model,
                "--no-llm-cache", "--retries", "3", *extra]
        return run("pix-validate", args, records=[{"path": os.path.join(self.tmp, n)} for n in NAMES])

    def asked(self, key="count"):
        with urllib.request.urlopen(self.server.url("/judge/_requests"), timeout=10) as r:
            return json.loads(r.read())[key]

    def test_server_without_image_support_stops_early(self):
        r = self.judged("noimage", "--concurrency", "1")
        self.assertEqual(len(r.records), len(NAMES), r.stderr)
        codes = [x["quality"].get("ai_error") for x in r.records]
        self.assertEqual(codes, ["llm_unsupported_input"] * len(NAMES))
        # Not retried, and not asked again after three identical failures.
        self.assertEqual(self.asked(), 3)
        self.assertIn("--mmproj", r.stderr + json.dumps(r.records))
        self.assertIn("not asked", json.dumps(r.records[-1]))
        self.assertIn("5 not asked", r.stderr)

    def test_unauthorized_stops_early_even_with_threads(self):
        r = self.judged("unauthorized", "--concurrency", "4")
        self.assertEqual(len(r.records), len(NAMES), r.stderr)
        self.assertLessEqual(self.asked(), 3 + 1)  # at most one more in flight at the stop

    def test_requests_in_flight_are_capped_across_threads(self):
        r = self.judged("slow", "--concurrency", "6", "--judge-concurrency", "2")
        self.assertEqual(len(r.records), len(NAMES), r.stderr)
        self.assertTrue(all("ai_judge" in x["quality"]["parts"] for x in r.records), r.stderr)
        self.assertLessEqual(self.server.stats()["peak"]["127.0.0.1"], 2)
        self.assertEqual(self.asked(), len(NAMES))
        # The picture comes before the question, as Anthropic recommends.
        self.assertEqual(self.asked("image_first"), [True] * len(NAMES))


if __name__ == "__main__":
    unittest.main()
