"""Install the browser the page tests drive: Debian's ``chromium``, when missing.

Part of the README's test command (and so of ``.ci/run``): a fresh machine gets
everything the tests need from that one line. Playwright's own browser
download reaches a host this project's machines cannot, so the tests launch
Debian's build instead (``tests/page/browser.py``). Runs ``apt-get``, so it
needs root; it says what it runs, and fails with one line if it cannot.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Where Debian's package puts the browser; the tests launch this file.
CHROMIUM = Path("/usr/bin/chromium")
COMMANDS = (["apt-get", "update", "-q"],
            ["apt-get", "install", "-y", "-q", "chromium"])


def fail(reason: str) -> int:
    print(f"install_browser: {reason}; install Debian's chromium (apt-get install chromium) "
          f"so that {CHROMIUM} exists, then run the tests again", file=sys.stderr)
    return 1


def main() -> int:
    if CHROMIUM.exists():
        print(f"install_browser: {CHROMIUM} is there, nothing to install")
        return 0
    if shutil.which("apt-get") is None:
        return fail(f"{CHROMIUM} is missing and this machine has no apt-get")
    if os.geteuid() != 0:
        return fail(f"{CHROMIUM} is missing and apt-get needs root")
    # No question asked on a machine without a terminal (CI has no standard input).
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in COMMANDS:
        print(f"install_browser: {CHROMIUM} is missing; running {' '.join(command)}", flush=True)
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            output = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
            return fail(f"`{' '.join(command)}` failed (exit {result.returncode}: {output[-1]})")
    if not CHROMIUM.exists():
        return fail(f"apt-get installed chromium but {CHROMIUM} is still missing")
    print(f"install_browser: installed {CHROMIUM}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
