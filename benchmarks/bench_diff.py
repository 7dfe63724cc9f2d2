"""Benchmark regress.diff against JS pixelmatch 7.2.0 and the PyPI ``pixelmatch`` package.

Usage:
    python benchmarks/bench_diff.py                 # the shipped full-page capture pair
    python benchmarks/bench_diff.py A.png B.png     # your own pair (same size)
    python benchmarks/bench_diff.py --synthetic     # the older synthetic 1280x4000 page pair
    options: --threshold T, --include-aa, --repeat N (best of N; default 7),
             --pypi-repeat N (default 1: the pure-Python package takes seconds a run),
             --no-node (skip the JS row)
    python benchmarks/bench_diff.py --make-pair CAPTURE.png OUT.png
             # writes the changed copy of a capture, as the shipped "_b" was made

The shipped pair is ``tests/self/data/screenshots/fullpage_article_{a,b}.png``:
``_a`` is one full-page capture of the demo article page at 1280 px wide (taken as
``tests/self/data/screenshots/generate.py`` takes its captures, with
``full_page=True``), ``_b`` is :func:`derive_changed_copy` of it: one band of the
article column moved down by 3 px, one recoloured block (a thumbnail), one changed
text line.

Everything is timed on decoded RGBA in this (warm) process, compare only, best of
N.  Rows:

* JS pixelmatch 7.2.0 under node, with and without a diff image.  The set-up
  installs it with npm into ``benchmarks/.node/`` (git-ignored) on first use; the
  row is skipped, saying why, when node or npm is missing or the install fails.
* the PyPI ``pixelmatch`` package (the pure-Python reference), with a diff image.
* ours (``regress.diff.compare_arrays``, the engine in use: the compiled kernel,
  or the numpy port where numba is unavailable) with and without a diff image,
  and the numpy port on its own.

Then the ratios.  Every implementation's count and diff image must be identical to
ours (JS only on opaque images, where it agrees with the reference: see
``regress/engines/diff.py``); the exit status is 1 if any differs.  The load
average is printed: on a busy machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pixelmatch import pixelmatch  # noqa: E402  (reference implementation)

from regress.diff import compare_arrays, load_rgba  # noqa: E402
from regress.engines import diff as engine  # noqa: E402

PAIR = ROOT / "tests" / "self" / "data" / "screenshots" / "fullpage_article"
NODE_DIR = Path(__file__).resolve().parent / ".node"  # git-ignored
JS_PACKAGES = ("pixelmatch@7.2.0", "pngjs@7")
JS_VERSION = "7.2.0"

# Times pixelmatch on raw RGBA files: warm-up, then best of N with and without output.
JS_RUNNER = r"""
import fs from 'node:fs';
import match from 'pixelmatch';

const [fileA, fileB, width, height, threshold, includeAA, repeat, outFile] = process.argv.slice(2);
const w = Number(width), h = Number(height), n = Number(repeat);
const a = new Uint8Array(fs.readFileSync(fileA)), b = new Uint8Array(fs.readFileSync(fileB));
const options = {threshold: Number(threshold), includeAA: includeAA === '1'};
const output = new Uint8Array(w * h * 4);
function best(out) {
    let ms = Infinity, count = -1;
    for (let k = 0; k < 3 + n; k++) {  // 3 warm-up runs for the JIT
        const t0 = process.hrtime.bigint();
        count = match(a, b, out, w, h, options);
        const dt = Number(process.hrtime.bigint() - t0) / 1e6;
        if (k >= 3) ms = Math.min(ms, dt);
    }
    return [ms, count];
}
const [msImage, count] = best(output);
const [msCount, countOnly] = best(null);
fs.writeFileSync(outFile, output);
console.log(JSON.stringify({msImage, msCount, count, countOnly, node: process.version}));
"""

WIDTH, HEIGHT = 1280, 4000
WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua regression screenshot baseline"
).split()


# --------------------------------------------------------------------------- pairs


def derive_changed_copy(img: np.ndarray) -> np.ndarray:
    """The shipped ``_b``: a capture of the demo article (1280x4378) with three changes.

    1. rows 2280..2879 of the article column (x < 900) move down by 3 px (a layout
       shift of a band of paragraphs);
    2. the thumbnail block at x 960..1051, y 800..865 gets its channels rotated
       (R, G, B) -> (B, R, G) (a recoloured block);
    3. the text line at y 3002..3019 (x < 900) is replaced by the next line's
       pixels (one changed line).
    """
    if img.shape[:2] != (4378, 1280):
        raise ValueError(f"expected a 1280x4378 capture, got {img.shape[1]}x{img.shape[0]}")
    out = img.copy()
    y0, y1, x1 = 2280, 2880, 900
    out[y0 + 3 : y1, :x1] = img[y0 : y1 - 3, :x1]
    block = out[800:866, 960:1052]
    block[..., :3] = block[..., [2, 0, 1]]
    out[3002:3020, :x1] = img[3033:3051, :x1]
    return out


def render_page(variant: int) -> np.ndarray:
    """A synthetic page-like screenshot (``--synthetic``).

    ``variant=1`` is a realistic change of ``variant=0``: one card block moved by a
    few pixels, a changed paragraph and a recoloured button.
    """
    rng = np.random.default_rng(1234)  # same content for both variants
    img = Image.new("RGBA", (WIDTH, HEIGHT), (255, 255, 255, 255))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()

    # header with a horizontal gradient
    grad = np.linspace(0, 1, WIDTH)[None, :, None]
    header = (np.array([30, 60, 120]) * (1 - grad) + np.array([60, 140, 200]) * grad)
    header = np.broadcast_to(header, (120, WIDTH, 3)).astype(np.uint8)
    img.paste(Image.fromarray(header, "RGB"), (0, 0))
    draw.text((40, 45), "Demo Site - Product Catalogue", fill=(255, 255, 255), font=font)
    for k, label in enumerate(["Home", "Products", "Pricing", "Docs", "Contact"]):
        draw.text((700 + 100 * k, 50), label, fill=(230, 240, 255), font=font)

    y = 160
    section = 0
    while y < HEIGHT - 300:
        # a heading and a paragraph of text lines
        draw.text((60, y), f"Section {section}: {' '.join(rng.choice(WORDS, 4))}", fill=(20, 20, 20), font=font)
        y += 30
        for line in range(int(rng.integers(6, 14))):
            text = " ".join(rng.choice(WORDS, int(rng.integers(8, 18))))
            if variant and section == 7 and line in (2, 3):
                text = text.upper()[::-1]  # changed text region
            draw.text((60, y), text, fill=(50, 50, 60), font=font)
            y += 16
        y += 20
        # a row of cards with soft vertical gradients and rounded outlines
        for c in range(3):
            x0 = 60 + c * 400
            dx = 4 if (variant and section == 4 and c == 1) else 0  # shifted block
            dy = 3 if (variant and section == 4 and c == 1) else 0
            g = np.linspace(0, 1, 160)[:, None, None]
            card = (np.array([245, 247, 250]) * (1 - g) + np.array([225, 232, 245]) * g)
            card = np.broadcast_to(card, (160, 360, 3)).astype(np.uint8)
            img.paste(Image.fromarray(card, "RGB"), (x0 + dx, y + dy))
            draw.rounded_rectangle(
                (x0 + dx, y + dy, x0 + dx + 360, y + dy + 160), radius=12, outline=(200, 205, 215), width=2
            )
            draw.ellipse((x0 + dx + 16, y + dy + 16, x0 + dx + 64, y + dy + 64), fill=(90, 140, 220))
            draw.text((x0 + dx + 80, y + dy + 30), f"Card {section}.{c}", fill=(30, 30, 30), font=font)
            draw.text((x0 + dx + 80, y + dy + 50), " ".join(rng.choice(WORDS, 5)), fill=(90, 90, 90), font=font)
            button = (40, 160, 90) if (variant and section == 9 and c == 2) else (40, 110, 220)
            draw.rounded_rectangle(
                (x0 + dx + 16, y + dy + 110, x0 + dx + 136, y + dy + 142), radius=6, fill=button
            )
            draw.text((x0 + dx + 40, y + dy + 120), "Buy now", fill=(255, 255, 255), font=font)
        y += 200
        section += 1

    draw.rectangle((0, HEIGHT - 200, WIDTH, HEIGHT), fill=(35, 38, 45))
    for k in range(4):
        draw.text((60 + 300 * k, HEIGHT - 150), "Footer link " + str(k), fill=(180, 180, 190), font=font)
    return np.array(img, dtype=np.uint8)


# --------------------------------------------------------------------------- JS


def js_setup() -> tuple[Path | None, str]:
    """Install JS pixelmatch 7.2.0 into benchmarks/.node once; (runner path, note)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "node/npm not found"
    installed = NODE_DIR / "node_modules" / "pixelmatch" / "package.json"
    try:
        version = json.loads(installed.read_text())["version"] if installed.is_file() else None
    except (OSError, ValueError, KeyError):
        version = None
    if version != JS_VERSION:
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        manifest = NODE_DIR / "package.json"
        if not manifest.is_file():
            manifest.write_text('{"name": "bench-diff-js", "private": true, "type": "module"}\n')
        print(f"installing {' '.join(JS_PACKAGES)} into {NODE_DIR.relative_to(ROOT)}/ ...", flush=True)
        try:
            proc = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", *JS_PACKAGES],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.TimeoutExpired:
            return None, "npm install timed out"
        if proc.returncode != 0:
            return None, f"npm install failed: {' '.join(proc.stderr.strip().splitlines()[-1:])}"
    runner = NODE_DIR / "bench_runner.mjs"
    if not runner.is_file() or runner.read_text() != JS_RUNNER:
        runner.write_text(JS_RUNNER)
    return runner, "ok"


def js_run(runner: Path, a: np.ndarray, b: np.ndarray, threshold: float, include_aa: bool, repeat: int):
    """(result dict, diff image) from node, or (None, reason)."""
    height, width = a.shape[:2]
    with tempfile.TemporaryDirectory() as tmp:
        fa, fb, fo = (Path(tmp) / n for n in ("a.rgba", "b.rgba", "out.rgba"))
        fa.write_bytes(a.tobytes())
        fb.write_bytes(b.tobytes())
        try:
            proc = subprocess.run(
                [shutil.which("node") or "node", str(runner), str(fa), str(fb), str(width), str(height),
                 repr(threshold), "1" if include_aa else "0", str(repeat), str(fo)],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.TimeoutExpired:
            return None, "node timed out"
        if proc.returncode != 0:
            return None, f"node failed: {proc.stderr.strip()[-300:]}"
        image = np.frombuffer(fo.read_bytes(), dtype=np.uint8).reshape(height, width, 4)
    return json.loads(proc.stdout.strip().splitlines()[-1]), image


# --------------------------------------------------------------------------- main


def best_of(repeat: int, fn):
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="*", type=Path, help="two PNG paths (default: the shipped pair)")
    parser.add_argument("--synthetic", action="store_true", help="the synthetic 1280x4000 page pair")
    parser.add_argument("--threshold", type=float, default=0.1)
    parser.add_argument("--include-aa", action="store_true")
    parser.add_argument("--repeat", type=int, default=7, help="best of N for JS and ours (default 7)")
    parser.add_argument("--pypi-repeat", type=int, default=1, help="runs of the PyPI package (default 1)")
    parser.add_argument("--no-node", action="store_true", help="skip the JS pixelmatch row")
    parser.add_argument("--make-pair", nargs=2, type=Path, metavar=("CAPTURE", "OUT"),
                        help="write derive_changed_copy(CAPTURE) to OUT and exit")
    args = parser.parse_args(argv)

    if args.make_pair:
        capture, out = args.make_pair
        with Image.open(capture) as im:
            rgb = np.array(im.convert("RGB"))
        Image.fromarray(derive_changed_copy(rgb), "RGB").save(out, optimize=True)
        print(f"wrote {out}")
        return 0

    if args.images:
        if len(args.images) != 2:
            parser.error("give exactly two image paths")
        a, b = (load_rgba(p) for p in args.images)
        if a.shape != b.shape:
            parser.error(f"images differ in size: {a.shape[1]}x{a.shape[0]} vs {b.shape[1]}x{b.shape[0]}")
        label = f"{args.images[0]} vs {args.images[1]}"
    elif args.synthetic:
        a, b = render_page(0), render_page(1)
        label = f"synthetic page pair {WIDTH}x{HEIGHT}"
    else:
        a, b = load_rgba(f"{PAIR}_a.png"), load_rgba(f"{PAIR}_b.png")
        label = f"{PAIR.relative_to(ROOT)}_{{a,b}}.png (full-page capture of the demo article)"
    height, width = a.shape[:2]
    opts = dict(threshold=args.threshold, include_aa=args.include_aa)
    n = max(1, args.repeat)
    opaque = bool((a[..., 3] == 255).all() and (b[..., 3] == 255).all())
    print(f"{label}: {width}x{height}, {int((a != b).any(axis=2).sum())} pixels with any RGBA change"
          f"{'' if opaque else ', some not opaque'}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
              " (a busy machine makes every figure noisy)")

    t0 = time.perf_counter()
    ours_engine = engine.engine_in_use()  # loads (and, the first time ever, compiles) the kernel
    compare_arrays(a[:2, :2], b[:2, :2])
    print(f"engine in use: {ours_engine}"
          + (f" (loaded in {time.perf_counter() - t0:.2f} s)" if ours_engine == "fast" else
             f" (compiled kernel unavailable: {engine.fast_engine_error()})"))
    compare_arrays(a, b, **opts)  # warm

    ours_s, ours = best_of(n, lambda: compare_arrays(a, b, **opts))
    ours_count_s, ours_count = best_of(n, lambda: compare_arrays(a, b, want_diff_image=False, **opts))
    numpy_s, numpy_ref = best_of(n, lambda: engine.compare_with_engine("numpy", a, b, **opts))
    numpy_count_s, _ = best_of(n, lambda: engine.compare_with_engine("numpy", a, b, want_diff_image=False, **opts))
    rows = []  # (label, seconds with image, seconds count only, count, image identical to ours)
    ok = True

    js = None
    if args.no_node:
        js_note = "--no-node"
    else:
        runner, js_note = js_setup()
        if runner is not None:
            js, js_image = js_run(runner, a, b, args.threshold, args.include_aa, n)
            if js is None:
                js_note = js_image
    if js is not None:
        same = bool(np.array_equal(js_image, ours.diff_image))
        js_row_ok = js["count"] == js["countOnly"] == ours.diff_pixels and same
        if opaque:
            ok &= js_row_ok
        rows.append((f"JS pixelmatch {JS_VERSION} (node {js['node']})", js["msImage"] / 1e3,
                     js["msCount"] / 1e3, js["count"], same))
        if not opaque:
            print(f"note: JS pixelmatch {JS_VERSION} blends translucent pixels against a checkerboard, we against"
                  " white (see regress/engines/diff.py): its row is not checked against ours here")
    else:
        print(f"JS pixelmatch {JS_VERSION}: row skipped: {js_note}")

    out = bytearray(width * height * 4)
    bytes_a, bytes_b = a.tobytes(), b.tobytes()
    pypi_s, pypi_count = best_of(
        args.pypi_repeat,
        lambda: pixelmatch(bytes_a, bytes_b, width, height, out, threshold=args.threshold,
                           includeAA=args.include_aa),
    )
    pypi_same = bool(np.array_equal(np.frombuffer(out, dtype=np.uint8).reshape(height, width, 4), ours.diff_image))
    ok &= pypi_count == ours.diff_pixels and pypi_same
    rows.append((f"pixelmatch (PyPI), {args.pypi_repeat} run(s)", pypi_s, None, pypi_count, pypi_same))
    numpy_same = bool(np.array_equal(numpy_ref.diff_image, ours.diff_image))
    ok &= numpy_ref.diff_pixels == ours.diff_pixels == ours_count.diff_pixels and numpy_same
    rows.append(("regress.diff, numpy port (reference)", numpy_s, numpy_count_s, numpy_ref.diff_pixels, numpy_same))
    rows.append((f"regress.diff ({ours_engine})", ours_s, ours_count_s, ours.diff_pixels, True))

    print(f"\ncompare only, on decoded RGBA, best of {n} (PyPI: {args.pypi_repeat}):")
    print(f"{'':44s} {'with image':>11s} {'count only':>11s} {'count':>9s}  image == ours")
    for name, s_img, s_cnt, count, same in rows:
        cnt = f"{s_cnt * 1e3:8.1f} ms" if s_cnt is not None else f"{'-':>11s}"
        print(f"{name:44s} {s_img * 1e3:8.1f} ms {cnt} {count:9d}  {same}")
    print()
    if js is not None:
        print(f"ours / JS, with diff image: {ours_s * 1e3 / js['msImage']:.2f}x"
              f"   (target <= 0.50x)")
        print(f"ours / JS, count only:      {ours_count_s * 1e3 / js['msCount']:.2f}x")
    print(f"speed-up over the PyPI package: {pypi_s / ours_s:.0f}x;"
          f" over the numpy port: {numpy_s / ours_s:.1f}x with image, {numpy_count_s / ours_count_s:.1f}x count only")
    print(f"counts and diff images identical: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
