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
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

HOW_TO_GET_ONE = (
    "No usable Chromium found. Either run `make setup` (on Debian/Ubuntu it runs "
    "`apt-get install chromium`), or `python -m playwright install chromium` where "
    "downloads are allowed, or point REGRESS_CHROMIUM at a Chromium/Chrome binary."
)


class NoBrowserError(RuntimeError):
    pass


def find_chromium(playwright_executable: str | None) -> str | None:
    """Return the executable to launch, or None to let Playwright use its own build.

    Order: $REGRESS_CHROMIUM, Playwright's own download, a system Chromium."""
    explicit = os.environ.get("REGRESS_CHROMIUM")
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise NoBrowserError(f"REGRESS_CHROMIUM={explicit!r} is not an executable file. {HOW_TO_GET_ONE}")
        return explicit
    if playwright_executable and Path(playwright_executable).is_file():
        return None
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    raise NoBrowserError(HOW_TO_GET_ONE)


def launch_flags(allowed_hosts: list[str] = ()) -> list[str]:
    """Chromium flags: quiet networking, root sandbox, and third parties blocked.

    Every host but loopback and ``allowed_hosts`` resolves to nothing, so a share
    widget or analytics request fails at once instead of hanging a capture."""
    flags = list(QUIET_FLAGS)
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


def ensure() -> int:
    """`make setup`: make sure a browser exists, installing Debian's if we may."""
    import subprocess
    import sys

    try:
        found = find_chromium(_playwright_executable())
        print(f"browser: {found or 'Playwright Chromium'}")
        return 0
    except NoBrowserError:
        pass
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("browser: installing Debian's chromium (apt-get install chromium)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        return 0
    print(HOW_TO_GET_ONE, file=sys.stderr)
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(ensure() if "--ensure" in sys.argv[1:] else 0)
