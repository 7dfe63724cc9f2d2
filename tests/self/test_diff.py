"""Differential tests: regress.diff against the reference PyPI ``pixelmatch`` package.

Every case runs the reference on the same RGBA bytes and demands the same
differing-pixel count and the same diff image, byte for byte.  ``regress.diff``
runs its engine in use, the compiled kernel; ``test_diff_fast.py`` holds that
kernel to the numpy port on the same corpora and more.

Corpora:
* ``data/pixelmatch/``: mapbox/pixelmatch's own test pairs (ISC, see LICENSE there).
* ``data/screenshots/``: real ``<name>_a.png`` / ``<name>_b.png`` pairs of the demo
  site, if present.  Each pair becomes parameters of the same table; with no
  pairs there are simply no such parameters.  Large screenshots are checked
  against the reference's own per-pixel functions over the changed pixels only
  (identical pixels can never count), which keeps the runtime bounded.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pixelmatch import pixelmatch
from pixelmatch.utils import antialiased, color_delta, draw_gray_pixel

from regress.diff import DiffResult, compare_arrays, compare_pngs, load_rgba

DATA = Path(__file__).parent / "data"
FIXTURES = DATA / "pixelmatch"
SCREENSHOTS = DATA / "screenshots"

THRESHOLDS = [0, 0.05, 0.1, 0.2]
# images up to this many pixels are diffed by the full reference (~3 us/pixel)
FULL_REFERENCE_LIMIT = 300_000


# --------------------------------------------------------------------------- helpers


def reference(a: np.ndarray, b: np.ndarray, **opts) -> tuple[int, np.ndarray]:
    """Run the reference pixelmatch with our option names; returns (count, diff image)."""
    h, w = a.shape[:2]
    out = bytearray(w * h * 4)
    count = pixelmatch(
        a.tobytes(),
        b.tobytes(),
        w,
        h,
        out,
        threshold=opts.get("threshold", 0.1),
        includeAA=opts.get("include_aa", False),
        alpha=opts.get("alpha", 0.1),
        aa_color=opts.get("aa_color", (255, 255, 0)),
        diff_color=opts.get("diff_color", (255, 0, 0)),
        diff_mask=opts.get("diff_mask", False),
    )
    return count, np.frombuffer(bytes(out), dtype=np.uint8).reshape(h, w, 4)


def reference_mask(image: np.ndarray, **opts) -> np.ndarray:
    """The counted pixels of a reference diff image: those in the diff colour."""
    colour = tuple(int(c) for c in opts.get("diff_color", (255, 0, 0)))
    aa = tuple(int(c) for c in opts.get("aa_color", (255, 255, 0)))
    assert len(set(colour)) > 1 and colour != aa, "the diff colour must differ from every grey and the AA colour"
    return (image == (*colour, 255)).all(axis=2)


def assert_mask_is(result: DiffResult, expected: np.ndarray) -> None:
    assert result.mask.dtype == np.bool_ and result.mask.shape == expected.shape
    wrong = np.argwhere(result.mask != expected)
    assert wrong.size == 0, f"mask differs at {len(wrong)} pixels, first (y, x) {wrong[:5].tolist()}"
    assert int(result.mask.sum()) == result.diff_pixels


def assert_matches_reference(a: np.ndarray, b: np.ndarray, **opts) -> DiffResult:
    expected_count, expected_image = reference(a, b, **opts)
    result = compare_arrays(a, b, **opts)
    assert result.diff_pixels == expected_count
    assert result.total_pixels == a.shape[0] * a.shape[1]
    assert result.diff_image is not None
    assert result.diff_image.shape == expected_image.shape
    mismatched = np.argwhere((result.diff_image != expected_image).any(axis=2))
    assert mismatched.size == 0, f"diff image differs at (y, x) {mismatched[:5].tolist()}"
    assert_mask_is(result, reference_mask(expected_image, **opts))
    return result


def sparse_reference(a: np.ndarray, b: np.ndarray, threshold: float, include_aa: bool):
    """The reference main loop restricted to pixels whose RGBA differs.

    Identical pixels have colour_delta 0 and are only ever drawn grey, so the
    count and the non-grey pixels are fully determined by the changed pixels.
    Uses the reference package's own color_delta/antialiased.
    """
    h, w = a.shape[:2]
    img1, img2 = a.tobytes(), b.tobytes()
    max_delta = 35215 * threshold * threshold
    count = 0
    drawn: dict[int, tuple[int, int, int, int] | None] = {}  # None = grey
    for flat in np.flatnonzero((a != b).any(axis=2)).tolist():
        y, x = divmod(flat, w)
        pos = flat * 4
        if color_delta(img1, img2, pos, pos) > max_delta:
            if not include_aa and (
                antialiased(img1, x, y, w, h, img2) or antialiased(img2, x, y, w, h, img1)
            ):
                drawn[flat] = (255, 255, 0, 255)
            else:
                drawn[flat] = (255, 0, 0, 255)
                count += 1
        else:
            drawn[flat] = None
    return count, drawn


def pad(img: np.ndarray, w: int, h: int) -> np.ndarray:
    out = np.zeros((h, w, 4), dtype=np.uint8)
    out[: img.shape[0], : img.shape[1]] = img
    return out


def png_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr, "RGBA").save(buf, format="PNG")
    return buf.getvalue()


def solid(w: int, h: int, rgba=(255, 255, 255, 255)) -> np.ndarray:
    out = np.empty((h, w, 4), dtype=np.uint8)
    out[...] = rgba
    return out


def rendered_pattern(w: int = 120, h: int = 80, offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Anti-aliased text and shapes on white, drawn at a sub-image offset."""
    img = Image.new("RGBA", (w, h), (255, 255, 255, 255))
    draw = ImageDraw.Draw(img)
    ox, oy = offset
    draw.text((6 + ox, 6 + oy), "Regress 42", fill=(20, 20, 30), font=ImageFont.load_default())
    draw.ellipse((10 + ox, 30 + oy, 50 + ox, 70 + oy), fill=(200, 60, 60), outline=(20, 20, 20))
    draw.line((60 + ox, 30 + oy, 110 + ox, 75 + oy), fill=(30, 90, 200), width=3)
    draw.rounded_rectangle((70 + ox, 8 + oy, 112 + ox, 26 + oy), radius=5, fill=(40, 160, 90))
    return np.array(img, dtype=np.uint8)


# --------------------------------------------------------------------------- corpus table


def fixture_pairs() -> list:
    pairs = [
        pytest.param(FIXTURES / f"{n}a.png", FIXTURES / f"{n}b.png", id=f"pixelmatch-{n}")
        for n in range(1, 8)
    ]
    pairs.append(pytest.param(FIXTURES / "8a.png", FIXTURES / "5b.png", id="pixelmatch-8a-5b"))
    return pairs


def screenshot_pairs() -> list:
    pairs = []
    if SCREENSHOTS.is_dir():
        for path_a in sorted(SCREENSHOTS.glob("*_a.png")):
            name = path_a.name[: -len("_a.png")]
            # a missing partner fails loudly (FileNotFoundError) instead of vanishing
            pairs.append(pytest.param(path_a, SCREENSHOTS / f"{name}_b.png", id=f"screenshot-{name}"))
    return pairs


# The pure-Python reference takes about a second per real screenshot pair, so those
# run at the default threshold and at 0 (every colour change counts) only.
@pytest.mark.parametrize("include_aa", [False, True], ids=["aa-detect", "aa-count"])
@pytest.mark.parametrize(
    "path_a, path_b, threshold",
    [pytest.param(*p.values, t, id=f"{p.id}-{t}") for p in fixture_pairs() for t in THRESHOLDS]
    + [pytest.param(*p.values, t, id=f"{p.id}-{t}") for p in screenshot_pairs() for t in (0, 0.1)],
)
def test_corpus_pair_matches_reference(path_a: Path, path_b: Path, threshold: float, include_aa: bool):
    a, b = load_rgba(path_a), load_rgba(path_b)
    if a.shape != b.shape:  # compare the way compare_pngs does: transparent padding
        w, h = max(a.shape[1], b.shape[1]), max(a.shape[0], b.shape[0])
        a, b = pad(a, w, h), pad(b, w, h)
        assert compare_pngs(path_a, path_b, threshold=threshold).size_mismatch is not None
    opts = dict(threshold=threshold, include_aa=include_aa)
    h, w = a.shape[:2]
    if w * h <= FULL_REFERENCE_LIMIT:
        assert_matches_reference(a, b, **opts)
        return
    check_against_sparse_reference(a, b, threshold, include_aa)


def check_against_sparse_reference(a: np.ndarray, b: np.ndarray, threshold: float, include_aa: bool):
    """Exact count and colours over the changed pixels, reference grey on a sample of the rest."""
    h, w = a.shape[:2]
    expected_count, drawn = sparse_reference(a, b, threshold, include_aa)
    result = compare_arrays(a, b, threshold=threshold, include_aa=include_aa)
    assert result.diff_pixels == expected_count
    got = result.diff_image.reshape(-1, 4)
    img1 = a.tobytes()
    rng = np.random.default_rng(0)
    sample = set(rng.choice(w * h, size=min(w * h, 20_000), replace=False).tolist())
    for flat in sorted(set(drawn) | sample):
        colour = drawn.get(flat)
        if colour is None:
            out: dict[int, int] = {}
            draw_gray_pixel(img1, flat * 4, 0.1, out)  # writes out[flat*4 .. flat*4+3]
            colour = tuple(out[flat * 4 + k] for k in range(4))
        assert tuple(got[flat]) == colour, f"pixel (y, x) {divmod(flat, w)}"
    counted = np.zeros(w * h, dtype=bool)
    counted[[flat for flat, colour in drawn.items() if colour == (255, 0, 0, 255)]] = True
    assert_mask_is(result, counted.reshape(h, w))


@pytest.mark.parametrize("pair", ["3"])
def test_sparse_reference_checker_agrees_with_full_reference(pair):
    """Validates the checker used for large screenshots on pairs small enough for both."""
    a, b = load_rgba(FIXTURES / f"{pair}a.png"), load_rgba(FIXTURES / f"{pair}b.png")
    for include_aa in (False, True):
        assert sparse_reference(a, b, 0.1, include_aa)[0] == reference(a, b, include_aa=include_aa)[0]
        check_against_sparse_reference(a, b, 0.1, include_aa)


def test_compare_pngs_on_fixture_files_matches_arrays():
    path_a, path_b = FIXTURES / "1a.png", FIXTURES / "1b.png"
    from_files = compare_pngs(path_a, path_b)
    from_bytes = compare_pngs(path_a.read_bytes(), path_b.read_bytes())
    from_arrays = compare_arrays(load_rgba(path_a), load_rgba(path_b))
    assert from_files.diff_pixels == from_bytes.diff_pixels == from_arrays.diff_pixels == 106
    assert from_files.size_mismatch is None
    assert np.array_equal(from_files.diff_image, from_arrays.diff_image)


@pytest.mark.parametrize(
    "opts",
    [
        dict(alpha=0.0),
        dict(alpha=0.5),
        dict(alpha=1.0),
        dict(diff_mask=True),
        dict(diff_mask=True, include_aa=True),
        dict(aa_color=(0, 128, 255), diff_color=(10.7, 200, 30)),
        dict(threshold=1.0),
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
@pytest.mark.parametrize("pair", ["6"])
def test_output_options_match_reference(pair: str, opts: dict):
    a, b = load_rgba(FIXTURES / f"{pair}a.png"), load_rgba(FIXTURES / f"{pair}b.png")
    assert_matches_reference(a, b, **opts)


# --------------------------------------------------------------------------- synthetic


def test_identical_arrays():
    a = rendered_pattern()
    result = assert_matches_reference(a, a.copy())
    assert result.diff_pixels == 0 and result.ratio == 0.0
    masked = compare_arrays(a, a.copy(), diff_mask=True)
    assert masked.diff_pixels == 0 and not masked.diff_image.any()  # fully transparent


def test_one_pixel_changed():
    a = solid(40, 30, (240, 240, 240, 255))
    b = a.copy()
    b[12, 17] = (10, 20, 30, 255)
    result = assert_matches_reference(a, b)
    assert result.diff_pixels == 1
    assert result.ratio == pytest.approx(1 / 1200)
    assert tuple(result.diff_image[12, 17]) == (255, 0, 0, 255)


@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("offset", [(1, 0), (0, 1), (1, 1)], ids=["dx", "dy", "diag"])
def test_one_pixel_shift_of_rendered_pattern(offset, threshold, include_aa):
    a, b = rendered_pattern(), rendered_pattern(offset=offset)
    assert_matches_reference(a, b, threshold=threshold, include_aa=include_aa)


def test_shift_exercises_antialiasing_detection():
    a, b = rendered_pattern(), rendered_pattern(offset=(1, 0))
    detect = compare_arrays(a, b)
    count = compare_arrays(a, b, include_aa=True)
    assert 0 < detect.diff_pixels < count.diff_pixels
    assert (detect.diff_image[..., :3] == (255, 255, 0)).all(axis=2).any()  # some AA drawn


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_recoloured_block(threshold):
    a = rendered_pattern()
    b = a.copy()
    a[50:70, 80:110] = (200, 200, 200, 255)
    b[50:70, 80:110] = (40, 40, 200, 255)
    result = assert_matches_reference(a, b, threshold=threshold)
    assert result.diff_pixels == 20 * 30


def noise_pair(seed: int, w: int = 64, h: int = 48, alpha: bool = False):
    """Few-colour noise (so equal siblings - the AA logic - are common) plus perturbations."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, size=(4, 4), dtype=np.uint8)
    if not alpha:
        palette[:, 3] = 255
    a = palette[rng.integers(0, 4, size=(h, w))]
    b = a.copy()
    mask = rng.random((h, w)) < 0.3
    b[mask] = palette[rng.integers(0, 4, size=int(mask.sum()))]
    small = rng.random((h, w)) < 0.1  # small brightness nudges near the threshold
    b[small, :3] = np.clip(b[small, :3].astype(int) + rng.integers(-12, 13, size=(int(small.sum()), 3)), 0, 255)
    return a, b


@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("seed", range(6))
def test_random_noise(seed, threshold, include_aa):
    a, b = noise_pair(seed)
    assert_matches_reference(a, b, threshold=threshold, include_aa=include_aa)


@pytest.mark.parametrize("seed", range(2))
def test_random_full_range_noise(seed):
    rng = np.random.default_rng(100 + seed)
    a = rng.integers(0, 256, size=(48, 64, 4), dtype=np.uint8)
    b = rng.integers(0, 256, size=(48, 64, 4), dtype=np.uint8)
    for threshold in THRESHOLDS:
        assert_matches_reference(a, b, threshold=threshold)


@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_transparency(seed, include_aa):
    a, b = noise_pair(50 + seed, alpha=True)
    for threshold in (0, 0.1):
        assert_matches_reference(a, b, threshold=threshold, include_aa=include_aa, alpha=0.3)


def test_fully_transparent_pixels_blend_to_white():
    a = solid(8, 8, (0, 0, 0, 0))
    b = solid(8, 8, (255, 10, 200, 0))
    white = solid(8, 8)
    assert assert_matches_reference(a, b, threshold=0).diff_pixels == 0
    assert assert_matches_reference(a, white, threshold=0).diff_pixels == 0
    half = solid(8, 8, (0, 0, 0, 128))
    assert assert_matches_reference(half, white, threshold=0.1).diff_pixels == 64


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (2, 2), (3, 2), (2, 5)])
def test_tiny_images_border_handling(shape):
    h, w = shape
    for seed in range(5):
        rng = np.random.default_rng(seed)
        palette = rng.integers(0, 256, size=(3, 4), dtype=np.uint8)
        palette[:, 3] = 255
        a = palette[rng.integers(0, 3, size=(h, w))]
        b = palette[rng.integers(0, 3, size=(h, w))]
        for threshold in (0, 0.1):
            assert_matches_reference(a, b, threshold=threshold)


def test_threshold_boundary_is_strictly_greater():
    a = solid(5, 5, (100, 100, 100, 255))
    b = a.copy()
    b[2, 2] = (110, 104, 97, 255)
    delta = color_delta(a.tobytes(), b.tobytes(), 48, 48)
    t = math.sqrt(delta / 35215)
    # find the float threshold whose max_delta equals delta exactly, if any
    candidates = [t]
    for _ in range(6):
        candidates += [math.nextafter(candidates[-1], 2.0)]
    candidates += [math.nextafter(t, -1.0), math.nextafter(math.nextafter(t, -1.0), -1.0)]
    for thr in candidates:
        assert_matches_reference(a, b, threshold=thr)
    exact = [thr for thr in candidates if 35215 * thr * thr == delta]
    assert exact, "no threshold hits delta exactly; pick another colour pair"
    for thr in exact:  # delta == max_delta is *not* a difference
        assert compare_arrays(a, b, threshold=thr).diff_pixels == 0
    below = math.sqrt(delta / 35215) * (1 - 1e-9)
    assert compare_arrays(a, b, threshold=below).diff_pixels == 1


def test_diff_color_alt_marks_pixels_darker_in_b():
    a = solid(10, 10, (128, 128, 128, 255))
    b = a.copy()
    b[2, 2] = (0, 0, 0, 255)  # darker in b
    b[7, 7] = (255, 255, 255, 255)  # lighter in b
    result = compare_arrays(a, b, diff_color_alt=(0, 0, 255))
    assert result.diff_pixels == 2
    assert tuple(result.diff_image[2, 2]) == (0, 0, 255, 255)
    assert tuple(result.diff_image[7, 7]) == (255, 0, 0, 255)
    assert np.argwhere(result.mask).tolist() == [[2, 2], [7, 7]]  # both, whatever their colour


def test_want_diff_image_false():
    a, b = noise_pair(3)
    result = compare_arrays(a, b, want_diff_image=False)
    assert result.diff_image is None
    count, image = reference(a, b)
    assert result.diff_pixels == count
    assert_mask_is(result, reference_mask(image))  # the mask without drawing anything


# --------------------------------------------------------------------------- compare_pngs / load_rgba


def test_identical_png_bytes_short_circuit():
    a = rendered_pattern()
    data = png_bytes(a)
    result = compare_pngs(data, bytes(data))
    assert (result.diff_pixels, result.total_pixels, result.size_mismatch) == (0, a.shape[0] * a.shape[1], None)
    assert np.array_equal(result.diff_image, reference(a, a)[1])
    no_image = compare_pngs(data, data, want_diff_image=False)
    assert no_image.diff_image is None and no_image.diff_pixels == 0
    for short_cut in (result, no_image, compare_pngs(data, data, diff_mask=True)):
        assert_mask_is(short_cut, np.zeros(a.shape[:2], dtype=bool))
    with pytest.raises(ValueError, match="image a"):
        compare_pngs(b"garbage", b"garbage")


def test_size_mismatch_pads_with_transparent_pixels(tmp_path):
    small = solid(10, 10, (0, 0, 0, 255))
    large = solid(12, 11, (0, 0, 0, 255))
    (tmp_path / "s.png").write_bytes(png_bytes(small))
    (tmp_path / "l.png").write_bytes(png_bytes(large))
    result = compare_pngs(tmp_path / "s.png", tmp_path / "l.png")
    assert result.size_mismatch == ((10, 10), (12, 11))
    assert result.total_pixels == 12 * 11
    assert result.diff_pixels == 12 * 11 - 10 * 10  # the padded area counts
    assert result.diff_image.shape == (11, 12, 4)
    expected = reference(pad(small, 12, 11), large)
    assert result.diff_pixels == expected[0]
    assert np.array_equal(result.diff_image, expected[1])
    assert_mask_is(result, reference_mask(expected[1]))  # the padded extent, as the count
    # different sizes in both directions
    wide, tall = solid(14, 5, (0, 0, 0, 255)), solid(6, 9, (0, 0, 0, 255))
    crossed = compare_pngs(png_bytes(wide), png_bytes(tall))
    assert crossed.size_mismatch == ((14, 5), (6, 9))
    assert crossed.total_pixels == 14 * 9
    assert crossed.diff_pixels == reference(pad(wide, 14, 9), pad(tall, 14, 9))[0]


def test_corrupt_png_raises_value_error_naming_the_file(tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(png_bytes(solid(4, 4)))
    corrupt = tmp_path / "broken_shot.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    truncated = tmp_path / "truncated_shot.png"
    truncated.write_bytes(png_bytes(rendered_pattern())[:300])
    for bad in (corrupt, truncated):
        with pytest.raises(ValueError, match=bad.name):
            load_rgba(bad)
        with pytest.raises(ValueError, match=bad.name):
            compare_pngs(good, bad)
    with pytest.raises(ValueError, match="image b"):
        compare_pngs(good.read_bytes(), b"not a png at all")
    with pytest.raises(ValueError, match="homepage"):
        load_rgba(b"nope", name="homepage")


def test_load_rgba_converts_modes():
    arr = load_rgba(FIXTURES / "2a.png")  # palette PNG
    assert arr.shape == (256, 256, 4) and arr.dtype == np.uint8
    rgb = load_rgba(FIXTURES / "4a.png")  # RGB PNG
    assert (rgb[..., 3] == 255).all()


@pytest.mark.parametrize("threshold", [-0.01, 1.01, float("nan"), "0.1", None, True])
def test_threshold_out_of_range(threshold):
    a = solid(4, 4)
    with pytest.raises(ValueError, match="threshold"):
        compare_arrays(a, a, threshold=threshold)
    with pytest.raises(ValueError, match="threshold"):
        compare_pngs(png_bytes(a), png_bytes(a), threshold=threshold)


@pytest.mark.parametrize(
    "a, b, match",
    [
        (solid(4, 4), solid(5, 4), "sizes do not match"),
        (solid(4, 4), solid(4, 4).astype(np.uint16), "dtype"),
        (solid(4, 4), solid(4, 4)[..., :2], "shape"),
        (solid(4, 4), solid(4, 4).tolist(), "b must be a numpy uint8 array.*got list"),
    ],
    ids=["size", "dtype", "channels", "not-array"],
)
def test_bad_arrays(a, b, match):
    with pytest.raises(ValueError, match=match):
        compare_arrays(a, b)


@pytest.mark.parametrize(
    "opts", [dict(alpha=2), dict(diff_color=(256, 0, 0)), dict(aa_color=(1, 2)), dict(diff_color_alt="red")]
)
def test_bad_options(opts):
    with pytest.raises(ValueError):
        compare_arrays(solid(2, 2), solid(2, 2), **opts)


def test_non_contiguous_input():
    a, b = noise_pair(9)
    a_view = np.ascontiguousarray(a[:, ::-1])[:, ::-1]  # non-contiguous view, same pixels
    assert not a_view.flags.c_contiguous
    assert compare_arrays(a_view, b).diff_pixels == reference(a, b)[0]
