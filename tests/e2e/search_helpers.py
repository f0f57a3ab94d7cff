"""What the pix-search end-to-end tests share: a fixture server with the
engine routes (tests/fixture_routes/engines.py) and a way to run pix-search
against it with every engine pointed there and without politeness delays."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ENGINES = ["duckduckgo", "bing", "google", "wikimedia", "openverse", "flickr", "searxng"]


class SearchTestCase(harness.TempDirTestCase):
    """One fixture server for the whole class."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.FixtureServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def base_urls(self, mode="eng"):
        urls = [a for e in ENGINES
                for a in ("--base-url", f"{e}={self.server.url('/' + mode + '/' + e)}")]
        # Google's Custom Search API has an address of its own.
        return urls + ["--engine-opt", f"google.api_url={self.server.url('/' + mode + '/google')}"]

    def search(self, records, args=(), mode="eng", env=None, paced=False, timeout=120):
        """Runs pix-search with every engine at <fixture>/<mode>/<engine>.
        `records`: a label, a list of records, or the raw text of stdin."""
        full = ["--allow-private", "--retries", "0", *self.base_urls(mode)]
        if "PIX_ENGINE_GOOGLE_API_KEY" not in (env or {}):
            full += ["--engine-opt", "google.mode=html"]  # opt-in since issue 15
        if not paced:
            full += [a for e in ENGINES for a in ("--engine-opt", f"{e}.interval=0")]
        clean = {k: "" for k in os.environ if k.startswith("PIX_ENGINE_")}
        clean.update(env or {})
        text = None
        if isinstance(records, str) and "\n" in records:
            text, records = records, None
        elif isinstance(records, str):
            records = [{"label": records}]
        return harness.run("pix-search", [*full, *args], records=records, text=text, env=clean,
                           timeout=timeout)

    def requests(self, path_prefix):
        """Requests the fixture server saw whose path starts with path_prefix."""
        return [r for r in self.server.stats()["requests"] if r["path"].startswith(path_prefix)]

    def errors(self, run):
        return [r for r in run.records if "error" in r]

    def results(self, run):
        return [r for r in run.records if "error" not in r]

    def assertFailure(self, run, engine, code):
        """Exactly one error record, from `engine`, with `code`."""
        errors = self.errors(run)
        self.assertEqual(len(errors), 1, run.stdout + run.stderr)
        self.assertEqual(errors[0]["error"]["stage"], "search")
        self.assertEqual(errors[0]["error"]["code"], code, errors[0])
        self.assertEqual(errors[0].get("engine"), engine)
        self.assertTrue(errors[0]["error"]["message"].startswith(engine + ": "), errors[0])
        self.assertEqual(run.returncode, 1, run.stderr)
        return errors[0]


def main():
    unittest.main()
