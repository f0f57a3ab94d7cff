#!/usr/bin/env python3
"""pix-search with Openverse client credentials (issue 15): a token fetched
from /v1/auth_tokens/token/ before the first search, sent as Bearer, renewed
once when a page is refused with 401 (an expired token), and a clear error
for bad credentials. The secret must not leak into stderr, --capture or any
request's URL or headers."""
import glob
import os

from search_helpers import SearchTestCase, main

CLIENT_ID, SECRET = "pix-test-client", "pix-test-secret-7Qw2"


class OpenverseCredentials(SearchTestCase):
    def run_with(self, query, *args, secret=SECRET, env=None):
        return self.search(query, ["-e", "openverse", "--engine-opt",
                                   f"openverse.client_id={CLIENT_ID}", *args],
                           env={"PIX_ENGINE_OPENVERSE_CLIENT_SECRET": secret, **(env or {})})

    def assertNoSecret(self, run, capture_dir=None):
        self.assertNotIn(SECRET, run.stdout + run.stderr)
        for r in self.server.stats()["requests"]:
            self.assertNotIn(SECRET, r["path"] + str(r["headers"]))
        if capture_dir:
            for path in glob.glob(os.path.join(capture_dir, "*")):
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.assertNotIn(SECRET, f.read(), path)

    def test_token_then_big_pages(self):
        self.server.reset()
        cap = os.path.join(self.tmp, "cap")
        run = self.run_with("fox total:250", "--max", "250", "--engine-opt",
                            "openverse.page_size=200", "--capture", cap)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(self.results(run)), 250)
        token = self.requests("/eng/openverse/v1/auth_tokens/token/")
        self.assertEqual(len(token), 1)
        self.assertEqual(token[0]["method"], "POST")
        pages = self.requests("/eng/openverse/v1/images/")
        self.assertEqual([p["path"].count("page_size=200") for p in pages], [1, 1])
        self.assertTrue(all(p["headers"]["Authorization"].startswith("Bearer ovtok1-")
                            for p in pages))
        self.assertIn("access tokens fetched: 1", run.stderr)
        # The token exchange is not captured; the pages are, with the token masked.
        self.assertEqual(len(glob.glob(os.path.join(cap, "*.request.json"))), 2)
        for path in glob.glob(os.path.join(cap, "*.request.json")):
            with open(path, encoding="utf-8") as f:
                self.assertNotIn("ovtok", f.read())
        self.assertNoSecret(run, cap)

    def test_secret_named_by_the_config(self):
        self.server.reset()
        config = os.path.join(self.tmp, "dataset.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("search:\n  engine_options:\n    openverse:\n"
                    f"      client_id: {CLIENT_ID}\n      client_secret_env: MY_OV_SECRET\n")
        run = self.search("fox total:30", ["-e", "openverse", "--config", config],
                          env={"MY_OV_SECRET": SECRET})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(self.results(run)), 30)
        self.assertEqual(len(self.requests("/eng/openverse/v1/images/")), 1)  # a 100-result page

    def test_expired_token_is_renewed_and_results_continue(self):
        self.server.reset()
        # Each token is refused after two pages, as one 12 hours old is.
        run = self.run_with("fox total:300 scenario:openverse-token-uses-2", "--max", "300",
                            "--engine-opt", "openverse.page_size=50")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(self.errors(run), [])
        self.assertEqual(len(self.results(run)), 300)
        self.assertEqual([r["rank"] for r in self.results(run)], list(range(1, 301)))
        self.assertEqual(len(self.requests("/eng/openverse/v1/auth_tokens/token/")), 3)
        pages = [p["path"].split("page=")[1].split("&")[0]
                 for p in self.requests("/eng/openverse/v1/images/")]
        # Pages 3 and 5 are refused once and asked again with a new token.
        self.assertEqual(pages, ["1", "2", "3", "3", "4", "5", "5", "6"])
        self.assertIn("access tokens fetched: 3", run.stderr)
        self.assertNoSecret(run)

    def test_bad_credentials(self):
        self.server.reset()
        run = self.run_with("fox", secret="wrong-secret")
        err = self.assertFailure(run, "openverse", "unauthorized")  # exit status 1
        message = err["error"]["message"]
        self.assertIn("invalid_client", message)
        self.assertIn("openverse.client_id", message)
        self.assertIn("PIX_ENGINE_OPENVERSE_CLIENT_SECRET", message)
        self.assertIn("invalid_client", run.stderr)  # said once on the terminal too
        self.assertNotIn("wrong-secret", run.stdout + run.stderr)
        self.assertEqual(self.requests("/eng/openverse/v1/images/"), [])

    def test_bad_credentials_fall_back_to_the_next_engine_and_ask_once(self):
        self.server.reset()
        run = self.search([{"label": "fox total:5"}, {"label": "cat total:5"}],
                          ["-e", "openverse,wikimedia", "--engine-opt",
                           f"openverse.client_id={CLIENT_ID}", "--engine-opt",
                           "wikimedia.contact=me@example.org"],
                          env={"PIX_ENGINE_OPENVERSE_CLIENT_SECRET": "wrong"})
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertEqual(len(self.results(run)), 10)
        self.assertEqual({r["engine"] for r in self.results(run)}, {"wikimedia"})
        self.assertEqual(len(self.requests("/eng/openverse/v1/auth_tokens/token/")), 1)

    def test_secret_refused_on_the_command_line(self):
        run = self.search("fox", ["-e", "openverse", "--engine-opt",
                                  f"openverse.client_id={CLIENT_ID}", "--engine-opt",
                                  f"openverse.client_secret={SECRET}"])
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("environment only", run.stderr)
        self.assertNotIn(SECRET, run.stderr)
        run = self.search("fox", ["-e", "openverse", "--engine-opt",
                                  f"openverse.client_id={CLIENT_ID}"])
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("no client secret", run.stderr)

    def test_dry_run_shows_the_token_masked(self):
        run = self.run_with("fox", "--dry-run")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.records[0]["headers"]["Authorization"], "***")
        self.assertIn("page_size=100", run.records[0]["url"])

    def test_probe_with_credentials(self):
        base = self.server.url("/eng/openverse")
        for secret, verdict in ((SECRET, "ok"), ("wrong", "bad_key")):
            with self.subTest(verdict):
                import harness
                run = harness.run("pix-search", [
                    "--probe", "-e", "openverse", "--allow-private", "--retries", "0",
                    "--base-url", f"openverse={base}", "--engine-opt",
                    f"openverse.client_id={CLIENT_ID}"],
                    env={"PIX_ENGINE_OPENVERSE_CLIENT_SECRET": secret})
                line = run.stdout.splitlines()[1]
                self.assertEqual(line.split()[1], verdict, run.stdout + run.stderr)
                self.assertNotIn(SECRET, run.stdout + run.stderr)


if __name__ == "__main__":
    main()
