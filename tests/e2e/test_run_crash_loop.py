"""pix-run's crash promise under a seeded crash loop: kill -9 at random
moments, `pix-run resume` after each kill, `PRAGMA integrity_check` on the job
store after every kill, and at the end a dataset equal to an uninterrupted
run's (kept images, duplicates, rejects, and the packed dataset file by file),
with no image requested again once its download had been stored.

PIX_CRASH_KILLS sets how many kills (ctest: 12; `make bench` runs 50) and
PIX_CRASH_SEED the seed. The loop runs as many jobs as it needs to reach the
kill count; each job is compared with the reference when it finishes."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_run import DATASET, dataset_view, engine_env  # noqa: E402

KILLS = int(os.environ.get("PIX_CRASH_KILLS", "12"))
SEED = int(os.environ.get("PIX_CRASH_SEED", "20261202"))
STAGES = ("pix-keywords", "pix-search", "pix-fetch", "pix-validate", "pix-dedup", "pix-label",
          "pix-pack")


class CrashLoopTest(harness.FixtureServerTestCase):
    def env(self):
        env = dict(os.environ)
        env.update(engine_env(self.server))
        return env

    def slow_tools(self):
        """The real tools, each starting after a short pause, so that kills
        also land between stages. The moments are uniform over a run, so most
        land in fetch and validate, the longest stages; test_run_kills.py kills in
        each stage on purpose."""
        tools = os.path.join(self.tmp, "tools")
        os.makedirs(tools)
        for name in STAGES:
            with open(os.path.join(tools, name), "w") as f:
                f.write(f"#!/bin/sh\nsleep 0.2\nexec {harness.tool(name)} \"$@\"\n")
            os.chmod(os.path.join(tools, name), 0o755)
        return tools

    def path_of(self, url):
        return url.split(str(self.server.port), 1)[1]

    def stored_downloads(self, store):
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return {k for (k,) in db.execute(
                "SELECT key FROM items WHERE stage='fetch' AND state='ok'")}
        finally:
            db.close()

    def running_stages(self, store):
        try:
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
            try:
                return [n for (n,) in db.execute("SELECT name FROM stages WHERE state='running'")]
            finally:
                db.close()
        except sqlite3.Error:
            return []

    def test_random_kills_then_resume_give_the_uninterrupted_dataset(self):
        rng = random.Random(SEED)
        yaml = os.path.join(self.tmp, "pets.yaml")
        with open(yaml, "w") as f:
            f.write(DATASET)
        ref_out = os.path.join(self.tmp, "reference")
        r = harness.run("pix-run", ["run", yaml, "-o", ref_out, "-q"], timeout=300,
                        env=engine_env(self.server))
        self.assertIn(r.returncode, (0, 1), r.stderr)
        reference = dataset_view(ref_out)
        # How long an uninterrupted run takes with the slow tools sets the
        # range the kill moments are drawn from.
        tools = self.slow_tools()
        t0 = time.monotonic()
        r = subprocess.run([harness.tool("pix-run"), "run", yaml, "-o",
                            os.path.join(self.tmp, "timed"), "-q", "--tools-dir", tools],
                           env=self.env(), capture_output=True, text=True, timeout=300)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        span = time.monotonic() - t0

        kills, jobs, killed_in = 0, 0, {}
        while kills < KILLS:
            jobs += 1
            out = os.path.join(self.tmp, f"job-{jobs}")
            store = os.path.join(out, ".pix-run", "jobs.sqlite")
            self.server.reset()
            stored = {}  # URL -> image requests for it when its download was first seen stored
            args = ["run", yaml, "-o", out]
            while True:
                proc = subprocess.Popen([harness.tool("pix-run"), *args, "-q", "--tools-dir",
                                         tools], env=self.env(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
                args = ["resume", "1", "--store", store]
                try:
                    _, err = proc.communicate(timeout=rng.uniform(0.05, span * 0.6))
                except subprocess.TimeoutExpired:
                    for stage in self.running_stages(store):
                        killed_in[stage] = killed_in.get(stage, 0) + 1
                    proc.send_signal(signal.SIGKILL)
                    proc.communicate()
                    kills += 1
                    if os.path.exists(store):
                        db = sqlite3.connect(store)
                        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0],
                                         "ok", f"kill {kills}")
                        db.close()
                        counts = self.server.stats()["counts"]
                        for url in self.stored_downloads(store) - stored.keys():
                            stored[url] = counts.get(self.path_of(url), 0)
                    continue
                self.assertIn(proc.returncode, (0, 1), err)
                break
            got = dataset_view(out)
            if got != reference:
                differ = sorted(k for k in set(got[3]) | set(reference[3])
                                if got[3].get(k) != reference[3].get(k))
                keep = os.path.join(os.environ.get("PIX_KEEP_FAILED", self.tmp), "failed-job")
                if "PIX_KEEP_FAILED" in os.environ:
                    subprocess.run(["cp", "-a", out, keep + f"-{jobs}"])
                    subprocess.run(["cp", "-a", ref_out, keep + "-reference"])
                self.fail(f"job {jobs} after {kills} kills differs from the uninterrupted run: "
                          f"kept {got[0] == reference[0]}, duplicates {got[1] == reference[1]}, "
                          f"rejects {got[2] == reference[2]}, packed files {differ}")
            # A stored download is never requested again (a stage left over
            # from a kill may have fetched it once more before it was stored).
            counts = self.server.stats()["counts"]
            for url, seen in stored.items():
                path = self.path_of(url)
                self.assertEqual(counts.get(path), seen, f"{path} downloaded again")
        print(f"crash loop: {kills} kills over {jobs} jobs, seed {SEED}; running stages at the "
              f"kills: {dict(sorted(killed_in.items()))}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
