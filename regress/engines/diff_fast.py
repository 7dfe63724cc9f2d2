"""Compiled (numba) kernel of the pixelmatch diff in :mod:`regress.engines.diff`.

Not imported on its own: :mod:`regress.engines.diff` loads it on the first
comparison and falls back to its numpy port (the reference) when numba is missing
or cannot compile.  Every float expression below repeats the numpy port's, operation
for operation, in float64 and without fast-math (so LLVM may neither contract a
multiply-add into an FMA nor reorder a sum); table look-ups hold the very values the
port computes.  So the counts and every byte of the diff image are the port's; the
differential tests in ``tests/self/test_diff_fast.py`` hold the kernel to it.

Why it is fast, on a mostly identical pair of screenshots (one pass, one thread):

* rows are walked one at a time; whether a row has any differing pixel is an
  XOR/OR reduction over its RGBA words that LLVM vectorises, and a row without
  one needs no colour maths at all;
* the grey background is computed in that same vectorised loop, exactly: for an
  opaque row of ``a`` the opacity factor is one constant (a row holding a
  translucent pixel is redone with the per-alpha factor);
* only the differing pixels of a changed row get the YIQ delta and, above the
  threshold, the anti-aliasing test; for an interior pixel that test loads its 8
  neighbours once, counts identical ones without branching (more than two: not
  anti-aliased) and picks the first darkest and brightest with selects;
* no temporary arrays: the diff image is one buffer of RGBA words, written once
  per pixel, again only for the few coloured ones.

It runs single-threaded (``nogil``): the suite already runs one pytest worker per
core, and a single thread keeps the figures comparable with JS pixelmatch's.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

__all__ = ["diff_kernel"]

# njit options: no fast-math (bit-exact float64), no bounds checks, release the GIL.
_JIT = dict(nogil=True, fastmath=False, boundscheck=False, error_model="numpy")


def _jit(signature=None):
    def wrap(fn):
        try:
            return njit(signature, cache=True, **_JIT)(fn) if signature else njit(cache=True, **_JIT)(fn)
        except RuntimeError:  # no writable cache location: compile per process instead
            return njit(signature, **_JIT)(fn) if signature else njit(**_JIT)(fn)

    return wrap


# Images arrive as little-endian RGBA words: R is the low byte, A the high one.
_OPAQUE = np.uint32(0xFF000000)  # the alpha byte of a word
_GREY = np.uint32(0x00010101)  # grey value -> the same value in its R, G and B bytes
# A / 255 for every alpha A: the very float64 divisions the numpy port does
_ALPHA = np.arange(256, dtype=np.float64) / 255
# c * weight for every channel value c: the very products of the Y sum
_RY = np.arange(256, dtype=np.float64) * 0.29889531
_GY = np.arange(256, dtype=np.float64) * 0.58662247
_BY = np.arange(256, dtype=np.float64) * 0.11448223
# neighbour offsets in the reference's scan order: x outer, y inner, centre skipped
_DX = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
_DY = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)


@_jit()
def _blended_y(word):
    """Brightness (Y of YIQ) of a pixel blended with white, as the numpy port.

    An opaque pixel blends to itself exactly (``255 + (c - 255) * 1.0 == c``), so
    its Y is the sum of three looked-up products, added in the port's order.
    """
    alpha = word >> 24
    if alpha == 255:
        return (_RY[word & 255] + _GY[(word >> 8) & 255]) + _BY[(word >> 16) & 255]
    a = _ALPHA[alpha]
    r = 255.0 + (np.float64(word & 255) - 255.0) * a
    g = 255.0 + (np.float64((word >> 8) & 255) - 255.0) * a
    b = 255.0 + (np.float64((word >> 16) & 255) - 255.0) * a
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223


@_jit()
def _blended_yiq(word):
    """Y, I and Q of a pixel blended with white, as the numpy port (an opaque
    pixel's ``a`` is exactly 1.0, which leaves its channels exact)."""
    a = _ALPHA[word >> 24]
    r = 255.0 + (np.float64(word & 255) - 255.0) * a
    g = 255.0 + (np.float64((word >> 8) & 255) - 255.0) * a
    b = 255.0 + (np.float64((word >> 16) & 255) - 255.0) * a
    y = r * 0.29889531 + g * 0.58662247 + b * 0.11448223
    i = r * 0.59597799 - g * 0.27417610 - b * 0.32180189
    q = r * 0.21147017 - g * 0.52261711 + b * 0.31114694
    return y, i, q


@_jit()
def _has_many_siblings(packed, x1, y1, width, height):
    """3+ neighbours with the same RGBA (a pixel on the border starts with one)."""
    if 0 < x1 < width - 1 and 0 < y1 < height - 1:  # interior: no clipping, no branches
        p = y1 * width + x1
        v = packed[p]
        same = (
            np.int64(packed[p - width - 1] == v)
            + np.int64(packed[p - 1] == v)
            + np.int64(packed[p + width - 1] == v)
            + np.int64(packed[p - width] == v)
            + np.int64(packed[p + width] == v)
            + np.int64(packed[p - width + 1] == v)
            + np.int64(packed[p + 1] == v)
            + np.int64(packed[p + width + 1] == v)
        )
        return same > 2
    x0 = max(x1 - 1, 0)
    y0 = max(y1 - 1, 0)
    x2 = min(x1 + 1, width - 1)
    y2 = min(y1 + 1, height - 1)
    zeroes = 1  # on the border
    val = packed[y1 * width + x1]
    for x in range(x0, x2 + 1):
        for y in range(y0, y2 + 1):
            if x == x1 and y == y1:
                continue
            if packed[y * width + x] == val:
                zeroes += 1
                if zeroes > 2:
                    return True
    return False


@_jit()
def _antialiased(packed, other, x1, y1, width, height):
    """pixelmatch's ``antialiased(img, x1, y1, width, height, img2)``.

    The reference scans the 8 neighbours x-major, counting zero brightness deltas
    (more than two: not anti-aliased) and keeping the first strictly darkest and
    first strictly brightest.  A delta is either < 0, 0 or > 0, so the two "first
    extreme" updates are independent and need no else-chain; the zero count is only
    compared at the end (it never decreases, so the early exit changes nothing).
    """
    if 0 < x1 < width - 1 and 0 < y1 < height - 1:
        p = y1 * width + x1
        c = packed[p]
        n0 = packed[p - width - 1]  # scan order: (x-1, y-1), (x-1, y), (x-1, y+1),
        n1 = packed[p - 1]  # (x, y-1), (x, y+1), (x+1, y-1), (x+1, y), (x+1, y+1)
        n2 = packed[p + width - 1]
        n3 = packed[p - width]
        n4 = packed[p + width]
        n5 = packed[p - width + 1]
        n6 = packed[p + 1]
        n7 = packed[p + width + 1]
        same = (
            np.int64(n0 == c) + np.int64(n1 == c) + np.int64(n2 == c) + np.int64(n3 == c)
            + np.int64(n4 == c) + np.int64(n5 == c) + np.int64(n6 == c) + np.int64(n7 == c)
        )
        if same > 2:  # identical neighbours are zero deltas
            return False
        yc = _blended_y(c)
        neighbours = (n0, n1, n2, n3, n4, n5, n6, n7)
        zeroes = 0
        min_d = 0.0
        max_d = 0.0
        k_min = 0
        k_max = 0
        for k in range(8):
            delta = yc - _blended_y(neighbours[k])  # identical: exactly 0.0
            zeroes += np.int64(delta == 0.0)
            if delta < min_d:
                min_d = delta
                k_min = k
            if delta > max_d:
                max_d = delta
                k_max = k
        if zeroes > 2 or min_d == 0.0 or max_d == 0.0:
            return False
        min_x = x1 + _DX[k_min]
        min_y = y1 + _DY[k_min]
        max_x = x1 + _DX[k_max]
        max_y = y1 + _DY[k_max]
    else:
        x0 = max(x1 - 1, 0)
        y0 = max(y1 - 1, 0)
        x2 = min(x1 + 1, width - 1)
        y2 = min(y1 + 1, height - 1)
        zeroes = 1  # on the border
        centre = packed[y1 * width + x1]
        yc = _blended_y(centre)
        min_d = 0.0
        max_d = 0.0
        min_x = min_y = max_x = max_y = 0
        for x in range(x0, x2 + 1):
            for y in range(y0, y2 + 1):
                if x == x1 and y == y1:
                    continue
                delta = yc - _blended_y(packed[y * width + x])
                if delta == 0.0:
                    zeroes += 1
                    if zeroes > 2:
                        return False
                elif delta < min_d:
                    min_d = delta
                    min_x = x
                    min_y = y
                elif delta > max_d:
                    max_d = delta
                    max_x = x
                    max_y = y
        if min_d == 0.0 or max_d == 0.0:
            return False
    return (
        _has_many_siblings(packed, min_x, min_y, width, height)
        and _has_many_siblings(other, min_x, min_y, width, height)
    ) or (
        _has_many_siblings(packed, max_x, max_y, width, height)
        and _has_many_siblings(other, max_x, max_y, width, height)
    )


# The images are read-only to the kernel: a writable array is accepted for a
# read-only parameter, not the other way round (np.asarray of a PIL image is read-only).
_WORDS_IN = types.Array(types.uint32, 1, "C", readonly=True)
_SIGNATURE = types.int64(
    _WORDS_IN, _WORDS_IN, types.int64, types.int64, types.float64, types.boolean, types.boolean,
    types.boolean, types.float64[::1], types.uint32, types.uint32, types.uint32, types.boolean,
    types.uint32[::1], types.boolean[::1],
)


@_jit(_SIGNATURE)
def diff_kernel(
    packed_a,
    packed_b,
    width,
    height,
    max_delta,
    include_aa,
    draw,
    draw_grey,
    factor_lut,
    aa_bits,
    diff_bits,
    alt_bits,
    use_alt,
    out,
    changed,
):
    """Count differing pixels and, if ``draw``, paint ``out``; returns the count.

    ``packed_a``/``packed_b`` are the images as little-endian RGBA words, ``out``
    the diff image as words.  ``draw_grey`` is ``draw and not diff_mask``: paint
    the grey copy of ``a`` and the anti-aliased pixels; otherwise ``out`` must
    arrive zeroed.  ``factor_lut[A]`` is ``alpha * A / 255`` as the numpy port
    computes it.  ``changed`` (one flag per pixel, arriving False) is set True
    at every counted pixel, whatever is drawn.
    """
    count = 0
    opaque_factor = factor_lut[255]
    for row in range(height):
        start = row * width
        stop = start + width
        acc = np.uint32(0)
        if draw_grey:
            # one vectorised pass: any word differs? all of a opaque? grey of a
            opaque = _OPAQUE
            for p in range(start, stop):
                w = packed_a[p]
                acc = np.uint32(acc | np.uint32(w ^ packed_b[p]))
                opaque = np.uint32(opaque & w)
                y = (
                    np.float64(w & 255) * 0.29889531
                    + np.float64((w >> 8) & 255) * 0.58662247
                    + np.float64((w >> 16) & 255) * 0.11448223
                )
                v = 255.0 + (y - 255.0) * opaque_factor
                out[p] = np.uint32(np.uint32(np.int32(v)) * _GREY + _OPAQUE)
            if opaque != _OPAQUE:  # translucent pixels in this row of a: per-alpha factor
                for p in range(start, stop):
                    w = packed_a[p]
                    y = (
                        np.float64(w & 255) * 0.29889531
                        + np.float64((w >> 8) & 255) * 0.58662247
                        + np.float64((w >> 16) & 255) * 0.11448223
                    )
                    v = 255.0 + (y - 255.0) * factor_lut[w >> 24]
                    out[p] = np.uint32(np.uint32(np.int32(v)) * _GREY + _OPAQUE)
        else:
            for p in range(start, stop):  # vectorised: any word of the row differs?
                acc = np.uint32(acc | np.uint32(packed_a[p] ^ packed_b[p]))
        if acc == 0:
            continue  # identical row: delta 0 everywhere, nothing else to draw
        for p in range(start, stop):
            wa = packed_a[p]
            wb = packed_b[p]
            if wa == wb:
                continue
            y1, i1, q1 = _blended_yiq(wa)
            y2, i2, q2 = _blended_yiq(wb)
            y = y1 - y2
            i = i1 - i2
            q = q1 - q2
            delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
            if not delta > max_delta:
                continue  # similar: stays grey (or transparent in a mask)
            if not include_aa:
                x = p - start
                if _antialiased(packed_a, packed_b, x, row, width, height) or _antialiased(
                    packed_b, packed_a, x, row, width, height
                ):
                    if draw_grey:
                        out[p] = aa_bits
                    continue
            count += 1
            changed[p] = True
            if draw:
                out[p] = alt_bits if (use_alt and y1 > y2) else diff_bits
    return count
