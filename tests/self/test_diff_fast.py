"""Differential tests: the compiled diff kernel against the numpy port, its reference.

``regress.engines.diff`` runs the compiled kernel (``diff_fast``) when numba can
load it and the numpy port otherwise; ``compare_with_engine`` picks one.  Every
case here runs both on the same arrays and options and demands the same count and
the same diff image, byte for byte (the numpy port is itself held to the PyPI
``pixelmatch`` package by ``test_diff.py``).

Table-driven: every corpus pair (pixelmatch's fixtures, every screenshot pair) and
every case of a seeded random corpus of small pairs runs under every option set
of ``OPTION_SETS``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from regress.diff import compare_arrays, compare_pngs, load_rgba
from regress.engines import diff as engine

DATA = Path(__file__).parent / "data"
FIXTURES = DATA / "pixelmatch"
SCREENSHOTS = DATA / "screenshots"

OPTION_SETS = [
    {},
    dict(threshold=0),
    dict(threshold=0.05),
    dict(threshold=0.2),
    dict(threshold=1.0),
    dict(include_aa=True),
    dict(include_aa=True, threshold=0),
    dict(alpha=0.0),
    dict(alpha=0.5),
    dict(alpha=1.0),
    dict(diff_mask=True),
    dict(diff_mask=True, include_aa=True),
    dict(diff_color_alt=(0, 0, 255)),
    dict(diff_color_alt=(0, 255, 0), diff_mask=True, threshold=0.05),
    dict(aa_color=(0, 128, 255), diff_color=(10.7, 200, 30), alpha=0.3),
    dict(want_diff_image=False),
    dict(want_diff_image=False, include_aa=True, threshold=0.05),
]


def opts_id(opts: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in opts.items()) or "defaults"


def assert_engines_agree(a: np.ndarray, b: np.ndarray, **opts):
    ref = engine.compare_with_engine("numpy", a, b, **opts)
    fast = engine.compare_with_engine("fast", a, b, **opts)
    label = opts_id(opts)
    assert fast.diff_pixels == ref.diff_pixels, f"[{label}] count {fast.diff_pixels} != reference {ref.diff_pixels}"
    assert fast.total_pixels == ref.total_pixels
    assert fast.size_mismatch is None
    for result in (ref, fast):
        assert result.mask.dtype == np.bool_ and result.mask.shape == a.shape[:2]
        assert int(result.mask.sum()) == result.diff_pixels, f"[{label}] the mask is not the counted pixels"
    wrong_mask = np.argwhere(fast.mask != ref.mask)
    assert wrong_mask.size == 0, f"[{label}] mask differs at {len(wrong_mask)} pixels, first (y, x): {wrong_mask[:5].tolist()}"
    if ref.diff_image is None:
        assert fast.diff_image is None, f"[{label}] an image was not asked for"
        return fast
    assert fast.diff_image.dtype == np.uint8 and fast.diff_image.shape == ref.diff_image.shape
    wrong = np.argwhere((fast.diff_image != ref.diff_image).any(axis=2))
    assert wrong.size == 0, (
        f"[{label}] diff image differs at {len(wrong)} pixels, first (y, x): {wrong[:5].tolist()}; "
        f"fast {fast.diff_image[tuple(wrong[0])].tolist()} vs reference {ref.diff_image[tuple(wrong[0])].tolist()}"
    )
    return fast


def pad(img: np.ndarray, w: int, h: int) -> np.ndarray:
    out = np.zeros((h, w, 4), dtype=np.uint8)
    out[: img.shape[0], : img.shape[1]] = img
    return out


# --------------------------------------------------------------------------- the engines


def test_fast_engine_is_available():
    """numba is a dependency: a silent fallback would only make every diff slow."""
    assert engine.fast_engine_error() is None


def test_engine_selection(monkeypatch):
    monkeypatch.delenv(engine.ENGINE_ENV, raising=False)
    assert engine.engine_in_use() == "fast"
    monkeypatch.setenv(engine.ENGINE_ENV, "numpy")
    assert engine.engine_in_use() == "numpy"
    with pytest.raises(ValueError, match="engine"):
        engine.compare_with_engine("gpu", np.zeros((1, 1, 4), np.uint8), np.zeros((1, 1, 4), np.uint8))


def test_forced_numpy_engine_is_what_compare_arrays_runs(monkeypatch):
    a, b = palette_noise(3)

    def boom(*args, **kwargs):
        raise AssertionError("the compiled kernel ran")

    monkeypatch.setenv(engine.ENGINE_ENV, "numpy")
    monkeypatch.setattr(engine, "_compare_fast", boom)
    assert compare_arrays(a, b).diff_pixels == engine.compare_with_engine("numpy", a, b).diff_pixels
    monkeypatch.delenv(engine.ENGINE_ENV)
    with pytest.raises(AssertionError, match="compiled kernel ran"):
        compare_arrays(a, b)


def test_falls_back_to_numpy_when_the_kernel_cannot_load(monkeypatch):
    import regress.engines as engines_package

    monkeypatch.delenv(engine.ENGINE_ENV, raising=False)
    monkeypatch.setattr(engine, "_fast_module", None)
    monkeypatch.setattr(engine, "_fast_error", None)
    monkeypatch.delattr(engines_package, "diff_fast", raising=False)
    monkeypatch.setitem(sys.modules, "regress.engines.diff_fast", None)  # import fails
    a, b = text_shift(1)
    with pytest.warns(RuntimeWarning, match="numpy port"):
        result = compare_arrays(a, b)
    assert engine.engine_in_use() == "numpy" and "diff_fast" in engine.fast_engine_error()
    ref = engine.compare_with_engine("numpy", a, b)
    assert result.diff_pixels == ref.diff_pixels and np.array_equal(result.diff_image, ref.diff_image)
    assert engine.compare_with_engine("auto", a, b).diff_pixels == ref.diff_pixels
    with pytest.raises(RuntimeError, match="not available"):
        engine.compare_with_engine("fast", a, b)


def test_fast_diff_image_is_a_fresh_rgba_array():
    a, b = palette_noise(4)
    result = engine.compare_with_engine("fast", a, b)
    image = result.diff_image
    assert image.dtype == np.uint8 and image.shape == a.shape
    assert image.flags.c_contiguous and image.flags.writeable
    assert not np.shares_memory(image, a) and not np.shares_memory(image, b)
    again = engine.compare_with_engine("fast", a, b).diff_image
    assert not np.shares_memory(image, again)


# --------------------------------------------------------------------------- corpus pairs


def corpus_pairs() -> list:
    pairs = [pytest.param(FIXTURES / f"{n}a.png", FIXTURES / f"{n}b.png", id=f"pixelmatch-{n}") for n in range(1, 8)]
    pairs.append(pytest.param(FIXTURES / "8a.png", FIXTURES / "5b.png", id="pixelmatch-8a-5b"))
    for path_a in sorted(SCREENSHOTS.glob("*_a.png")):
        name = path_a.name[: -len("_a.png")]
        pairs.append(pytest.param(path_a, SCREENSHOTS / f"{name}_b.png", id=f"screenshot-{name}"))
    return pairs


@pytest.mark.parametrize("opts", OPTION_SETS, ids=opts_id)
@pytest.mark.parametrize("path_a, path_b", corpus_pairs())
def test_corpus_pair(path_a: Path, path_b: Path, opts: dict):
    a, b = load_rgba(path_a), load_rgba(path_b)
    if a.shape != b.shape:  # as compare_pngs does: transparent padding
        w, h = max(a.shape[1], b.shape[1]), max(a.shape[0], b.shape[0])
        a, b = pad(a, w, h), pad(b, w, h)
    assert_engines_agree(a, b, **opts)


def test_corpus_has_the_full_page_pair():
    """The benchmark's real capture pair is in the differential corpus."""
    a = load_rgba(SCREENSHOTS / "fullpage_article_a.png")
    b = load_rgba(SCREENSHOTS / "fullpage_article_b.png")
    assert a.shape == b.shape == (4378, 1280, 4)
    result = assert_engines_agree(a, b)
    assert 30_000 < result.diff_pixels < 45_000
    assert (result.diff_image[..., :3] == (255, 255, 0)).all(axis=2).any()  # AA detection at work


@pytest.mark.parametrize("opts", OPTION_SETS, ids=opts_id)
def test_compare_pngs_same_on_both_engines(monkeypatch, opts):
    """compare_pngs' own paths (identical bytes, size mismatch) under each engine."""
    cases = [
        (SCREENSHOTS / "mismatched_widgets_a.png", SCREENSHOTS / "mismatched_widgets_b.png"),
        (SCREENSHOTS / "identical_headline_a.png", SCREENSHOTS / "identical_headline_a.png"),
        (FIXTURES / "4a.png", FIXTURES / "4b.png"),
    ]
    for path_a, path_b in cases:
        monkeypatch.setenv(engine.ENGINE_ENV, "numpy")
        ref = compare_pngs(path_a, path_b, **opts)
        monkeypatch.delenv(engine.ENGINE_ENV)
        fast = compare_pngs(path_a, path_b, **opts)
        assert (fast.diff_pixels, fast.total_pixels, fast.size_mismatch) == (
            ref.diff_pixels,
            ref.total_pixels,
            ref.size_mismatch,
        )
        if ref.diff_image is None:
            assert fast.diff_image is None
        else:
            assert np.array_equal(fast.diff_image, ref.diff_image), f"{path_a.name}: {opts_id(opts)}"


# --------------------------------------------------------------------------- JS pixelmatch 7.2.0

# mapbox/pixelmatch v7.2.0, test/test.js: (image a, image b, options, JS count).
JS_720_TABLE = [
    ("1a", "1b", dict(threshold=0.05), 143),
    ("1a", "1b", dict(), 106),
    ("1a", "1b", dict(threshold=0.05, include_aa=False, diff_mask=True), 143),
    ("1a", "1a", dict(threshold=0, diff_mask=True), 0),
    ("2a", "2b", dict(threshold=0.05, alpha=0.5, aa_color=(0, 192, 0), diff_color=(255, 0, 255)), 12437),
    ("3a", "3b", dict(threshold=0.05), 212),
    ("4a", "4b", dict(threshold=0.05), 36049),
    ("5a", "5b", dict(threshold=0.05), 6),
    ("6a", "6b", dict(threshold=0.05), 51),
    ("6a", "6a", dict(threshold=0), 0),
    ("7a", "7b", dict(diff_color_alt=(0, 255, 0)), 2448),
    ("8a", "5b", dict(threshold=0.05), 32896),
]
# The two pairs with semi-transparent pixels: JS 7.2.0 blends them against a
# checkerboard by default (the counts above), against white with
# {checkerboard: false}: 0 and 0 (measured with node), which is what we follow
# (see the module docstring of regress/engines/diff.py).
JS_720_WHITE = {("5a", "5b"): 0, ("8a", "5b"): 0}


@pytest.mark.parametrize("name_a, name_b, opts, js_count", JS_720_TABLE,
                         ids=[f"{a}-{b}-{opts_id(o)}" for a, b, o, _ in JS_720_TABLE])
def test_js_pixelmatch_720_counts(name_a, name_b, opts, js_count):
    a, b = load_rgba(FIXTURES / f"{name_a}.png"), load_rgba(FIXTURES / f"{name_b}.png")
    result = assert_engines_agree(a, b, **opts)
    opaque = bool((a[..., 3] == 255).all() and (b[..., 3] == 255).all())
    if opaque:
        assert result.diff_pixels == js_count
    else:
        assert result.diff_pixels == JS_720_WHITE[(name_a, name_b)] != js_count


# --------------------------------------------------------------------------- random corpus


def palette_noise(seed: int, w: int = 64, h: int = 48, alpha: bool = False):
    """Few-colour noise (equal siblings are common: the AA logic) plus perturbations."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, size=(4, 4), dtype=np.uint8)
    if alpha:
        palette[0, 3], palette[1, 3] = 0, 255  # fully transparent and opaque among them
    else:
        palette[:, 3] = 255
    a = palette[rng.integers(0, 4, size=(h, w))]
    b = a.copy()
    mask = rng.random((h, w)) < 0.3
    b[mask] = palette[rng.integers(0, 4, size=int(mask.sum()))]
    small = rng.random((h, w)) < 0.1  # brightness nudges near the threshold
    b[small, :3] = np.clip(b[small, :3].astype(int) + rng.integers(-12, 13, size=(int(small.sum()), 3)), 0, 255)
    return a, b


def full_noise(seed: int):
    rng = np.random.default_rng(1000 + seed)
    h, w = rng.integers(5, 40, size=2)
    a = rng.integers(0, 256, size=(h, w, 4), dtype=np.uint8)
    b = a.copy()
    mask = rng.random((h, w)) < 0.5
    b[mask] = rng.integers(0, 256, size=(int(mask.sum()), 4), dtype=np.uint8)
    return a, b


def alpha_noise(seed: int):
    """Translucent palettes, opaque rows with single translucent pixels, alpha-only changes."""
    rng = np.random.default_rng(2000 + seed)
    a, b = palette_noise(2000 + seed, w=int(rng.integers(3, 50)), h=int(rng.integers(3, 40)), alpha=True)
    h, w = a.shape[:2]
    a[: h // 2, :, 3] = 255  # opaque top half of a ...
    a[int(rng.integers(0, max(1, h // 2))), int(rng.integers(0, w)), 3] = int(rng.integers(1, 255))  # ... but one
    y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
    b[y, x] = a[y, x]
    b[y, x, 3] = a[y, x, 3] ^ 0x01  # only the alpha byte differs
    return a, b


def _text_image(rng, w: int, h: int, offset: tuple[int, int], colour=None, blur: bool = False) -> np.ndarray:
    bg = tuple(int(c) for c in rng.integers(200, 256, size=3)) if rng.random() < 0.5 else (255, 255, 255)
    img = Image.new("RGBA", (w, h), (*bg, 255))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(rng.integers(9, 22)))  # anti-aliased FreeType text
    ink = colour or tuple(int(c) for c in rng.integers(0, 120, size=3))
    ox, oy = offset
    text = "".join(rng.choice(list("Regress 0123456789 news AaBbWwMm,.;"), size=int(rng.integers(4, 14))))
    draw.text((2 + ox, 2 + oy), text, fill=ink, font=font)
    draw.ellipse((w // 2 + ox, h // 3 + oy, w // 2 + 12 + ox, h // 3 + 12 + oy), outline=ink, width=2)
    draw.line((3 + ox, h - 4 + oy, w - 5 + ox, h // 2 + oy), fill=ink, width=1)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(0.7))  # soft, gradient edges
    return np.array(img, dtype=np.uint8)


def text_shift(seed: int):
    """Anti-aliased text and shapes, shifted by a pixel or two: the AA detector's case."""
    rng = np.random.default_rng(3000 + seed)
    w, h = int(rng.integers(40, 110)), int(rng.integers(20, 50))
    shift = [(1, 0), (0, 1), (1, 1), (-1, 2), (2, 0)][seed % 5]
    blur = bool(seed % 2)
    state = rng.bit_generator.state
    a = _text_image(rng, w, h, (0, 0), blur=blur)
    rng.bit_generator.state = state  # same text, colours and sizes
    b = _text_image(rng, w, h, shift, blur=blur)
    return a, b


def text_recolour(seed: int):
    rng = np.random.default_rng(4000 + seed)
    w, h = int(rng.integers(40, 100)), int(rng.integers(20, 40))
    state = rng.bit_generator.state
    a = _text_image(rng, w, h, (0, 0), colour=(20, 20, 30))
    rng.bit_generator.state = state
    b = _text_image(rng, w, h, (0, 0), colour=tuple(int(c) for c in np.random.default_rng(seed).integers(0, 256, 3)))
    return a, b


def sparse_edits(seed: int):
    """Mostly identical pairs edited where a row skip could go wrong: the first or
    last pixel of a row, the first or last row, single pixels beside identical rows."""
    rng = np.random.default_rng(5000 + seed)
    a, _ = text_shift(seed)
    h, w = a.shape[:2]
    b = a.copy()
    spots = [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1), (h // 2, 0), (h // 2, w - 1)]
    spots += [(int(rng.integers(0, h)), int(rng.integers(0, w))) for _ in range(3)]
    for k, (y, x) in enumerate(spots):
        if k % 3 == seed % 3 or k >= 6:
            b[y, x, :3] = 255 - b[y, x, :3]
    return a, b


def band_shift(seed: int):
    """A page-like image with one band moved by a few pixels (as in the benchmark pair)."""
    rng = np.random.default_rng(6000 + seed)
    rows = [_text_image(rng, 90, 16, (0, 0), blur=bool(k % 2)) for k in range(5)]
    a = np.concatenate(rows, axis=0)
    b = a.copy()
    y0, y1, d = 16, 56, 1 + seed % 3
    b[y0 + d : y1] = a[y0 : y1 - d]
    return a, b


def gradient(seed: int):
    """Smooth gradients, lightly perturbed: darker and brighter neighbours everywhere."""
    rng = np.random.default_rng(7000 + seed)
    h, w = int(rng.integers(8, 40)), int(rng.integers(8, 40))
    yy, xx = np.mgrid[0:h, 0:w]
    base = (xx * int(rng.integers(1, 9)) + yy * int(rng.integers(1, 9))) % 256
    a = np.empty((h, w, 4), np.uint8)
    a[..., 0] = base
    a[..., 1] = (base * 3) % 256
    a[..., 2] = 255 - base
    a[..., 3] = 255
    b = a.copy()
    mask = rng.random((h, w)) < 0.25
    b[mask, :3] = np.clip(b[mask, :3].astype(int) + rng.integers(-40, 41, size=(int(mask.sum()), 3)), 0, 255)
    return a, b


def tiny(seed: int):
    """Borders everywhere: 1xN, Nx1 and other small shapes."""
    shapes = [(1, 1), (1, 2), (2, 1), (1, 7), (7, 1), (2, 2), (3, 2), (2, 5), (3, 3), (4, 3)]
    h, w = shapes[seed % len(shapes)]
    rng = np.random.default_rng(8000 + seed)
    palette = rng.integers(0, 256, size=(3, 4), dtype=np.uint8)
    palette[:, 3] = 255 if seed % 2 else palette[:, 3]
    return palette[rng.integers(0, 3, size=(h, w))], palette[rng.integers(0, 3, size=(h, w))]


def identical(seed: int):
    a, _ = (text_shift if seed % 2 else alpha_noise)(seed)
    return a, a.copy()


GENERATORS = {
    "palette-noise": (palette_noise, 6),
    "full-noise": (full_noise, 4),
    "alpha-noise": (alpha_noise, 6),
    "text-shift": (text_shift, 10),
    "text-recolour": (text_recolour, 3),
    "sparse-edits": (sparse_edits, 6),
    "band-shift": (band_shift, 3),
    "gradient": (gradient, 4),
    "tiny": (tiny, 20),
    "identical": (identical, 2),
}


@pytest.mark.parametrize(
    "make, seed",
    [pytest.param(make, seed, id=f"{name}-{seed}") for name, (make, n) in GENERATORS.items() for seed in range(n)],
)
def test_random_corpus(make, seed):
    a, b = make(seed)
    assert a.shape == b.shape and a.dtype == b.dtype == np.uint8
    for opts in OPTION_SETS:
        assert_engines_agree(a, b, **opts)


def test_random_corpus_exercises_the_kernel():
    """The corpus is not vacuous: differences, AA pixels and translucency all occur."""
    counted = aa_seen = translucent = 0
    for name, (make, n) in GENERATORS.items():
        for seed in range(n):
            a, b = make(seed)
            result = engine.compare_with_engine("fast", a, b)
            counted += result.diff_pixels > 0
            aa_seen += bool((result.diff_image[..., :3] == (255, 255, 0)).all(axis=2).any())
            translucent += bool((a[..., 3] < 255).any())
    assert counted > 40 and aa_seen > 10 and translucent > 10


# --------------------------------------------------------------------------- the mask

ALT = (0, 0, 255)


def mask_by_colour(a: np.ndarray, b: np.ndarray, engine_name: str) -> tuple[np.ndarray, np.ndarray, object]:
    """(mask, pixels drawn in the diff or the alt colour, result) with diff_color_alt set."""
    result = engine.compare_with_engine(engine_name, a, b, diff_color_alt=ALT)
    image = result.diff_image
    painted = (image == (255, 0, 0, 255)).all(axis=2) | (image == (*ALT, 255)).all(axis=2)
    return result.mask, painted, result


def all_pairs() -> list:
    pairs = [load_pair(p.values[0], p.values[1]) for p in corpus_pairs()]
    return pairs + [make(seed) for make, n in GENERATORS.values() for seed in range(n)]


def load_pair(path_a: Path, path_b: Path):
    a, b = load_rgba(path_a), load_rgba(path_b)
    if a.shape != b.shape:
        w, h = max(a.shape[1], b.shape[1]), max(a.shape[0], b.shape[0])
        a, b = pad(a, w, h), pad(b, w, h)
    return a, b


@pytest.mark.parametrize("engine_name", ["fast", "numpy"])
def test_mask_with_diff_color_alt_is_every_counted_pixel(engine_name):
    """With diff_color_alt, the counted pixels are in two colours; the mask holds both
    and is the mask of the count-only comparison (drawing options do not move it)."""
    red_only_misses = 0
    for a, b in all_pairs():
        mask, painted, result = mask_by_colour(a, b, engine_name)
        assert np.array_equal(mask, painted) and int(mask.sum()) == result.diff_pixels
        count_only = engine.compare_with_engine(engine_name, a, b, want_diff_image=False)
        assert np.array_equal(mask, count_only.mask)
        red = (result.diff_image == (255, 0, 0, 255)).all(axis=2)
        red_only_misses += int(mask.sum() - red.sum())
    assert red_only_misses > 1000  # matching pure red would have lost these


def test_non_contiguous_input():
    a, b = palette_noise(9)
    view = np.ascontiguousarray(a[:, ::-1])[:, ::-1]
    assert not view.flags.c_contiguous
    fast = engine.compare_with_engine("fast", view, b)
    ref = engine.compare_with_engine("numpy", a, b)
    assert fast.diff_pixels == ref.diff_pixels and np.array_equal(fast.diff_image, ref.diff_image)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_empty_images(shape):
    a = np.zeros((*shape, 4), np.uint8)
    for opts in OPTION_SETS:
        assert_engines_agree(a, a.copy(), **opts)
