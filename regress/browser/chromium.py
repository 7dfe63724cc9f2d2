"""Find a usable Chromium and the flags it needs on this closed network."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

# Without these Chromium keeps dialling Google services, which this network refuses.
QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
# The headless shell hints text fully unless told otherwise; "slight" is what full
# Chromium takes from Debian's fontconfig, so both binaries render the same pixels
# and share one set of baselines (checked: 0 differing pixels on the article page).
RENDER_FLAGS = ("--font-render-hinting=slight",)
# Headless runs prefer the headless shell, as Playwright itself does: a fresh page
# costs it about a third of the CPU of full Chromium, which is what lets -n 2 scale
# on 2 cores (see README, "Parallel speed-up").
HEADLESS_SHELLS = ("chromium-headless-shell",)
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

HOW_TO_GET_ONE = (
    "No usable Chromium found. Either run `regress setup` (on Debian it runs "
    "`apt-get install chromium-headless-shell chromium`), or `python -m playwright install chromium` where "
    "downloads are allowed, or point REGRESS_CHROMIUM at a Chromium/Chrome binary."
)


# The suite's timeouts, all here. A broken page fails in seconds, not after Playwright's 30 s
# default: it must not stall CI. A target (--base-url) or a remote browser that does not answer
# within REACH_TIMEOUT_S stops the run at once with one usage error.
PAGE_TIMEOUT_MS = 7_000
NAVIGATION_TIMEOUT_MS = 15_000
REACH_TIMEOUT_S = 5


def apply_timeouts(context) -> None:
    """Every browser context the suite makes gets the same timeouts (actions, and navigation)."""
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)


class NoBrowserError(RuntimeError):
    pass


def find_chromium(playwright_executable: str | None, headless: bool = True) -> str | None:
    """Return the executable to launch, or None to let Playwright use its own build.

    Order: $REGRESS_CHROMIUM, Playwright's own download, then a system Chromium:
    for headless runs the headless shell first, for headed runs only full browsers."""
    explicit = os.environ.get("REGRESS_CHROMIUM")
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise NoBrowserError(f"REGRESS_CHROMIUM={explicit!r} is not an executable file. {HOW_TO_GET_ONE}")
        return explicit
    if playwright_executable and Path(playwright_executable).is_file():
        return None
    for name in (HEADLESS_SHELLS if headless else ()) + SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    raise NoBrowserError(HOW_TO_GET_ONE)


def launch_flags(allowed_hosts: list[str] = ()) -> list[str]:
    """Chromium flags: quiet networking, root sandbox, and third parties blocked.

    Every host but loopback and ``allowed_hosts`` resolves to nothing, so a share
    widget or analytics request fails at once instead of hanging a capture."""
    flags = [*QUIET_FLAGS, *RENDER_FLAGS]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")
    excludes = ["127.0.0.1", "localhost", "[::1]", *allowed_hosts]
    rules = "MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {h}" for h in excludes)
    flags.append(f"--host-resolver-rules={rules}")
    return flags


def host_of(url: str | None) -> list[str]:
    host = urlsplit(url).hostname if url else None
    return [host] if host else []


def _playwright_executable() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        return pw.chromium.executable_path


def _is_headless_shell(path: str) -> bool:
    return Path(path).name in HEADLESS_SHELLS


def _apt_install(*packages: str) -> bool:
    import subprocess

    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"browser: apt-get install {' '.join(packages)}")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    return subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env).returncode == 0


def ensure() -> int:
    """`regress setup`: make sure a browser exists, installing Debian's if we may.

    A full Chromium alone works, but the headless shell is what keeps the suite
    fast, so as root it is added when missing; without root we only say so."""
    import sys

    try:
        found = find_chromium(_playwright_executable())
    except NoBrowserError:
        found = ""
    if found is None or (found and _is_headless_shell(found)) or os.environ.get("REGRESS_CHROMIUM"):
        print(f"browser: {found or 'Playwright Chromium'}")
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        # Full chromium too: `--headed` runs need it, and it is the fallback.
        installed = _apt_install("chromium-headless-shell", "chromium")
        if not installed and not found:  # no headless shell packaged here: chromium alone still works
            installed = _apt_install("chromium")
        if installed or found:
            print(f"browser: {find_chromium(None)}")
            return 0
    if found:
        print(f"browser: {found} (`apt-get install chromium-headless-shell` would make runs faster)")
        return 0
    print(HOW_TO_GET_ONE, file=sys.stderr)
    return 1

