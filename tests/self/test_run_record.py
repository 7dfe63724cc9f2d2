"""The typed run record (regress.run.record): round trip, schema errors that name the key,
and the item notes that travel in one user_properties entry."""
from __future__ import annotations

import json

import pytest

from regress.run.record import (FailureRecord, ItemNotes, ItemRecord, RunRecord, RunRecordError,
                                ReferenceRecord)


def _record() -> RunRecord:
    item = ItemRecord(nodeid="a.yaml::s::visual[desktop]", kind="visual", viewport="desktop", status="failed",
                      reference=ReferenceRecord(baseline="b.png", actual="a.png", diff_pixels=3, ratio=0.5),
                      failure=FailureRecord(when="call", type="CheckFailure", assertion=True, message="m",
                                            checks=["visual"]))
    return RunRecord(started="2026-12-02T10:00:00+00:00", finished="2026-12-02T10:01:00+00:00",
                     exitstatus=1, duration=60.0, items=[item], worktree_changes={"x.py": None})


def test_save_and_load_give_the_same_record(tmp_path):
    record = _record()
    record.save(tmp_path / "run.json")
    assert RunRecord.load(tmp_path / "run.json") == record
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temp file and a rename


@pytest.mark.parametrize("change,where", [
    (lambda d: d["items"][0].pop("nodeid"), "at items.0: 'nodeid' is a required property"),
    (lambda d: d["items"][0].update(status="green"), "at items.0.status: 'green' is not one of"),
    (lambda d: d["items"][0]["reference"].update(diff_pixels=-1), "at items.0.reference.diff_pixels"),
    (lambda d: d["items"][0]["reference"].update(format="xml"), "at items.0.reference.format: 'xml' is not one of"),
    (lambda d: d["items"][0].update(visual={"baseline": "b.png"}), "at items.0.visual: a version 2 record's items have reference, not visual"),
    (lambda d: d.update(version=99), "at version: 99 is not one of [1, 2]"),
    (lambda d: d.pop("finished"), "at (top level): 'finished' is a required property"),
])
def test_a_broken_record_is_one_error_naming_the_key(tmp_path, change, where):
    data = _record().to_json()
    change(data)
    (tmp_path / "run.json").write_text(json.dumps(data))
    with pytest.raises(RunRecordError) as caught:
        RunRecord.load(tmp_path / "run.json")
    assert str(caught.value).startswith(f"{tmp_path / 'run.json'}: not a run record: ")
    assert where in str(caught.value)


def test_unreadable_json_names_the_file(tmp_path):
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(RunRecordError, match="run.json: not readable as JSON"):
        RunRecord.load(tmp_path / "run.json")


def test_item_notes_replace_their_entry_in_user_properties():
    properties = [("other", 1)]
    notes = ItemNotes(reference=ReferenceRecord(baseline="b.png"))
    notes.attach(properties)
    notes.traces.append("trace.zip")
    notes.attach(properties)  # the traced re-run adds its trace after the first report
    assert [key for key, _ in properties] == ["other", "regress"]
    assert ItemNotes.read(properties) == notes
    assert ItemNotes.read([("other", 1)]) is None


def test_failure_record_says_whether_a_check_found_the_site_broken():
    class Checked(AssertionError):
        checks = ("count top_ten.items",)

    assert FailureRecord.of("call", Checked("9 found")).assertion is True
    assert FailureRecord.of("call", Checked("9 found")).checks == ["count top_ten.items"]
    timeout = FailureRecord.of("setup", TimeoutError("slow"))
    assert (timeout.assertion, timeout.type, timeout.when) == (False, "TimeoutError", "setup")


def _version_1(data: dict) -> dict:
    """The record as version 1 wrote it: a ``visual`` entry without a format."""
    for item in data["items"]:
        visual = item.pop("reference")
        if visual is not None:
            visual.pop("format")
            item["visual"] = visual
    return {**data, "version": 1}


def test_records_without_the_newer_fields_load(tmp_path):
    """``visual.component`` and ``rejected`` came later: a record without them loads, undecided."""
    data = _version_1(_record().to_json())
    for item in data["items"]:
        item.pop("rejected")
        item.pop("remarks")
        item["visual"].pop("component")
    (tmp_path / "run.json").write_text(json.dumps(data))
    item = RunRecord.load(tmp_path / "run.json").items[0]
    assert item.rejected is False and item.reference.component is None and item.reviewable and item.remarks == []
    data["items"][0]["rejected"] = "yes"
    (tmp_path / "run.json").write_text(json.dumps(data))
    with pytest.raises(RunRecordError, match="at items.0.rejected"):
        RunRecord.load(tmp_path / "run.json")


def test_a_version_1_record_loads_as_png_references(tmp_path):
    """Reports written before references of any kind still open: a v1 ``visual`` entry is a PNG reference."""
    record = _record()
    data = _version_1(record.to_json())
    (tmp_path / "run.json").write_text(json.dumps(data))
    loaded = RunRecord.load(tmp_path / "run.json")
    assert loaded == record and loaded.version == 2
    assert loaded.items[0].reference.format == "png" and loaded.items[0].reference.is_image
    # a version 1 record with a version 2 entry is neither
    data["items"][0]["reference"] = record.to_json()["items"][0]["reference"]
    (tmp_path / "run.json").write_text(json.dumps(data))
    with pytest.raises(RunRecordError, match="at items.0.reference: a version 1 record's items have visual"):
        RunRecord.load(tmp_path / "run.json")


def test_remarks_travel_in_the_notes_and_show_in_the_report_of_a_passing_item(tmp_path):
    """What a check says of an item it passed (the tool's version, stale known violations) is in
    run.json and, escaped, in index.html."""
    from regress.run.html import render_report

    notes = ItemNotes(remarks=["axe-core 4.12.1 (axe-playwright-python 0.1.8)", "stale: <b>gone</b>"])
    properties: list = []
    notes.attach(properties)
    assert ItemNotes.read(properties).remarks == notes.remarks
    record = _record()
    record.items.append(ItemRecord(nodeid="a.yaml::s::accessibility[desktop]", kind="accessibility",
                                   viewport="desktop", remarks=notes.remarks))
    record.save(tmp_path / "run.json")
    loaded = RunRecord.load(tmp_path / "run.json")
    assert loaded.items[1].remarks == notes.remarks
    html = render_report(loaded, tmp_path, tmp_path)
    assert "<ul class=\"remarks\"><li>axe-core 4.12.1 (axe-playwright-python 0.1.8)</li><li>stale: &lt;b&gt;gone&lt;/b&gt;</li></ul>" in html
    data = loaded.to_json()
    data["items"][1]["remarks"] = "one line"
    (tmp_path / "run.json").write_text(json.dumps(data))
    with pytest.raises(RunRecordError, match="at items.1.remarks"):
        RunRecord.load(tmp_path / "run.json")
