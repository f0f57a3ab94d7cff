#!/usr/bin/env python3
"""Every tool's manners (git's t0012 idea): --help on stdout with exit 0,
--version, a bad flag gives exit 2 with a hint on stderr, the committed
man page OPTIONS section and shell completions match the binary, and
progress is drawn only where it belongs."""
import os
import pty
import subprocess
import tempfile
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

    def stderr_on_a_terminal(self, stdout, env=None):
        """pix-keywords' stderr when it is a pseudo-terminal, stdout as given."""
        try:
            master, slave = pty.openpty()
        except OSError as e:  # a sandbox without /dev/pts
            self.skipTest(f"no pseudo-terminal: {e}")
        try:
            proc = subprocess.run([harness.tool("pix-keywords"), "-k", "cat"], stdout=stdout,
                                  stderr=slave, stdin=subprocess.DEVNULL, timeout=30,
                                  env={**os.environ, "TERM": "xterm", **(env or {})})
            os.close(slave)
            slave = -1
            self.assertEqual(proc.returncode, 0)
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side is closed and drained
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode()
        finally:
            os.close(master)
            if slave >= 0:
                os.close(slave)

    def test_progress_only_on_a_terminal_and_only_at_the_end_of_a_pipeline(self):
        progress = "pix-keywords: 1 read"
        with tempfile.TemporaryFile() as out:  # the last stage: output to a file
            err = self.stderr_on_a_terminal(out)
        self.assertIn("\r\x1b[K" + progress, err)
        self.assertIn("\r\x1b[Kpix-keywords: 1 record in, 4 out", err)
        # In the middle of a pipeline: no progress, the summary still shows.
        r, w = os.pipe()
        try:
            err = self.stderr_on_a_terminal(w)
        finally:
            os.close(w)
            os.close(r)
        self.assertNotIn(progress, err)
        self.assertIn("pix-keywords: 1 record in, 4 out", err)
        with tempfile.TemporaryFile() as out:  # TERM=dumb cannot redraw a line
            err = self.stderr_on_a_terminal(out, {"TERM": "dumb"})
        self.assertNotIn(progress, err)
        self.assertNotIn("\x1b", err)

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

    def test_subcommand_completions(self):
        """pix-pack's verify and tier: offered after the tool's name, with their own flags."""
        bash = os.path.join(harness.SOURCE_DIR, "completions", "bash", "pix-pack")
        script = (f"source '{bash}'; "
                  "c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _pix_pack; "
                  "echo \"${COMPREPLY[*]}\"; }; "
                  "c pix-pack ve; c pix-pack tier x --to ''; c pix-pack tier --ol; "
                  "c pix-pack --ol; c pix-pack verify --q")
        run = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
        self.assertEqual(run.stdout.splitlines(),
                         ["verify", "hot warm archive", "--older-than", "", "--quiet"], run.stderr)
        man = subprocess.run([harness.tool("pix-pack"), "--generate", "man"],
                             capture_output=True, text=True).stdout
        self.assertIn(".SS pix\\-pack tier\n", man)
        fish = subprocess.run([harness.tool("pix-pack"), "--generate", "fish"],
                              capture_output=True, text=True).stdout
        self.assertIn("-n '__fish_seen_subcommand_from tier' -l to -x -a 'hot warm archive'", fish)


if __name__ == "__main__":
    unittest.main()
