"""What ``compare_arrays`` accepts: every array its docstring describes, on both engines.

Each accepted form of the same pixels (read-only from PIL, sliced, strided,
misaligned, RGB) must give the result of the plain writable C-contiguous RGBA
copy, on the compiled kernel and on the numpy port; everything else is one
ValueError naming the argument, what it was and what is valid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from regress.diff import compare_arrays, compare_pngs, load_rgba
from regress.engines import diff as engine

FIXTURES = Path(__file__).parent / "data" / "pixelmatch"
ENGINES = ["fast", "numpy"]


def pil_array(name: str) -> np.ndarray:
    """The most common way to get an image's array: read-only, in the file's mode."""
    with Image.open(FIXTURES / name) as im:
        return np.asarray(im)


def misaligned(arr: np.ndarray) -> np.ndarray:
    """The same pixels in a buffer that starts one byte past a word boundary."""
    raw = np.empty(arr.nbytes + 4, dtype=np.uint8)
    start = (-raw.ctypes.data) % 4 + 1
    out = raw[start : start + arr.nbytes].reshape(arr.shape)
    out[...] = arr
    assert out.ctypes.data % 4 == 1
    return out


def rgba(arr: np.ndarray) -> np.ndarray:
    """A writable C-contiguous RGBA copy: the form every other one must match."""
    if arr.shape[2] == 3:
        arr = np.concatenate([arr, np.full(arr.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return np.array(arr, dtype=np.uint8, order="C")


# (id, a, b): each an accepted form of a fixture pair
CASES = [
    ("read-only-rgba-from-pil", lambda: (pil_array("1a.png"), pil_array("1b.png"))),
    ("read-only-rgb-from-pil", lambda: (pil_array("4a.png"), pil_array("4b.png"))),
    ("rgb-against-rgba", lambda: (pil_array("4a.png"), rgba(pil_array("4b.png")))),
    ("read-only-slice", lambda: (pil_array("1a.png")[60:200, 300:500], pil_array("1b.png")[60:200, 300:500])),
    ("strided-view", lambda: (pil_array("3a.png")[::2, ::3], pil_array("3b.png")[::2, ::3])),
    ("reversed-view", lambda: (load_rgba(FIXTURES / "6a.png")[::-1, ::-1], load_rgba(FIXTURES / "6b.png")[::-1, ::-1])),
    ("channel-view-of-wider-array", lambda: tuple(
        np.concatenate([load_rgba(FIXTURES / n), np.zeros((256, 512, 2), np.uint8)], axis=2)[..., :4]
        for n in ("1a.png", "1b.png"))),
    ("rgb-slice", lambda: (pil_array("4a.png")[10:300, 5:400], pil_array("4b.png")[10:300, 5:400])),
    ("misaligned-buffer", lambda: (misaligned(load_rgba(FIXTURES / "1a.png")), load_rgba(FIXTURES / "1b.png"))),
    ("writable-contiguous", lambda: (load_rgba(FIXTURES / "2a.png"), load_rgba(FIXTURES / "2b.png"))),
]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("make", [make for _, make in CASES], ids=[name for name, _ in CASES])
def test_accepted_forms_give_the_contiguous_rgba_result(make, engine_name):
    a, b = make()
    expected = engine.compare_with_engine("numpy", rgba(a), rgba(b))
    for opts in ({}, dict(want_diff_image=False), dict(diff_color_alt=(0, 0, 255), include_aa=True)):
        got = engine.compare_with_engine(engine_name, a, b, **opts)
        ref = engine.compare_with_engine("numpy", rgba(a), rgba(b), **opts)
        assert got.diff_pixels == ref.diff_pixels and np.array_equal(got.mask, ref.mask)
        assert (got.diff_image is None) == (ref.diff_image is None)
        if ref.diff_image is not None:
            assert np.array_equal(got.diff_image, ref.diff_image)
    assert expected.diff_pixels > 0  # the pairs differ: a count of 0 would prove nothing
    assert compare_arrays(a, b).diff_pixels == expected.diff_pixels  # the engine in use


def test_pil_arrays_are_read_only_and_count_as_the_files_do():
    """The forms above are what they claim to be, and agree with compare_pngs on the files."""
    rgba_ro, rgb_ro = pil_array("1a.png"), pil_array("4a.png")
    assert not rgba_ro.flags.writeable and rgba_ro.shape[2] == 4
    assert not rgb_ro.flags.writeable and rgb_ro.shape[2] == 3
    for n in ("1", "4"):
        on_files = compare_pngs(FIXTURES / f"{n}a.png", FIXTURES / f"{n}b.png")
        on_arrays = compare_arrays(pil_array(f"{n}a.png"), pil_array(f"{n}b.png"))
        assert on_arrays.diff_pixels == on_files.diff_pixels
        assert np.array_equal(on_arrays.mask, on_files.mask)
        assert np.array_equal(on_arrays.diff_image, on_files.diff_image)


@pytest.mark.parametrize(
    "make, copied",
    [
        (lambda: load_rgba(FIXTURES / "1a.png"), False),
        (lambda: pil_array("1a.png"), False),  # read-only: used as it is
        (lambda: pil_array("1a.png")[40:200], False),  # whole rows: still contiguous
        (lambda: pil_array("1a.png")[:, 100:400], True),
        (lambda: pil_array("4a.png"), True),  # RGB: needs an alpha channel
        (lambda: misaligned(load_rgba(FIXTURES / "1a.png")), True),
    ],
    ids=["writable", "read-only", "row-slice", "column-slice", "rgb", "misaligned"],
)
def test_copies_only_when_needed(make, copied):
    arr = make()
    ready = engine._check_array("a", arr)
    assert ready.flags.c_contiguous and ready.shape[2] == 4 and ready.ctypes.data % 4 == 0
    assert (not np.shares_memory(ready, arr)) == copied


@pytest.mark.parametrize(
    "bad, given",
    [
        ([[[0, 0, 0, 255]]], "got list"),
        (Image.new("RGBA", (2, 2)), "got Image"),
        (np.zeros((4, 4, 4), np.uint16), "got dtype uint16"),
        (np.zeros((4, 4, 4), np.float32), "got dtype float32"),
        (np.zeros((4, 4, 4), bool), "got dtype bool"),
        (np.zeros((4, 4), np.uint8), r"got shape \(4, 4\)"),
        (np.zeros((4, 4, 2), np.uint8), r"got shape \(4, 4, 2\)"),
        (np.zeros((4, 4, 5), np.uint8), r"got shape \(4, 4, 5\)"),
        (np.zeros((1, 4, 4, 4), np.uint8), r"got shape \(1, 4, 4, 4\)"),
    ],
    ids=["list", "pil-image", "uint16", "float32", "bool", "grey-2d", "two-channels", "five-channels", "4d"],
)
@pytest.mark.parametrize("engine_name", ["auto", *ENGINES])
def test_anything_else_is_one_clear_error(bad, given, engine_name):
    good = np.zeros((4, 4, 4), np.uint8)
    valid = r"must be a numpy uint8 array of shape \(height, width, 4\) RGBA or \(height, width, 3\) RGB"
    with pytest.raises(ValueError, match=f"^b {valid}, {given}"):
        engine.compare_with_engine(engine_name, good, bad)
    with pytest.raises(ValueError, match=f"^a {valid}, {given}"):
        compare_arrays(bad, good)


def test_sizes_must_match_after_rgb_is_made_rgba():
    with pytest.raises(ValueError, match="a is 4x3, b is 4x4"):
        compare_arrays(np.zeros((3, 4, 3), np.uint8), np.zeros((4, 4, 4), np.uint8))
