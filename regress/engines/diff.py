"""Pixel-level image diff: ``pixelmatch``'s YIQ algorithm, compiled, with a numpy reference.

The algorithm (YIQ colour delta, anti-aliasing detection after Vysniauskas 2009,
diff-image drawing) follows the PyPI ``pixelmatch`` package (0.4.0, itself a port
of mapbox/pixelmatch's YIQ-metric releases) and returns exactly the same
differing-pixel count and diff image for the same inputs and options.

Two engines compute it, with identical results (counts and every byte of the diff
image) on every input and option:

* ``fast``: a numba kernel (``diff_fast.py`` beside this file), about 3x faster
  than JS pixelmatch 7.2.0 and 10x faster than the numpy port on a full-page
  capture pair (``benchmarks/bench_diff.py``).  It walks the image row by row,
  skips the colour maths of rows whose bytes are equal and computes the grey
  background in the same vectorised pass.  Used whenever numba loads: compiled on
  the first comparison of a process, then cached on disk (later processes load it
  in a fraction of a second).
* ``numpy``: the vectorised numpy port below (``_compare_numpy``), the reference and
  the fallback: used when numba is missing or cannot compile here (with a warning),
  or when ``REGRESS_DIFF_ENGINE=numpy`` is set.

``tests/self/test_diff.py`` holds the engine in use to the PyPI package;
``tests/self/test_diff_fast.py`` holds the kernel to the numpy port
(:func:`compare_with_engine` runs either).

Semi-transparent pixels are blended with white, as the PyPI package does (and as
JS pixelmatch 7.2.0 does with ``checkerboard: false``), not with the checkerboard
that JS pixelmatch 7.x and Playwright Test use by default.  On opaque pixels, that
is on every browser capture, all of them agree (the benchmark checks the count and
the diff image against JS 7.2.0 on a real capture pair; the tests check JS 7.2.0's
own fixture counts).  White is kept because

* it is what this engine has always computed: a speed-up must not move a verdict,
  a stored count or a budget tuned on them;
* its reference is executable here: the PyPI package runs in-process, so the tests
  hold every input to it, translucent random pairs included; the checkerboard's
  only reference is JS under node;
* the suite's images are opaque captures; translucent pixels only come from the
  transparent padding of a size mismatch, which is reported as ``size_mismatch``
  and is a failure in its own right.

The price, and the reason JS moved to the checkerboard: a transparent pixel and a
white one compare equal (pixelmatch's pairs 5a/5b and 8a/5b: 0 differing pixels
here, 6 and 32896 in JS 7.2.0 by default).

Only mechanics live here; deciding whether a diff is a failure is the caller's job.

Inputs are uint8 RGBA or RGB arrays in any memory layout (read-only, sliced,
strided); they are copied only when the kernel cannot read them as they are
(RGB, non-contiguous, not word-aligned).  Every result carries ``mask``, the
counted pixels, so a caller need not read them back from the diff image's colours.

Semantics carried over from the reference on purpose:

* Two pixels whose RGBA values are identical have delta 0. Otherwise both are
  blended with white by their alpha (``255 + (c - 255) * a / 255``) and compared
  in YIQ: ``0.5053*y*y + 0.299*i*i + 0.1957*q*q``.  A pixel differs when
  ``delta > 35215 * threshold * threshold`` (strictly greater: threshold 0 still
  ignores pairs that blend to the same colour, e.g. two fully transparent pixels).
* Unless ``include_aa`` is set, a differing pixel that looks like anti-aliasing in
  either image is not counted (drawn in ``aa_color``).  For a pixel, the 8
  neighbours (clipped at the image border) are scanned x-major; the brightness
  delta ``Y(centre) - Y(neighbour)`` is 0 for a sibling of identical colour or of
  identical brightness.  A pixel on the border starts with one "zero"; more than
  two zeros means not anti-aliased.  Otherwise it needs both a darker and a
  brighter neighbour, and the first darkest (or the first brightest) neighbour
  must have 3+ identical siblings (same border rule) in *both* images.
* Pixels that do not differ are drawn as grey ``int(255 + (Y - 255) * (alpha*A/255))``
  of the first image (unblended Y); differing pixels in ``diff_color``; AA pixels in
  ``aa_color``.  With ``diff_mask`` only differing pixels are drawn, on a fully
  transparent background.

All float maths runs in float64 in the reference's evaluation order so that
pixels sitting exactly on the threshold are classified identically.
"""

from __future__ import annotations

import io
import math
import numbers
import os
import sys
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, Tuple, Union

import numpy as np
from PIL import Image

__all__ = ["DiffResult", "compare_arrays", "compare_pngs", "load_rgba", "MAX_YIQ_DELTA"]

#: maximum possible value of the YIQ difference metric
MAX_YIQ_DELTA = 35215

ImageSource = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
Color = Tuple[int, int, int]

# neighbour offsets in the reference's scan order: x outer, y inner, centre skipped
_DX = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
_DY = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)

# work in bounded chunks so that huge candidate sets do not blow up memory
_CHUNK = 1 << 18


@dataclass(frozen=True, eq=False)
class DiffResult:
    """Outcome of one comparison.

    ``diff_image`` is an HxWx4 uint8 RGBA array (None if not requested).
    ``size_mismatch`` is ``((w1, h1), (w2, h2))`` when :func:`compare_pngs` was
    given images of different sizes (both padded with transparent pixels to the
    larger extent before comparing), else None.

    ``mask`` is an HxW bool array, True exactly at the pixels counted in
    ``diff_pixels`` (so ``mask.sum() == diff_pixels``): anti-aliased pixels are
    not in it unless ``include_aa`` counted them, and it does not depend on the
    drawing options (``diff_color``, ``diff_color_alt``, ``diff_mask``,
    ``want_diff_image``).  On a size mismatch it covers the padded extent, as
    ``diff_image`` and ``diff_pixels`` do.  Every result of :func:`compare_arrays`
    and :func:`compare_pngs` has one; None only where a caller builds a
    DiffResult without it.  (Not to be confused with the ``diff_mask`` option,
    which draws the diff image on a transparent background.)
    """

    diff_pixels: int
    total_pixels: int
    diff_image: np.ndarray | None = field(default=None, repr=False)
    size_mismatch: tuple[tuple[int, int], tuple[int, int]] | None = None
    mask: np.ndarray | None = field(default=None, repr=False)

    @property
    def ratio(self) -> float:
        """Fraction of differing pixels (0.0 for an empty image)."""
        return self.diff_pixels / self.total_pixels if self.total_pixels else 0.0


# --------------------------------------------------------------------------- options


def _check_unit(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    v = float(value)
    if math.isnan(v) or not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return v


def _check_color(name: str, value: object) -> Color:
    try:
        comps = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an (r, g, b) triple, got {value!r}") from None
    if len(comps) != 3 or not all(
        isinstance(c, numbers.Real) and not isinstance(c, bool) for c in comps
    ):
        raise ValueError(f"{name} must be an (r, g, b) triple of numbers, got {value!r}")
    ints = tuple(int(c) for c in comps)  # the reference truncates with int()
    if not all(0 <= c <= 255 for c in ints):
        raise ValueError(f"{name} components must be in [0, 255], got {value!r}")
    return ints  # type: ignore[return-value]


@dataclass(frozen=True)
class _Options:
    threshold: float
    include_aa: bool
    alpha: float
    aa_color: Color
    diff_color: Color
    diff_color_alt: Color | None
    diff_mask: bool
    want_diff_image: bool


def _options(
    *,
    threshold: float = 0.1,
    include_aa: bool = False,
    alpha: float = 0.1,
    aa_color: Sequence[float] = (255, 255, 0),
    diff_color: Sequence[float] = (255, 0, 0),
    diff_color_alt: Sequence[float] | None = None,
    diff_mask: bool = False,
    want_diff_image: bool = True,
) -> _Options:
    return _Options(
        threshold=_check_unit("threshold", threshold),
        include_aa=bool(include_aa),
        alpha=_check_unit("alpha", alpha),
        aa_color=_check_color("aa_color", aa_color),
        diff_color=_check_color("diff_color", diff_color),
        diff_color_alt=None
        if diff_color_alt is None
        else _check_color("diff_color_alt", diff_color_alt),
        diff_mask=bool(diff_mask),
        want_diff_image=bool(want_diff_image),
    )


#: what :func:`compare_arrays` accepts, for its error messages
_VALID_ARRAY = "a numpy uint8 array of shape (height, width, 4) RGBA or (height, width, 3) RGB"


def _check_array(name: str, arr: object) -> np.ndarray:
    """``arr`` as a C-contiguous HxWx4 uint8 RGBA array whose words are aligned.

    Copies only when it must: an RGBA array that already is one (read-only ones,
    such as ``np.asarray(Image.open(path))``, included: no engine writes to its
    inputs) is used as it is.  An RGB array gets an opaque alpha channel; a
    non-contiguous RGBA array (a slice, a strided view) or one not aligned to 4
    bytes (the kernel reads RGBA words) is copied.
    """
    if not isinstance(arr, np.ndarray):
        raise ValueError(f"{name} must be {_VALID_ARRAY}, got {type(arr).__name__}")
    if arr.dtype != np.uint8:
        raise ValueError(f"{name} must be {_VALID_ARRAY}, got dtype {arr.dtype}")
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"{name} must be {_VALID_ARRAY}, got shape {arr.shape}"
                         " (decode other image modes with load_rgba or Image.convert('RGBA'))")
    if arr.shape[2] == 3:
        rgba = np.empty(arr.shape[:2] + (4,), dtype=np.uint8)
        rgba[..., :3] = arr
        rgba[..., 3] = 255
        return rgba
    if not arr.flags.c_contiguous or arr.ctypes.data % 4:
        return np.array(arr, dtype=np.uint8, order="C")  # fresh memory: contiguous and aligned
    return arr


def _check_pair(a: object, b: object) -> tuple[np.ndarray, np.ndarray]:
    a = _check_array("a", a)
    b = _check_array("b", b)
    if a.shape != b.shape:  # both RGBA now: an RGB a and an RGBA b of one size match
        raise ValueError(
            f"image sizes do not match: a is {a.shape[1]}x{a.shape[0]}, "
            f"b is {b.shape[1]}x{b.shape[0]} (width x height)"
        )
    return a, b


# --------------------------------------------------------------------------- colour maths


def _blended_yiq(px: np.ndarray, *, y_only: bool = False):
    """YIQ of RGBA uint8 pixels (..., 4) blended with white, as the reference does.

    For opaque pixels the blend is exact (``255 + (c - 255) * 1.0 == c``), so it
    is applied unconditionally.
    """
    f = px.astype(np.float64)
    a = f[..., 3] / 255
    r = 255 + (f[..., 0] - 255) * a
    g = 255 + (f[..., 1] - 255) * a
    b = 255 + (f[..., 2] - 255) * a
    y = r * 0.29889531 + g * 0.58662247 + b * 0.11448223
    if y_only:
        return y
    i = r * 0.59597799 - g * 0.27417610 - b * 0.32180189
    q = r * 0.21147017 - g * 0.52261711 + b * 0.31114694
    return y, i, q


def _neighbours(xs: np.ndarray, ys: np.ndarray, width: int, height: int):
    """Flat indices (N, 8, clipped), validity mask (N, 8) and border flag (N,)."""
    nx = xs[:, None] + _DX
    ny = ys[:, None] + _DY
    valid = (nx >= 0) & (nx < width) & (ny >= 0) & (ny < height)
    np.clip(nx, 0, width - 1, out=nx)
    np.clip(ny, 0, height - 1, out=ny)
    border = (xs == 0) | (xs == width - 1) | (ys == 0) | (ys == height - 1)
    return ny * width + nx, valid, border


def _has_many_siblings(packed: np.ndarray, idx: np.ndarray, width: int, height: int) -> np.ndarray:
    """Vectorised ``has_many_siblings``: 3+ identical neighbours (border counts as one)."""
    xs = idx % width
    ys = idx // width
    nidx, valid, border = _neighbours(xs, ys, width, height)
    same = (packed[nidx] == packed[idx][:, None]) & valid
    return border.astype(np.int64) + same.sum(axis=1) > 2


def _antialiased(
    img: np.ndarray,
    packed: np.ndarray,
    other_packed: np.ndarray,
    idx: np.ndarray,
    width: int,
    height: int,
) -> np.ndarray:
    """Vectorised ``antialiased(img, x, y, width, height, img2)`` for flat indices ``idx``."""
    xs = idx % width
    ys = idx // width
    nidx, valid, border = _neighbours(xs, ys, width, height)
    # brightness delta centre - neighbour; identical pixels give exactly 0.0 here too
    yc = _blended_yiq(img[idx], y_only=True)
    yn = _blended_yiq(img[nidx], y_only=True)
    delta = yc[:, None] - yn
    delta[~valid] = 0.0
    zeroes = border.astype(np.int64) + ((delta == 0) & valid).sum(axis=1)
    # first strictly-darkest / brightest neighbour in scan order (np.arg* pick the first)
    kmin = delta.argmin(axis=1)
    kmax = delta.argmax(axis=1)
    rows = np.arange(len(idx))
    dmin = delta[rows, kmin]
    dmax = delta[rows, kmax]
    result = np.zeros(len(idx), dtype=bool)
    possible = np.flatnonzero((zeroes <= 2) & (dmin < 0) & (dmax > 0))
    if possible.size == 0:
        return result
    pmin = nidx[possible, kmin[possible]]
    pmax = nidx[possible, kmax[possible]]
    by_min = _has_many_siblings(packed, pmin, width, height) & _has_many_siblings(
        other_packed, pmin, width, height
    )
    by_max = _has_many_siblings(packed, pmax, width, height) & _has_many_siblings(
        other_packed, pmax, width, height
    )
    result[possible] = by_min | by_max
    return result


def _gray(img: np.ndarray, alpha: float) -> np.ndarray:
    """``draw_gray_pixel`` for every pixel: int(255 + (Y - 255) * (alpha * A / 255))."""
    flat = img.reshape(-1, 4)
    out = np.empty(flat.shape[0], dtype=np.uint8)
    factor_lut = alpha * np.arange(256, dtype=np.float64) / 255  # exactly alpha*A/255 per A
    for start in range(0, flat.shape[0], _CHUNK):
        px = flat[start : start + _CHUNK]
        y = (
            px[:, 0] * 0.29889531  # uint8 * python float -> float64, same products
            + px[:, 1] * 0.58662247
            + px[:, 2] * 0.11448223
        )
        val = 255 + (y - 255) * factor_lut[px[:, 3]]
        out[start : start + _CHUNK] = val  # truncation == int() for values in [0, 256)
    return out


# --------------------------------------------------------------------------- public API


def compare_arrays(
    a: np.ndarray,
    b: np.ndarray,
    *,
    threshold: float = 0.1,
    include_aa: bool = False,
    alpha: float = 0.1,
    aa_color: Sequence[float] = (255, 255, 0),
    diff_color: Sequence[float] = (255, 0, 0),
    diff_color_alt: Sequence[float] | None = None,
    diff_mask: bool = False,
    want_diff_image: bool = True,
) -> DiffResult:
    """Compare two images of equal size, pixelmatch-style.

    ``a`` and ``b`` are numpy uint8 arrays of shape (height, width, 4) RGBA or
    (height, width, 3) RGB (taken as opaque); read-only, non-contiguous and
    strided arrays are accepted (``np.asarray(Image.open(path))`` of an RGB or
    RGBA image works as it is).  An array that is already C-contiguous RGBA is
    not copied; the result's ``mask`` and ``diff_image`` are fresh arrays.

    ``threshold`` (0..1) is the matching threshold, smaller is more sensitive.
    ``include_aa=True`` counts anti-aliased pixels as differences (disables AA
    detection).  ``alpha`` is the opacity of the grey copy of ``a`` in the diff
    image.  ``diff_color_alt`` (mapbox/pixelmatch's ``diffColorAlt``), if given,
    colours differing pixels that are darker in ``b`` than in ``a``; None keeps the
    reference behaviour.  ``diff_mask`` draws only differing pixels, on a
    transparent background.  Raises ValueError naming the argument for anything
    else (not an array, another dtype or shape, sizes that differ) and for bad
    options.
    """
    opts = _options(
        threshold=threshold,
        include_aa=include_aa,
        alpha=alpha,
        aa_color=aa_color,
        diff_color=diff_color,
        diff_color_alt=diff_color_alt,
        diff_mask=diff_mask,
        want_diff_image=want_diff_image,
    )
    a, b = _check_pair(a, b)
    return _compare(a, b, opts)


# --------------------------------------------------------------------------- engines

#: environment variable choosing the engine: ``numpy`` always runs the numpy port;
#: unset or anything else: the compiled kernel if numba can load it, else the port
ENGINE_ENV = "REGRESS_DIFF_ENGINE"
ENGINES = ("auto", "fast", "numpy")

_fast_module = None  # regress.engines.diff_fast once loaded
_fast_error: str | None = None  # why it could not be loaded


def _load_fast():
    """The compiled kernel's module, or None (the reason is kept in ``_fast_error``)."""
    global _fast_module, _fast_error
    if _fast_module is None and _fast_error is None:
        try:
            if sys.byteorder != "little":  # the kernel unpacks RGBA words little-endian
                raise ImportError("the compiled kernel needs a little-endian machine")
            from . import diff_fast
        except Exception as exc:  # numba missing, or LLVM/numba unable to compile here
            _fast_error = f"{type(exc).__name__}: {exc}"
            warnings.warn(
                f"regress.diff: compiled diff engine unavailable ({_fast_error}); "
                "using the slower numpy port",
                RuntimeWarning,
                stacklevel=3,
            )
        else:
            _fast_module = diff_fast
    return _fast_module


def fast_engine_error() -> str | None:
    """None if the compiled kernel is usable, else why not (it is loaded to find out)."""
    _load_fast()
    return _fast_error


def engine_in_use() -> str:
    """``"fast"`` or ``"numpy"``: what :func:`compare_arrays` runs now."""
    if os.environ.get(ENGINE_ENV, "auto").strip().lower() == "numpy":
        return "numpy"
    return "fast" if _load_fast() is not None else "numpy"


def compare_with_engine(engine: str, a: np.ndarray, b: np.ndarray, **options) -> DiffResult:
    """:func:`compare_arrays` on a chosen engine: ``"numpy"`` (the reference port),
    ``"fast"`` (the compiled kernel; RuntimeError if it cannot load) or ``"auto"``.

    For tests and benchmarks that hold the engines to each other; ignores
    ``REGRESS_DIFF_ENGINE``."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    opts = _options(**options)
    a, b = _check_pair(a, b)
    if engine == "numpy":
        return _compare_numpy(a, b, opts)
    if _load_fast() is None:
        if engine == "fast":
            raise RuntimeError(f"the compiled diff engine is not available ({_fast_error})")
        return _compare_numpy(a, b, opts)
    return _compare_fast(a, b, opts)


def _compare(a: np.ndarray, b: np.ndarray, opts: _Options) -> DiffResult:
    """The engine in use on validated, equally shaped, C-contiguous arrays."""
    if engine_in_use() == "fast":
        return _compare_fast(a, b, opts)
    return _compare_numpy(a, b, opts)


def _packed(color: Color, alpha: int = 255) -> np.uint32:
    """An RGBA colour as the uint32 word the image buffer holds."""
    return np.array([*color, alpha], dtype=np.uint8).view(np.uint32)[0]


def _compare_fast(a: np.ndarray, b: np.ndarray, opts: _Options) -> DiffResult:
    height, width = a.shape[:2]
    total = width * height
    draw = opts.want_diff_image
    if draw:
        # a mask starts transparent (calloc'd pages); otherwise every word is written
        out = np.zeros(total, np.uint32) if opts.diff_mask else np.empty(total, np.uint32)
    else:
        out = np.empty(0, np.uint32)
    changed = np.zeros(total, np.bool_)  # calloc'd: only the pages of counted pixels are touched
    alt = opts.diff_color_alt
    count = _fast_module.diff_kernel(
        a.reshape(-1).view(np.uint32),
        b.reshape(-1).view(np.uint32),
        width,
        height,
        MAX_YIQ_DELTA * opts.threshold * opts.threshold,
        opts.include_aa,
        draw,
        draw and not opts.diff_mask,
        opts.alpha * np.arange(256, dtype=np.float64) / 255,  # as _gray: alpha*A/255
        _packed(opts.aa_color),
        _packed(opts.diff_color),
        _packed(alt if alt is not None else opts.diff_color),
        alt is not None,
        out,
        changed,
    )
    image = out.view(np.uint8).reshape(height, width, 4) if draw else None
    return DiffResult(diff_pixels=int(count), total_pixels=total, diff_image=image,
                      mask=changed.reshape(height, width))


@dataclass(frozen=True)
class _Classified:
    """The numpy port's verdicts, as flat pixel indices."""

    diffs: np.ndarray  # counted as differing, in index order
    darker_in_b: np.ndarray  # per entry of diffs: darker in b than in a
    antialiased: np.ndarray  # differing, but anti-aliasing (not counted)


def _classify_numpy(flat_a: np.ndarray, flat_b: np.ndarray, width: int, height: int,
                    opts: _Options) -> _Classified:
    """Which pixels differ, and which of those are anti-aliasing, chunk by chunk."""
    packed_a = flat_a.view(np.uint32).reshape(-1)
    packed_b = flat_b.view(np.uint32).reshape(-1)
    max_delta = MAX_YIQ_DELTA * opts.threshold * opts.threshold
    # identical RGBA -> delta 0 -> never a difference: only look at the rest
    changed = np.flatnonzero(packed_a != packed_b)
    diff_parts: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    alt_parts: list[np.ndarray] = [np.empty(0, dtype=bool)]
    aa_parts: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    for start in range(0, changed.size, _CHUNK):
        idx = changed[start : start + _CHUNK]
        y1, i1, q1 = _blended_yiq(flat_a[idx])
        y2, i2, q2 = _blended_yiq(flat_b[idx])
        y = y1 - y2
        i = i1 - i2
        q = q1 - q2
        delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
        over = delta > max_delta
        cand = idx[over]
        darker_in_b = (y1 > y2)[over]
        if not opts.include_aa and cand.size:
            is_aa = _antialiased(flat_a, packed_a, packed_b, cand, width, height)
            rest = np.flatnonzero(~is_aa)
            if rest.size:
                is_aa[rest] = _antialiased(flat_b, packed_b, packed_a, cand[rest], width, height)
            aa_parts.append(cand[is_aa])
            cand = cand[~is_aa]
            darker_in_b = darker_in_b[~is_aa]
        diff_parts.append(cand)
        alt_parts.append(darker_in_b)
    return _Classified(np.concatenate(diff_parts), np.concatenate(alt_parts), np.concatenate(aa_parts))


def _draw_numpy(a: np.ndarray, found: _Classified, opts: _Options) -> np.ndarray:
    """The diff image (HxWx4) of the numpy port's verdicts."""
    height, width = a.shape[:2]
    out = np.zeros((width * height, 4), dtype=np.uint8)
    if not opts.diff_mask:
        out[:, :3] = _gray(a, opts.alpha)[:, None]
        out[:, 3] = 255
        out[found.antialiased] = (*opts.aa_color, 255)
    if opts.diff_color_alt is None:
        out[found.diffs] = (*opts.diff_color, 255)
    else:
        out[found.diffs[~found.darker_in_b]] = (*opts.diff_color, 255)
        out[found.diffs[found.darker_in_b]] = (*opts.diff_color_alt, 255)
    return out.reshape(height, width, 4)


def _compare_numpy(a: np.ndarray, b: np.ndarray, opts: _Options) -> DiffResult:
    """The reference: the vectorised numpy port (and the fallback of the kernel)."""
    height, width = a.shape[:2]
    found = _classify_numpy(a.reshape(-1, 4), b.reshape(-1, 4), width, height, opts)
    mask = np.zeros(width * height, dtype=bool)
    mask[found.diffs] = True
    image = _draw_numpy(a, found, opts) if opts.want_diff_image else None
    return DiffResult(diff_pixels=int(found.diffs.size), total_pixels=width * height,
                      diff_image=image, mask=mask.reshape(height, width))


def _is_bytes(source: object) -> bool:
    return isinstance(source, (bytes, bytearray, memoryview))


def _read_source(source: ImageSource, name: str | None) -> tuple[bytes, str]:
    if _is_bytes(source):
        data = bytes(source)
        return data, name or f"<{len(data)} bytes>"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return path.read_bytes(), name or str(path)
    raise ValueError(f"image source must be bytes or a path, got {type(source).__name__}")


_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, zlib.error, Image.DecompressionBombError)


def _decode(data: bytes, name: str) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.mode.startswith("I;16"):
                # 16-bit grey: keep the high byte (as 16-bit RGB PNGs are read)
                grey = (np.asarray(im).astype(np.uint16) >> 8).astype(np.uint8)
                arr = np.empty(grey.shape + (4,), dtype=np.uint8)
                arr[..., :3] = grey[..., None]
                arr[..., 3] = 255
                return arr
            rgba = im.convert("RGBA")
    except _DECODE_ERRORS as exc:
        raise ValueError(f"{name}: not a decodable image ({exc})") from exc
    return np.array(rgba, dtype=np.uint8)


def load_rgba(source: ImageSource, *, name: str | None = None) -> np.ndarray:
    """Decode a PNG (or any Pillow-readable image) to an HxWx4 uint8 RGBA array.

    ``source`` is the encoded bytes or a path; ``name`` labels the image in error
    messages (defaults to the path).  Raises ValueError naming the image if it
    cannot be decoded; a missing file raises FileNotFoundError.
    """
    data, label = _read_source(source, name)
    return _decode(data, label)


def _probe_size(data: bytes, name: str) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as im:
            size = im.size
        with Image.open(io.BytesIO(data)) as im:
            im.verify()  # chunk/CRC check without decoding pixels
    except _DECODE_ERRORS as exc:
        raise ValueError(f"{name}: not a decodable image ({exc})") from exc
    return size


def _pad(img: np.ndarray, width: int, height: int) -> np.ndarray:
    if img.shape[1] == width and img.shape[0] == height:
        return img
    out = np.zeros((height, width, 4), dtype=np.uint8)  # transparent
    out[: img.shape[0], : img.shape[1]] = img
    return out


def compare_pngs(a: ImageSource, b: ImageSource, **options) -> DiffResult:
    """Compare two encoded images (bytes or paths) with :func:`compare_arrays` options.

    Byte-identical inputs short-circuit to 0 differing pixels (decoded only if a
    grey diff image is wanted).  Images of different sizes are not an error: both
    are padded with transparent pixels to the larger width and height, compared,
    and the result carries ``size_mismatch=((w1, h1), (w2, h2))``.  Note that a
    transparent pad blends to white, so padding against white content does not
    count as different; callers should treat ``size_mismatch`` as a failure.
    """
    opts = _options(**options)
    # paths name themselves in errors; raw bytes are called "image a" / "image b"
    data_a, name_a = _read_source(a, "image a" if _is_bytes(a) else None)
    data_b, name_b = _read_source(b, "image b" if _is_bytes(b) else None)

    if data_a == data_b:
        if opts.want_diff_image and not opts.diff_mask:
            img = _decode(data_a, name_a)  # grey background needs the pixels
            return _compare(img, img, opts)
        width, height = _probe_size(data_a, name_a)
        image = np.zeros((height, width, 4), dtype=np.uint8) if opts.want_diff_image else None
        return DiffResult(diff_pixels=0, total_pixels=width * height, diff_image=image,
                          mask=np.zeros((height, width), dtype=bool))

    img_a = _decode(data_a, name_a)
    img_b = _decode(data_b, name_b)
    if img_a.shape == img_b.shape:
        return _compare(img_a, img_b, opts)
    (h1, w1), (h2, w2) = img_a.shape[:2], img_b.shape[:2]
    width, height = max(w1, w2), max(h1, h2)
    result = _compare(_pad(img_a, width, height), _pad(img_b, width, height), opts)
    return DiffResult(
        diff_pixels=result.diff_pixels,
        total_pixels=result.total_pixels,
        diff_image=result.diff_image,
        size_mismatch=((w1, h1), (w2, h2)),
        mask=result.mask,  # of the padded extent, as the count and the diff image
    )
