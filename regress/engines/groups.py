"""Groups of identical changes among a run's visual failures (numpy and Pillow only).

Two failures of the same component are **the same change** when, each cropped to
the bounding box of its changed pixels, their expected crops are byte-identical
and their actual crops are byte-identical, wherever the box lies in its capture
(page or viewport do not matter). A changed pixel is one whose RGBA value differs
at all between expected and actual, below the diff's threshold too: the box holds
every difference of the capture, so approving any member of a group promotes
exactly the change that was reviewed in the others, and a capture with any other
change in it gets another box, or other crops, and so another group.

Every capture is in exactly one group. A capture without an expected image (no
baseline yet), with no changed pixel, or with an image that cannot be read is a
group of its own.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Capture:
    """One visual failure: its key (the node id), its component and its images."""
    key: str
    component: str
    actual: str
    expected: str | None = None


@dataclass(frozen=True)
class Region:
    """The bounding box of a capture's changed pixels, in the capture's pixels."""
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ChangeGroup:
    """Captures that show the same change. ``region`` gives each member's box (None: a
    capture that is a group of its own for want of one); ``size`` is the box's size."""
    id: str
    component: str
    members: tuple[str, ...]
    regions: dict
    size: tuple[int, int] | None
    why_alone: str | None = None  # for a group of one that could not be compared: why

    @property
    def shared(self) -> bool:
        return len(self.members) > 1


def load_rgba(path: str | Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def _padded(img: np.ndarray, height: int, width: int) -> np.ndarray:
    if img.shape[:2] == (height, width):
        return img
    out = np.zeros((height, width, 4), dtype=np.uint8)  # transparent, as the diff engine pads
    out[: img.shape[0], : img.shape[1]] = img
    return out


def changed_region(expected: np.ndarray, actual: np.ndarray) -> Region | None:
    """The box of every pixel that differs (two images of different sizes are padded with
    transparent pixels to the larger of each); None when they are identical."""
    height, width = max(expected.shape[0], actual.shape[0]), max(expected.shape[1], actual.shape[1])
    a, b = _padded(expected, height, width), _padded(actual, height, width)
    changed = (a != b).any(axis=2)
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if not len(rows):
        return None
    return Region(int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))


def change_signature(expected: np.ndarray, actual: np.ndarray) -> tuple[Region, str] | None:
    """The changed box and a digest of the two crops (shape and raw RGBA bytes of each)."""
    region = changed_region(expected, actual)
    if region is None:
        return None
    height, width = max(expected.shape[0], actual.shape[0]), max(expected.shape[1], actual.shape[1])
    digest = hashlib.sha256()
    for img in (expected, actual):
        crop = np.ascontiguousarray(_padded(img, height, width)[region.y:region.y + region.height,
                                                                 region.x:region.x + region.width])
        digest.update(repr(crop.shape).encode())
        digest.update(hashlib.sha256(crop.tobytes()).digest())
    return region, digest.hexdigest()


def _stamp(path: str) -> tuple:
    stat = Path(path).stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


@lru_cache(maxsize=2048)
def _file_signature(expected: str, actual: str, stamps: tuple) -> tuple[Region, str] | str | None:
    """The signature of a pair of files (cached while the files are unchanged); a string says why not."""
    try:
        return change_signature(load_rgba(expected), load_rgba(actual))
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        return f"unreadable image ({type(err).__name__}: {err})"


def signature_of(capture: Capture) -> tuple[Region, str] | str | None:
    if not capture.expected:
        return "no baseline yet: the capture is new"
    try:
        stamps = (_stamp(capture.expected), _stamp(capture.actual))
    except OSError as err:
        return f"image missing ({err.strerror}: {err.filename})"
    return _file_signature(capture.expected, capture.actual, stamps)


def group_changes(captures: Iterable[Capture]) -> list[ChangeGroup]:
    """The groups, largest first (then in the order of their first member); members keep
    the order of ``captures``. Keys must be unique."""
    keyed: dict[tuple, list[tuple[Capture, Region | None]]] = {}
    alone: dict[tuple, str] = {}
    for capture in captures:
        found = signature_of(capture)
        if isinstance(found, tuple):
            region, digest = found
            key = ("same", capture.component, digest)
        else:
            region = None
            key = ("alone", capture.key)
            alone[key] = found or "no pixel differs"
        keyed.setdefault(key, []).append((capture, region))
    groups = []
    for key, members in keyed.items():
        first_region = members[0][1]
        ident = hashlib.sha256(repr(key).encode()).hexdigest()[:12]
        groups.append(ChangeGroup(
            id=f"change-{ident}", component=members[0][0].component,
            members=tuple(c.key for c, _ in members),
            regions={c.key: r for c, r in members},
            size=(first_region.width, first_region.height) if first_region else None,
            why_alone=alone.get(key)))
    return sorted(groups, key=lambda g: -len(g.members))  # stable: then in order of first member
