"""pix-run end to end: the plan, a run against the fixture server (the real
stage tools, the job store, status/list/logs, metrics, the HTML page), the
lock that refuses a second run, a stage that fails (exit 3, resume) and
kill -9 in every stage followed by `pix-run resume`, which must give the
dataset of an uninterrupted run and download nothing twice (the kills are in
test_run_kills.py, a file of their own so that each has ctest's time budget:
under the sanitizers they take half an hour together)."""
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DATASET = """\
name: pets
classes: [cat, dog]
keywords: {templates: ["{label} photo"], max_queries_per_label: 2}
search:
  engines: [duckduckgo, bing]
  every_engine: true
  max: 10
network: {allow_private: true}
download: {per_host: 2, host_delay: 0.03}
validate: {level: medium}
targets: {images_per_class: 20}
"""


def engine_env(server):
    # One pack time for every run, so separate runs write identical label
    # files and MANIFEST (pix-run sets it per job otherwise).
    env = {"SOURCE_DATE_EPOCH": "1796000000"}
    for engine in ("duckduckgo", "bing"):
        e = engine.upper()
        env[f"PIX_ENGINE_{e}_BASE_URL"] = server.url(f"/eng/{engine}")
        env[f"PIX_ENGINE_{e}_INTERVAL"] = "0.05"
    return env


def packed_view(out_dir):
    """The packed dataset pix-pack wrote: every file under dataset/ with its
    SHA-256, except the report, which says when it was made."""
    root = os.path.join(out_dir, "dataset")
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if rel.startswith("report."):
                continue
            with open(path, "rb") as f:
                files[rel] = hashlib.sha256(f.read()).hexdigest()
    return files


def dataset_view(out_dir):
    """What must be equal between two runs: the kept images (url, path, sha256),
    the duplicates and rejects by url, and the packed dataset file by file
    (MANIFEST, label files, images)."""
    def load(name):
        path = os.path.join(out_dir, name)
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    kept = sorted((r["url"], r["path"], r["sha256"]) for r in load("dataset.jsonl"))
    dups = sorted((r["url"], r.get("dup_of")) for r in load("duplicates.jsonl"))
    rejected = sorted(r.get("url", "") for r in load("rejected.jsonl"))
    for url, path, sha in kept:
        assert os.path.exists(os.path.join(out_dir, path)), path
    packed = packed_view(out_dir)
    assert "MANIFEST" in packed, sorted(packed)
    return kept, dups, rejected, packed


class RunTestCase(harness.FixtureServerTestCase):
    """A dataset file in a temporary directory and ways to run pix-run on it
    against the fixture server; the tests are in RunTest and in
    test_run_kills.py."""

    def setUp(self):
        super().setUp()
        self.yaml = os.path.join(self.tmp, "pets.yaml")
        with open(self.yaml, "w") as f:
            f.write(DATASET)

    def pix_run(self, *args, timeout=400, env=None):
        full = engine_env(self.server)
        full.update(env or {})
        return harness.run("pix-run", list(args), timeout=timeout, env=full)

    def start(self, *args):
        env = dict(os.environ)
        env.update(engine_env(self.server))
        return subprocess.Popen([harness.tool("pix-run"), *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)

    def tools_with(self, tool, script):
        """A tools directory of the real tools, except `tool`, which is the
        shell `script`."""
        tools = os.path.join(self.tmp, "tools")
        os.makedirs(tools)
        for name in os.listdir(harness.BIN_DIR):
            if name.startswith("pix-") and name != tool:
                os.symlink(os.path.join(harness.BIN_DIR, name), os.path.join(tools, name))
        with open(os.path.join(tools, tool), "w") as f:
            f.write("#!/bin/sh\n" + script)
        os.chmod(os.path.join(tools, tool), 0o755)
        return tools

    def reference(self):
        """An uninterrupted run's dataset (cached per test)."""
        out = os.path.join(self.tmp, "reference")
        r = self.pix_run("run", self.yaml, "-o", out)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return dataset_view(out)


class RunTest(RunTestCase):
    def test_check_prints_the_plan_and_refuses_bad_files(self):
        r = self.pix_run("check", self.yaml, "-o", os.path.join(self.tmp, "out"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("up to 4 search rounds", r.stdout)
        r = self.pix_run("check", self.yaml, "-o", os.path.join(self.tmp, "out"), "--shard", "1/2")
        self.assertIn("one search round", r.stdout)
        self.assertIn("pix-fetch --dir images --resume --allow-private --per-host 2", r.stdout)
        self.assertIn("pix-validate --config", r.stdout)
        self.assertIn("pix-dedup --mark", r.stdout)
        self.assertIn("target:  20 images per class", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))  # runs nothing
        bad = os.path.join(self.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("classes: [cat]\ndownload:\n  per_hots: 3\n")
        r = self.pix_run("check", bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.yaml:3:3", r.stderr)
        self.assertIn("download.per_hots", r.stderr)
        r = self.pix_run("run", self.yaml, "--shard", "5/4")
        self.assertEqual(r.returncode, 2)

    def test_run_status_logs_metrics_html(self):
        out = os.path.join(self.tmp, "pets")
        prom = os.path.join(self.tmp, "pix.prom")
        r = self.pix_run("run", self.yaml, "-o", out, "--metrics", prom, "--json")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        status = json.loads(r.stdout)
        self.assertEqual(status["state"], "done")
        self.assertEqual([s["name"] for s in status["stages"]],
                         ["keywords", "search", "fetch", "validate", "dedup", "label", "pack"])
        self.assertTrue(all(s["state"] == "done" for s in status["stages"]))
        kept, dups, _, packed = dataset_view(out)
        # The packed dataset holds every kept image, and only those.
        images = [p for p in packed if p.split("/")[0] in ("cat", "dog")]
        self.assertEqual(sorted(packed[p] for p in images), sorted(sha for _, _, sha in kept))
        self.assertIn("labels.json", packed)
        with open(os.path.join(out, "label-report.json")) as f:
            self.assertEqual(set(json.load(f)["labels"]), {"cat", "dog"})
        self.assertGreater(len(kept), 10)
        by_class = {c["label"]: c for c in status["classes"]}
        self.assertEqual(set(by_class), {"cat", "dog"})
        self.assertEqual(sum(c["unique"] for c in by_class.values()), len(kept))
        self.assertEqual(sum(c["labelled"] for c in by_class.values()), len(kept))
        for c in by_class.values():
            self.assertEqual(c["shortfall"], max(0, 20 - c["unique"]))
            self.assertGreaterEqual(c["found"], c["fetched"])
        # Every stored search record went through fetch exactly once.
        store = os.path.join(out, ".pix-run", "jobs.sqlite")
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 2)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        n_search = db.execute("SELECT count(*) FROM items WHERE stage='search' AND state='ok'").fetchone()[0]
        n_fetch = db.execute("SELECT count(*) FROM items WHERE stage='fetch'").fetchone()[0]
        self.assertEqual(n_search, n_fetch)
        db.close()
        # The prioritised queue: the first URLs fetched had the most finds.
        stats = self.server.stats()
        self.assertTrue(all(v == 1 for k, v in stats["counts"].items() if k.startswith("/img/")),
                        "an image was downloaded twice")
        # Temporary files are gone; the event log is archived.
        self.assertFalse(os.path.exists(os.path.join(out, ".pix-run", "tmp")))
        self.assertTrue(os.path.exists(os.path.join(out, "logs", "job-1.events.jsonl.gz")))

        # status, list, logs from inside the dataset directory and by --config.
        r = harness.run("pix-run", ["status", "--store", store])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("job 1 (pets): done", r.stdout)
        self.assertIn("shortfall", r.stdout)
        r = harness.run("pix-run", ["list", "--json", "--store", store])
        self.assertEqual(json.loads(r.stdout.splitlines()[0])["state"], "done")
        r = harness.run("pix-run", ["logs", "1", "--store", store, "--stage", "fetch", "--json"])
        events = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertTrue(events and all(e["stage"] == "fetch" for e in events))
        self.assertTrue(any("started pid" in e["message"] for e in events))
        r = harness.run("pix-run", ["logs", "1", "--store", store, "--level", "error"])
        self.assertEqual(r.returncode, 0)
        html = os.path.join(self.tmp, "status.html")
        r = harness.run("pix-run", ["status", "1", "--store", store, "--html", html])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(html) as f:
            page = f.read()
        self.assertIn('<table id="stages">', page)
        self.assertIn("<td>cat</td>", page)
        self.assertNotIn("<script", page)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium:  # the page renders on its own: a browser sees the tables
            dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                  "--dump-dom", "file://" + html], capture_output=True,
                                 text=True, timeout=120).stdout
            self.assertIn('id="stages"', dom)
            self.assertIn("<td>dog</td>", dom)
        with open(prom) as f:
            metrics = f.read()
        self.assertIn('# TYPE pix_run_items gauge', metrics)
        self.assertIn('pix_run_items{job="1",dataset="pets",stage="fetch",state="ok"}', metrics)
        self.assertIn("pix_run_last_success_timestamp_seconds", metrics)
        self.assertTrue(metrics.endswith("\n"))
        self.assertEqual([f for f in os.listdir(self.tmp) if ".tmp-" in f], [])

        # A second run of the same file is a new job; nothing is downloaded again.
        self.server.reset()
        r = self.pix_run("run", self.yaml, "-o", out)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(dataset_view(out)[0], kept)
        stats = self.server.stats()
        self.assertEqual([k for k in stats["counts"] if k.startswith("/img/")], [])
        r = harness.run("pix-run", ["list", "--store", store])
        self.assertEqual(len(r.stdout.strip().splitlines()), 3)  # header + 2 jobs

    def test_rounds_search_deeper_until_each_class_reaches_its_target(self):
        # fox has 40 results in all, owl 4; round 1 asks for 10 per query.
        # fox needs rounds 2 (20 results) and 3 (40); owl's round 2 finds
        # nothing new, so its sources are exhausted and it stops short.
        with open(self.yaml, "w") as f:
            f.write("""\
name: wild
classes:
  - {label: fox, extra_terms: ["fox total:40"]}
  - {label: owl, extra_terms: ["owl total:4"]}
keywords: {include_label: false, templates: []}
search: {engines: [bing], max: 10}
network: {allow_private: true}
download: {host_delay: 0}
validate: {level: fast}
targets: {images_per_class: 30}
""")
        out = os.path.join(self.tmp, "wild")
        r = self.pix_run("run", self.yaml, "-o", out, "--json")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        status = json.loads(r.stdout)
        self.assertEqual(status["state"], "done")
        self.assertEqual(status["round"], 3)
        store = os.path.join(out, ".pix-run", "jobs.sqlite")
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        rounds = db.execute("SELECT round, label, found, deeper FROM rounds ORDER BY round, label")
        rows = [tuple(row) for row in rounds.fetchall()]
        self.assertEqual([(n, label, found) for n, label, found, _ in rows],
                         [(1, "fox", 10), (1, "owl", 4), (2, "fox", 20), (2, "owl", 4),
                          (3, "fox", 40), (3, "owl", 4)])
        self.assertEqual([deeper for *_, deeper in rows], [1, 1, 1, 0, 0, 0])
        commands = db.execute("SELECT command FROM stages WHERE name = 'search'").fetchone()[0]
        self.assertIn('"--max","40","--every-engine"', commands.replace(" ", ""))
        db.close()
        by_class = {c["label"]: c for c in status["classes"]}
        self.assertGreaterEqual(by_class["fox"]["unique"], 30)
        self.assertEqual(by_class["fox"]["shortfall"], 0)
        self.assertEqual(by_class["owl"]["found"], 4)
        self.assertGreater(by_class["owl"]["shortfall"], 0)
        # Every image was downloaded once, though search found it in several rounds.
        counts = self.server.stats()["counts"]
        images = {k: v for k, v in counts.items() if k.startswith("/img/")}
        self.assertEqual(len(images), 44)
        self.assertTrue(all(v == 1 for v in images.values()), images)
        # The log says why the job went on and why owl stopped short.
        r = harness.run("pix-run", ["logs", "1", "--store", store])
        self.assertIn("round 2: searching again, deeper (pix-keywords --widen 1, pix-search --max 20 "
                      "--every-engine), for fox", r.stdout)
        self.assertIn("round 2: short of the target with no more to search", r.stdout)
        self.assertIn("owl (", r.stdout)
        kept, _, _, packed = dataset_view(out)
        self.assertEqual(len(kept), by_class["fox"]["unique"] + by_class["owl"]["unique"])

    def test_later_rounds_widen_the_queries_of_short_classes(self):
        # owl's one query finds 3 images (the fixture engine's `total:3`), and
        # searching it deeper finds no more; only round 2's wider templates
        # (pix-keywords --widen 1: "owl picture", ...) bring new ones. cat
        # reaches its target in round 1 and is not expanded again. The
        # template "{label} total:0" finds nothing; it is there so that
        # templates are on.
        with open(self.yaml, "w") as f:
            f.write("""\
name: wide
classes:
  - {label: owl, extra_terms: ["owl total:3"]}
  - {label: cat, extra_terms: ["cat total:8"]}
keywords: {include_label: false, templates: ["{label} total:0"]}
search: {engines: [bing], max: 10}
network: {allow_private: true}
download: {host_delay: 0}
validate: {level: fast}
targets: {images_per_class: 5, rounds: 2}
""")
        out = os.path.join(self.tmp, "wide")
        r = self.pix_run("run", self.yaml, "-o", out, "--json")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        status = json.loads(r.stdout)
        by_class = {c["label"]: c for c in status["classes"]}
        store = os.path.join(out, ".pix-run", "jobs.sqlite")
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        command = json.loads(db.execute("SELECT command FROM stages WHERE name = 'keywords'")
                             .fetchone()[0])

        def queries(label):
            return {json.loads(row[0])["query"] for row in db.execute(
                "SELECT record FROM items WHERE stage = 'keywords' AND label = ?", (label,))}

        owl, cat = queries("owl"), queries("cat")
        db.close()
        self.assertEqual(command[-4:], ["--widen", "1", "-k", "owl"])
        self.assertIn("owl total:3", owl)
        self.assertIn("owl picture", owl)
        self.assertEqual(cat, {"cat total:8", "cat total:0", "cat total:8 total:0"})
        self.assertEqual(status["round"], 2)
        self.assertEqual(by_class["cat"]["shortfall"], 0)
        self.assertEqual(by_class["owl"]["shortfall"], 0)  # round 1 alone left it at 3
        # Every image found was downloaded once.
        counts = self.server.stats()["counts"]
        images = {k: v for k, v in counts.items() if k.startswith("/img/")}
        self.assertTrue(all(v == 1 for v in images.values()), images)

    def test_second_run_is_refused_naming_the_running_process(self):
        out = os.path.join(self.tmp, "pets")
        os.makedirs(os.path.join(out, ".pix-run"))
        with open(os.path.join(out, ".pix-run", "jobs.sqlite.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            lock.write("pid 4242\njob 7\n")
            lock.flush()
            t0 = time.monotonic()
            r = self.pix_run("run", self.yaml, "-o", out)
            self.assertLess(time.monotonic() - t0, 5)  # at once, not after a wait
        self.assertEqual(r.returncode, 3)
        self.assertIn("pid 4242", r.stderr)
        self.assertIn("job 7", r.stderr)

    def test_a_cron_rerun_adds_only_new_images_and_downloads_nothing_again(self):
        with open(self.yaml, "a") as f:
            f.write("dedup: {index: pets-index.sqlite}\n")
        out = os.path.join(self.tmp, "pets")
        r = self.pix_run("run", self.yaml, "-o", out, "-q")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        first = dataset_view(out)
        self.assertGreater(len(first[0]), 0)
        with open(os.path.join(out, "dataset", "labels.json"), "rb") as f:
            labels = f.read()
        images = {p: os.stat(os.path.join(out, p)).st_ino for _, p, _ in first[0]}
        self.server.reset()
        r = self.pix_run("run", self.yaml, "-o", out, "-q")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        counts = self.server.stats()["counts"]
        self.assertEqual({p: n for p, n in counts.items() if p.startswith("/img/")}, {},
                         "the second run downloaded images again")
        store = os.path.join(out, ".pix-run", "jobs.sqlite")
        listed = harness.run("pix-run", ["list", "--json", "--store", store]).stdout
        jobs = [json.loads(line) for line in listed.splitlines()]
        self.assertEqual([(j["job"], j["state"]) for j in jobs], [(1, "done"), (2, "done")])
        # Every image is one the first run kept: nothing new to add.
        self.assertEqual(dataset_view(out)[0], [])
        # Nothing new to pack: the dataset is left as it was, byte for byte
        # (metadata.json and the report still describe the run that made it).
        with open(os.path.join(out, "dataset", "labels.json"), "rb") as f:
            self.assertEqual(f.read(), labels)
        self.assertEqual(packed_view(out), first[3])
        r = harness.run("pix-pack", ["verify", "-q", os.path.join(out, "dataset")])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for path, inode in images.items():
            self.assertEqual(os.stat(os.path.join(out, path)).st_ino, inode, path)

    def test_a_failing_stage_stops_the_job_with_exit_3_and_resume_finishes_it(self):
        ref = self.reference()
        # Tools directory where pix-validate dies after a few records.
        tools = self.tools_with("pix-validate", "head -n 3 >/dev/null\n"
                                "echo 'pix-validate: error: disk on fire' >&2\nexit 3\n")
        out = os.path.join(self.tmp, "pets")
        r = self.pix_run("run", self.yaml, "-o", out, "--tools-dir", tools)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("stage validate failed (exit 3)", r.stderr)
        self.assertIn("disk on fire", r.stderr)
        self.assertIn("pix-run resume 1", r.stderr)
        store = os.path.join(out, ".pix-run", "jobs.sqlite")
        status = json.loads(harness.run("pix-run", ["status", "1", "--json", "--store", store]).stdout)
        self.assertEqual(status["state"], "failed")
        validate = [s for s in status["stages"] if s["name"] == "validate"][0]
        self.assertEqual(validate["state"], "failed")
        self.assertGreater(validate["failed_by_code"].get("stage_failed", 0), 0)
        r = harness.run("pix-run", ["logs", "1", "--store", store, "--level", "error"])
        self.assertIn("disk on fire", r.stdout)
        # Resume with the real tools: the same dataset as an uninterrupted run.
        r = self.pix_run("resume", "1", "--store", store)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(dataset_view(out), ref)

    def test_a_record_a_stage_never_answers_reaches_the_dataset_report(self):
        # A pix-validate that exits 0 but drops its first answer: the record
        # is lost (no_output), yet label and pack still account for it.
        tools = self.tools_with("pix-validate",
                                f"'{harness.tool('pix-validate')}' \"$@\" | sed 1d\n")
        with open(self.yaml, "w") as f:
            f.write(DATASET.replace("targets: {images_per_class: 20}", ""))
        out = os.path.join(self.tmp, "pets")
        r = self.pix_run("run", self.yaml, "-o", out, "--tools-dir", tools)
        self.assertEqual(r.returncode, 1, r.stderr)
        with open(os.path.join(out, "rejected.jsonl")) as f:
            lost = [json.loads(line) for line in f if '"no_output"' in line]
        self.assertEqual(len(lost), 1)
        self.assertEqual(lost[0]["error"]["stage"], "validate")
        self.assertIn("without answering", lost[0]["error"]["message"])
        self.assertTrue(lost[0]["url"] and lost[0]["sha256"])  # the record as it was fed
        with open(os.path.join(out, "dataset", "report.json")) as f:
            self.assertIn("no_output", f.read())

    def test_four_shards_merged_equal_one_run(self):
        # Shards search once (a shard cannot tell whether a class is short),
        # so the single run they are compared with searches once too.
        with open(self.yaml, "w") as f:
            f.write(DATASET.replace("targets: {images_per_class: 20}",
                                    "targets: {images_per_class: 20, rounds: 1}"))
        ref = self.reference()
        # The GNU parallel recipe of man pix-run, when parallel is installed;
        # otherwise the same four commands side by side.
        env = dict(os.environ)
        env.update(engine_env(self.server))
        if shutil.which("parallel"):
            r = subprocess.run(
                ["parallel", "-j4", harness.tool("pix-run"), "run", self.yaml, "-o",
                 os.path.join(self.tmp, "shard-{}"), "--shard", "{}/4", "-q", ":::",
                 "1", "2", "3", "4"], env=env, capture_output=True, text=True, timeout=300)
            self.assertIn(r.returncode, (0, 1, 2, 3, 4), r.stderr)  # parallel: failed jobs
        else:
            cmds = [[harness.tool("pix-run"), "run", self.yaml, "-o",
                     os.path.join(self.tmp, f"shard-{k}"), "--shard", f"{k}/4", "-q"]
                    for k in range(1, 5)]
            procs = [subprocess.Popen(c, env=env, stderr=subprocess.PIPE, text=True)
                     for c in cmds]
            for p in procs:
                _, err = p.communicate(timeout=300)
                self.assertIn(p.returncode, (0, 1), err)
        for k in range(1, 5):
            store = os.path.join(self.tmp, f"shard-{k}", ".pix-run", "jobs.sqlite")
            r = harness.run("pix-run", ["status", "--json", "--store", store])
            self.assertEqual(json.loads(r.stdout)["state"], "done", r.stderr)
        sizes = [len(dataset_view(os.path.join(self.tmp, f"shard-{k}"))[0]) for k in range(1, 5)]
        self.assertTrue(all(n > 0 for n in sizes), sizes)
        merged = os.path.join(self.tmp, "merged")
        r = self.pix_run("merge", merged, *[os.path.join(self.tmp, f"shard-{k}")
                                           for k in range(1, 5)])
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(dataset_view(merged), ref)



if __name__ == "__main__":
    unittest.main()
