"""Groups of identical changes (regress.engines.groups), on small synthetic images.

Each case draws expected and actual images, groups the captures, and compares the
partition (which captures share a group) with the one the definition gives: the same
component, byte-identical expected crops and byte-identical actual crops, each cropped
to the box of every pixel that differs, wherever the box lies.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from regress.engines.groups import Capture, Region, changed_region, group_changes

WHITE, RED, BLUE = (255, 255, 255, 255), (200, 16, 46, 255), (20, 60, 200, 255)


def canvas(width=40, height=30, colour=WHITE) -> np.ndarray:
    img = np.zeros((height, width, 4), dtype=np.uint8)
    img[:, :] = colour
    return img


def block(img: np.ndarray, x: int, y: int, w=5, h=4, colour=RED) -> np.ndarray:
    out = img.copy()
    out[y:y + h, x:x + w] = colour
    return out


def dot(img: np.ndarray, x: int, y: int, colour=(0, 0, 0, 255)) -> np.ndarray:
    out = img.copy()
    out[y, x] = colour
    return out


def nudged(img: np.ndarray, x: int, y: int) -> np.ndarray:
    """One pixel changed by one unit of red: far below any diff threshold, still a change."""
    out = img.copy()
    out[y, x, 0] = out[y, x, 0] - 1 if out[y, x, 0] else 1
    return out


# name -> captures as (key, component, expected or None, actual), and the expected partition
CASES = {
    "the same change at another position, in a capture of another size": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", canvas(), block(canvas(), 20, 10)),
         ("c", "share_bar", canvas(60, 50), block(canvas(60, 50), 40, 41))],
        [{"a", "b", "c"}]),
    "another component is another group": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "footer", canvas(), block(canvas(), 2, 3))],
        [{"a"}, {"b"}]),
    "an unrelated change elsewhere keeps a capture out": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("c", "share_bar", canvas(), dot(block(canvas(), 2, 3), 35, 25))],
        [{"a", "b"}, {"c"}]),
    "another change inside the box keeps a capture out": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", canvas(), dot(block(canvas(), 2, 3), 4, 4))],
        [{"a"}, {"b"}]),
    "a change below any threshold is a change": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", canvas(), nudged(block(canvas(), 2, 3), 30, 20))],
        [{"a"}, {"b"}]),
    "the same actual over another expected is another change": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", block(canvas(), 2, 3, colour=BLUE), block(canvas(), 2, 3))],
        [{"a"}, {"b"}]),
    "the same box of another colour is another change": (
        [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
         ("b", "share_bar", canvas(), block(canvas(), 2, 3, colour=BLUE))],
        [{"a"}, {"b"}]),
    "a capture that grew (size change), twice the same": (
        [("a", "page", canvas(40, 30), block(canvas(40, 34), 0, 0, 3, 3)),
         ("b", "page", canvas(40, 30), block(canvas(40, 34), 0, 0, 3, 3)),
         ("c", "page", canvas(40, 30), canvas(40, 36))],
        [{"a", "b"}, {"c"}]),
    "new captures (no baseline) and unchanged ones are each alone": (
        [("a", "share_bar", None, block(canvas(), 2, 3)),
         ("b", "share_bar", None, block(canvas(), 2, 3)),
         ("c", "share_bar", canvas(), canvas()),
         ("d", "share_bar", canvas(), canvas())],
        [{"a"}, {"b"}, {"c"}, {"d"}]),
}


def _save(path: Path, img: np.ndarray) -> str:
    Image.fromarray(img, "RGBA").save(path)
    return str(path)


def _captures(tmp_path: Path, spec) -> list[Capture]:
    captures = []
    for key, component, expected, actual in spec:
        captures.append(Capture(key=key, component=component, actual=_save(tmp_path / f"{key}-actual.png", actual),
                                expected=_save(tmp_path / f"{key}-expected.png", expected)
                                if expected is not None else None))
    return captures


@pytest.mark.parametrize("name", list(CASES))
def test_partition(tmp_path: Path, name: str):
    spec, partition = CASES[name]
    groups = group_changes(_captures(tmp_path, spec))
    assert sorted(sorted(g.members) for g in groups) == sorted(sorted(p) for p in partition)
    members = [m for g in groups for m in g.members]
    assert sorted(members) == sorted(key for key, *_ in spec)  # every capture in exactly one group
    assert [len(g.members) for g in groups] == sorted((len(g.members) for g in groups), reverse=True)


def test_a_group_knows_each_members_box_and_its_size(tmp_path: Path):
    spec = [("a", "share_bar", canvas(), block(canvas(), 2, 3)),
            ("b", "share_bar", canvas(60, 50), block(canvas(60, 50), 40, 41))]
    (group,) = group_changes(_captures(tmp_path, spec))
    assert group.regions == {"a": Region(2, 3, 5, 4), "b": Region(40, 41, 5, 4)}
    assert group.size == (5, 4) and group.shared and group.component == "share_bar"
    assert group.id == group_changes(_captures(tmp_path, spec))[0].id  # stable: the same change, the same id


def test_captures_that_cannot_be_compared_say_why(tmp_path: Path):
    (tmp_path / "broken.png").write_bytes(b"not a png")
    captures = [Capture("new", "menu", actual=_save(tmp_path / "n.png", canvas())),
                Capture("gone", "menu", actual=str(tmp_path / "missing.png"), expected=str(tmp_path / "missing.png")),
                Capture("broken", "menu", actual=str(tmp_path / "broken.png"), expected=str(tmp_path / "broken.png"))]
    why = {g.members[0]: g.why_alone for g in group_changes(captures)}
    assert why["new"].startswith("no baseline yet")
    assert why["gone"].startswith("image missing")
    assert why["broken"].startswith("unreadable image")


def test_changed_region_pads_a_size_change_and_sees_every_difference():
    assert changed_region(canvas(), canvas()) is None
    assert changed_region(canvas(), nudged(canvas(), 7, 9)) == Region(7, 9, 1, 1)
    assert changed_region(canvas(10, 10), canvas(10, 12)) == Region(0, 10, 10, 2)  # the grown rows
