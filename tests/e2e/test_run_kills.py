"""pix-run killed with SIGKILL in every stage, and just after pix-pack has
swapped the new dataset in, then `pix-run resume`: the dataset must be the
uninterrupted run's, and nothing downloaded before the kill is downloaded
again. (test_run_crash_loop.py kills at random moments instead.)"""
import os
import signal
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_run import DATASET, RunTestCase, dataset_view  # noqa: E402


class RunKillsTest(RunTestCase):
    def slow_tools(self):
        """The real tools, but each stage waits a moment before it starts, so
        the test can see every stage running (and kill pix-run there)."""
        tools = os.path.join(self.tmp, "slow-tools")
        os.makedirs(tools, exist_ok=True)
        for name in ("pix-keywords", "pix-search", "pix-fetch", "pix-validate", "pix-dedup",
                     "pix-label", "pix-pack"):
            with open(os.path.join(tools, name), "w") as f:
                f.write(f"#!/bin/sh\nsleep 0.5\nexec {os.path.join(harness.BIN_DIR, name)} \"$@\"\n")
            os.chmod(os.path.join(tools, name), 0o755)
        return tools

    def test_kill_9_in_every_stage_then_resume_gives_the_same_dataset(self):
        ref = self.reference()
        tools = self.slow_tools()
        # Downloads paced so that fetch and validate run long enough to be
        # caught running (the dataset does not depend on the pace).
        with open(self.yaml, "w") as f:
            f.write(DATASET.replace("host_delay: 0.03", "host_delay: 0.15"))
        for stage, min_items in (("keywords", 0), ("search", 0), ("fetch", 4), ("validate", 2),
                                 ("dedup", 0), ("label", 0), ("pack", 0)):
            with self.subTest(stage=stage):
                out = os.path.join(self.tmp, "killed-" + stage)
                store = os.path.join(out, ".pix-run", "jobs.sqlite")
                self.server.reset()
                proc = self.start("run", self.yaml, "-o", out, "-q", "--tools-dir", tools)
                done_before = self.kill_when(proc, store, stage, min_items)
                db = sqlite3.connect(store)
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                db.close()
                r = self.pix_run("resume", "1", "--store", store, "--tools-dir", tools)
                self.assertIn(r.returncode, (0, 1), r.stderr)
                self.assertEqual(dataset_view(out), ref)
                counts = self.server.stats()["counts"]
                for url in done_before:
                    path = url.split(str(self.server.port), 1)[1]
                    self.assertEqual(counts.get(path), 1, f"{path} downloaded again")

    def test_kill_9_after_pack_committed_then_resume_gives_the_same_dataset(self):
        # The moment the random kills of test_run_crash_loop.py found: pix-pack
        # has swapped the new dataset in, pix-run has not yet seen it exit.
        # The resumed pack finds its own output and must leave it as it is
        # (metadata.json counting 0 added, all already present, was the bug).
        ref = self.reference()
        tools = self.tools_with("pix-pack",
                                f"{harness.tool('pix-pack')} \"$@\" || exit $?\nexec sleep 30\n")
        out = os.path.join(self.tmp, "killed-after-pack")
        proc = self.start("run", self.yaml, "-o", out, "-q", "--tools-dir", tools)
        manifest = os.path.join(out, "dataset", "MANIFEST")
        deadline = time.monotonic() + 240
        while not os.path.exists(manifest) and time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "the run ended before pack committed")
            time.sleep(0.02)
        self.assertTrue(os.path.exists(manifest), "pack never committed")
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        r = self.pix_run("resume", "1", "--store", os.path.join(out, ".pix-run", "jobs.sqlite"))
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(dataset_view(out), ref)

    def kill_when(self, proc, store, stage, min_items):
        """kill -9 pix-run once `stage` runs (with min_items answers); returns
        the URLs fetch had finished by then."""
        # Generous: on a loaded machine or under the sanitizers a run takes
        # minutes to reach label and pack.
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.fail(f"the run ended before {stage} was reached: {proc.stderr.read()}")
            if os.path.exists(store):
                try:
                    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.2)
                    row = db.execute("SELECT state FROM stages WHERE job_id=1 AND name=?",
                                     (stage,)).fetchone()
                    n = db.execute("SELECT count(*) FROM items WHERE job_id=1 AND stage=? AND "
                                   "state != 'fed'", (stage,)).fetchone()[0]
                    db.close()
                    if row and row[0] == "running" and n >= min_items:
                        break
                except sqlite3.Error:
                    pass
            time.sleep(0.02)
        else:
            # Stop the run and its stages, so they do not go on hitting the
            # fixture server during the tests that follow.
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
            self.fail(f"{stage} never ran")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        done = [k for (k,) in db.execute(
            "SELECT key FROM items WHERE job_id=1 AND stage='fetch' AND state='ok'")]
        db.close()
        return done


if __name__ == "__main__":
    unittest.main()
