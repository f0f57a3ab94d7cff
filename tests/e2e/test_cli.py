#!/usr/bin/env python3
"""Every tool's manners (git's t0012 idea): --help on stdout with exit 0,
--version, a bad flag gives exit 2 with a hint on stderr, and the committed
man page OPTIONS section and shell completions match the binary."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TOOLS = sorted(t for t in os.listdir(os.path.join(harness.SOURCE_DIR, "tools")) if t.startswith("pix-"))


class CliTest(unittest.TestCase):
    def test_every_tool_has_help_version_and_usage_errors(self):
        for name in TOOLS:
            with self.subTest(name):
                run = harness.run(name, ["--help"])
                self.assertEqual(run.returncode, 0)
                self.assertIn("Usage:", run.stdout)
                self.assertIn("--help", run.stdout)
                self.assertEqual(run.stderr, "")
                run = harness.run(name, ["--version"])
                self.assertEqual(run.returncode, 0)
                self.assertIn(name, run.stdout)
                run = harness.run(name, ["--no-such-flag"])
                self.assertEqual(run.returncode, 2)
                self.assertEqual(run.stdout, "")
                self.assertIn(f"{name}: error:", run.stderr)
                self.assertIn(f"Run '{name} --help'", run.stderr)

    def test_every_tool_has_a_man_page_and_completions(self):
        for name in TOOLS:
            with self.subTest(name):
                for path in (f"man/{name}.1", f"completions/bash/{name}",
                             f"completions/zsh/_{name}", f"completions/fish/{name}.fish"):
                    self.assertTrue(os.path.exists(os.path.join(harness.SOURCE_DIR, path)), path)
        self.assertTrue(os.path.exists(os.path.join(harness.SOURCE_DIR, "man", "pix.7")))

    def test_generated_docs_match_the_binaries(self):
        run = subprocess.run([sys.executable, os.path.join(harness.SOURCE_DIR, "scripts", "gen-docs"),
                              "--check", harness.BIN_DIR], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_completions_parse_in_their_shells(self):
        for name in TOOLS:
            with self.subTest(name):
                bash = os.path.join(harness.SOURCE_DIR, "completions", "bash", name)
                run = subprocess.run(["bash", "-n", bash], capture_output=True, text=True)
                self.assertEqual(run.returncode, 0, run.stderr)
                run = subprocess.run(["bash", "-c", f"source '{bash}' && complete -p {name}"],
                                     capture_output=True, text=True)
                self.assertEqual(run.returncode, 0, run.stderr)


if __name__ == "__main__":
    unittest.main()
