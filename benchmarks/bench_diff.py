"""Benchmark regress.diff against the reference PyPI ``pixelmatch`` package.

Usage:
    python benchmarks/bench_diff.py                 # synthetic 1280x4000 page pair
    python benchmarks/bench_diff.py A.png B.png     # your own pair (same size)
    options: --threshold T, --include-aa, --repeat N (ours, best of N; default 5)

Times the reference once and ours best-of-N (both producing a diff image),
checks that the differing-pixel counts and diff images are identical, prints
the figures and exits non-zero if they differ.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pixelmatch import pixelmatch  # noqa: E402  (reference implementation)

from regress.diff import compare_arrays, load_rgba  # noqa: E402

WIDTH, HEIGHT = 1280, 4000
WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua regression screenshot baseline"
).split()


def render_page(variant: int) -> np.ndarray:
    """A page-like screenshot: header, nav, text columns, cards, gradients, footer.

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="*", type=Path, help="two PNG paths (default: synthetic pair)")
    parser.add_argument("--threshold", type=float, default=0.1)
    parser.add_argument("--include-aa", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    if args.images:
        if len(args.images) != 2:
            parser.error("give exactly two image paths")
        a, b = (load_rgba(p) for p in args.images)
        if a.shape != b.shape:
            parser.error(f"images differ in size: {a.shape[1]}x{a.shape[0]} vs {b.shape[1]}x{b.shape[0]}")
        label = f"{args.images[0]} vs {args.images[1]}"
    else:
        a, b = render_page(0), render_page(1)
        label = f"synthetic page pair {WIDTH}x{HEIGHT}"
    height, width = a.shape[:2]
    opts = dict(threshold=args.threshold, include_aa=args.include_aa)
    print(f"{label}: {width}x{height}, {int((a != b).any(axis=2).sum())} pixels with any RGBA change")

    out = bytearray(width * height * 4)
    bytes_a, bytes_b = a.tobytes(), b.tobytes()
    t0 = time.perf_counter()
    ref_count = pixelmatch(
        bytes_a, bytes_b, width, height, out, threshold=args.threshold, includeAA=args.include_aa
    )
    ref_s = time.perf_counter() - t0

    best = float("inf")
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        result = compare_arrays(a, b, **opts)
        best = min(best, time.perf_counter() - t0)

    ref_image = np.frombuffer(out, dtype=np.uint8).reshape(height, width, 4)
    images_equal = bool(np.array_equal(ref_image, result.diff_image))
    print(f"reference pixelmatch: {ref_s:9.3f} s   count {ref_count}")
    print(f"regress.diff (best/{args.repeat}): {best:9.4f} s   count {result.diff_pixels}")
    print(f"speed-up: {ref_s / best:.1f}x")
    print(f"counts identical: {ref_count == result.diff_pixels}   diff images identical: {images_equal}")
    return 0 if ref_count == result.diff_pixels and images_equal else 1


if __name__ == "__main__":
    sys.exit(main())
