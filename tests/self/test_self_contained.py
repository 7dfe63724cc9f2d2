"""The project reads nothing outside itself: no absolute path of a machine in code, data,
docs or tests (system binaries and the paths tests make are fine)."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Home folders, this workplace's folders, another machine's user dirs.
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|Users|mnt|tmp/regress)/[\w.-]+")
ALLOWED = {"/root/.cache"}  # where Playwright keeps its browsers, named where we look for them


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if line]


def test_no_absolute_machine_path_in_the_repository():
    found = []
    for path in tracked_files():
        if path.suffix in (".png", ".woff2", ".svg", ".zip") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in MACHINE_PATH.finditer(line):
                if not any(match.group(0).startswith(a) for a in ALLOWED):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert not found, "absolute paths of a machine:\n" + "\n".join(found)
