"""pix-validate's AI judge against the fake vision model of
tests/fixture_routes/judge.py: blending, caching by image, orientation,
malformed answers, 429, timeouts; and that without --judge nothing is asked."""
import json
import os
import subprocess
import sys
import unittest
import urllib.request

from harness import SOURCE_DIR, FixtureServerTestCase, run, tool

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "support"))
import hostile_images as hi  # noqa: E402


class JudgeTest(FixtureServerTestCase):
    def setUp(self):
        super().setUp()
        subprocess.run([tool("pix-synth"), "-d", self.tmp, "a.png:png:640x480:1", "b.png:png:500x400:2"],
                       check=True)
        subprocess.run([tool("pix-synth"), "-d", self.tmp, "--quality", "95", "c.jpg:jpg:400x300:3"],
                       check=True)
        self.cache = os.path.join(self.tmp, "cache")

    def judged(self, model, names=("a.png",), extra=(), env=None, retries=1):
        args = ["--level", "slow", "--min-sharpness", "0", "--judge", "--allow-private",
                "--llm-base-url", self.server.url("/judge/v1"), "--llm-model", model,
                "--llm-cache", self.cache, "--retries", str(retries), *extra]
        records = [{"path": os.path.join(self.tmp, n)} for n in names]
        return run("pix-validate", args, records=records, env=env)

    def requests(self):
        with urllib.request.urlopen(self.server.url("/judge/_requests"), timeout=10) as r:
            return json.loads(r.read())

    def test_judgement_is_blended_into_the_score(self):
        local = run("pix-validate", ["--level", "slow"],
                    records=[{"path": os.path.join(self.tmp, "a.png")}]).records[0]["quality"]
        r = self.judged("good")
        self.assertEqual(r.returncode, 0, r.stderr)
        q = r.records[0]["quality"]
        self.assertEqual(q["parts"]["ai_judge"], 0.9)
        self.assertEqual(q["ai_reason"], "sharp, well exposed, clear subject")
        self.assertAlmostEqual(q["score"], 0.5 * local["score"] + 0.5 * 0.9, places=3)
        r = self.judged("good", extra=["--judge-weight", "1", "--no-llm-cache"])
        self.assertAlmostEqual(r.records[0]["quality"]["score"], 0.9, places=4)
        self.assertIn("judge: 1 asked", r.stderr)

    def test_the_model_sees_a_small_upright_jpeg(self):
        with open(os.path.join(self.tmp, "c.jpg"), "rb") as f:
            rotated = hi.jpeg_with_exif(f.read(), orientation=6)
        with open(os.path.join(self.tmp, "r.jpg"), "wb") as f:
            f.write(rotated)
        r = self.judged("good", names=("a.png", "r.jpg"))
        self.assertEqual(r.returncode, 0, r.stderr)
        sizes = self.requests()["images"]
        self.assertIn([512, 384], sizes)          # 640x480 reduced to 512 on the long side
        self.assertIn([300, 400], sizes)          # 400x300 stored, orientation 6: upright
        self.assertEqual(r.records[1]["quality"]["parts"]["ai_judge"], 0.1)  # portrait

    def test_answers_are_cached_by_image(self):
        first = self.judged("good", names=("a.png", "b.png"))
        self.assertEqual(self.requests()["count"], 2)
        second = self.judged("good", names=("b.png", "a.png"))
        self.assertEqual(self.requests()["count"], 2)  # nothing asked again
        self.assertIn("2 cached", second.stderr)
        self.assertEqual(first.records[0]["quality"], second.records[1]["quality"])

    def test_lenient_answers(self):
        for model in ("prose", "percent"):
            q = self.judged(model, extra=["--no-llm-cache"]).records[0]["quality"]
            self.assertAlmostEqual(q["parts"]["ai_judge"], 0.9, places=4, msg=model)

    def test_bad_answers_are_errors_not_scores_and_not_cached(self):
        local = run("pix-validate", ["--level", "slow", "--min-sharpness", "0"],
                    records=[{"path": os.path.join(self.tmp, "a.png")}]).records[0]
        for model in ("garbage", "out-of-range"):
            r = self.judged(model)
            self.assertEqual(r.returncode, 0, r.stderr)  # the image is still validated
            out = r.records[0]
            self.assertEqual(out["quality"]["ai_error"], "llm_bad_answer", model)
            self.assertNotIn("ai_judge", out["quality"]["parts"])
            self.assertEqual(out["quality"]["score"], local["quality"]["score"])
            self.assertEqual(out["valid"], local["valid"])
        self.server.reset()
        self.judged("garbage")
        self.assertEqual(self.requests()["count"], 1)  # asked again: not cached

    def test_rate_limits(self):
        r = self.judged("ratelimit-once", extra=["--no-llm-cache"])
        self.assertEqual(r.records[0]["quality"]["parts"]["ai_judge"], 0.9)
        self.assertEqual(self.requests()["count"], 2)  # 429, then the retry
        r = self.judged("ratelimit", extra=["--no-llm-cache"])
        self.assertEqual(r.records[0]["quality"]["ai_error"], "llm_rate_limited")
        self.assertIn("llm_rate_limited: 1", r.stderr)

    def test_timeouts_and_server_errors(self):
        r = self.judged("hang", extra=["--no-llm-cache", "--timeout", "1"], retries=0)
        self.assertEqual(len(r.records), 1, r.stderr)
        self.assertEqual(r.records[0]["quality"]["ai_error"], "llm_timeout")
        r = self.judged("servererror", extra=["--no-llm-cache"], retries=0)
        self.assertEqual(r.records[0]["quality"]["ai_error"], "llm_server_error")

    def test_offline_without_judge_and_usage_errors(self):
        r = run("pix-validate", ["--level", "slow"], records=[{"path": os.path.join(self.tmp, "a.png")}])
        self.assertNotIn("ai_judge", r.records[0]["quality"]["parts"])
        self.assertEqual(self.requests()["count"], 0)
        r = run("pix-validate", ["--judge", "--llm-model", "good"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--level slow", r.stderr)
        r = run("pix-validate", ["--level", "slow", "--judge"])
        self.assertEqual(r.returncode, 2)
        r = run("pix-validate", ["--level", "slow", "--judge", "--llm-model", "good",
                                 "--llm-key-env", "PIX_TEST_NO_SUCH_KEY"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("PIX_TEST_NO_SUCH_KEY", r.stderr)


if __name__ == "__main__":
    unittest.main()
