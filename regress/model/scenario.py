"""Load site settings and scenario files into validated, normalized objects.

Every mistake becomes a :class:`ScenarioError` naming file, line and dotted
key: scenario authors should never have to read a traceback. YAML is read
with ``yaml.compose`` (safe loader) and walked by hand so that each value
keeps its line and duplicate keys -- which PyYAML silently accepts -- are caught.

A scenario file (BackstopJS style: root defaults, per-scenario overrides)::

    defaults:                        # optional
      viewports: [desktop, mobile]   # default viewports of this file's scenarios
      visual: {threshold: 0.2}       # deep-merged over the site settings
    scenarios:
      - name: article                # names baseline files: [a-z0-9][a-z0-9_-]*
        page: /www/nation/2022/06/120_330924.html
        viewports: [mobile]          # optional
        settings: {font_controls: {step_px: 2}}   # optional, merged over defaults
        checks:
          - kind: layout             # a registered check kind
            name: chrome             # optional, defaults to the kind
            viewports: [mobile]      # optional, a subset of the scenario's
            component: menu          # ...the kind's own options
"""
from __future__ import annotations

import copy
import datetime
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

import yaml

from .project import PACKAGE_SETTINGS, shown_path
from .schema import (MISSING, ComponentList, ComponentName, Context, CountRange, Field, KeyPath, ListOf, MapOf,
                     Nested, ScenarioError, ViewportList, describe_value, format_key)

__all__ = ["Check", "Device", "Scenario", "ScenarioError", "ScenarioSet", "Settings", "Target", "load_scenarios",
           "load_scenario_files", "load_scenario_set", "load_settings", "SETTINGS_SCHEMA"]


# ---------------------------------------------------------------- value checks

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def check_name(value: str) -> str | None:
    """Scenario, check and viewport names become baseline file names."""
    if _NAME.fullmatch(value):
        return None
    if "/" in value or "\\" in value or ".." in value:
        return f"invalid name {value!r}: names become file names and must not contain '/' or '..'"
    return (f"invalid name {value!r}: use 1-64 of a-z, 0-9, '_' and '-', "
            "starting with a letter or digit")


def check_page(value: str) -> str | None:
    """Pages are paths under the base URL, so one scenario runs against any host."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return f"page {value!r} must be a path relative to the base URL, without scheme or host"
    if not value.startswith("/"):
        return f"page {value!r} must start with '/'"
    if any(c.isspace() for c in value):
        return f"page {value!r} contains whitespace; percent-encode it"
    return None


def check_clock(value: str) -> str | None:
    """A frozen clock without a zone would depend on the machine's time zone."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return f"expected an ISO 8601 date-time like '2023-02-06T21:47:00+09:00', got {value!r}"
    return None if moment.tzinfo else f"clock {value!r} needs a UTC offset, e.g. +09:00"


def check_base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"base_url {value!r} must be an http:// or https:// URL with a host"
    return None


def _font_order(fc: Mapping[str, int]) -> str | None:
    if not fc["min_px"] <= fc["default_px"] <= fc["max_px"]:
        return (f"needs min_px <= default_px <= max_px, got "
                f"{fc['min_px']} <= {fc['default_px']} <= {fc['max_px']}")
    return None


def _bounded(span: tuple) -> str | None:
    return "give both ends, e.g. [1, 12]" if None in span else None


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be > 0, got {value}"


# What JSON Schema can say of the checks above, for editors (Field's ``json``): a little less
# than the checks, never more (what only the loader checks: regress.model.editor_schema).
NAME_JSON = {"pattern": f"^{_NAME.pattern}$"}
PAGE_JSON = {"pattern": r"^/(?!/)\S*$"}
CLOCK_JSON = {"pattern": r"^\d{4}.*(Z|[+-]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?)$"}
BASE_URL_JSON = {"pattern": "^[hH][tT][tT][pP][sS]?://[^/?#\\s]+"}
POSITIVE_JSON = {"exclusiveMinimum": 0}


# ---------------------------------------------------------------- site settings

MOBILE_SCALE_FACTOR = 2.0  # device pixels per CSS pixel of a mobile viewport that states none

# A project's file (config/site.yaml) is laid over the package's generic defaults
# (regress/model/site.yaml): see load_settings. The package names no site's components.
SETTINGS_SCHEMA = Nested({
    "site": Nested({
        "name": Field(str, min=1, doc="the site's name, as the report shows it"),
        "article_path": Field(str, check=check_page, json=PAGE_JSON, doc="the article the Python tests open"),
        "sensitive_hosts": Field(list[str], default=[],
                                 doc="hosts whose state-changing checks are skipped"),
        "canonical_host": Field(str, min=1, doc="host of the pages' <link rel=canonical> "
                                                "(host[:port]); default: the host under test"),
        "section_path": Field(str, check=check_page, json=PAGE_JSON, doc="a list page (a section) whose story list the "
                                                         "structural tests read"),
        "section_stories": CountRange(default=(1, None), doc="how many stories the list template shows, "
                                                             "e.g. '1..30'"),
    }, default={"sensitive_hosts": []}, doc="the site under test"),
    # A viewport is a device, in the shape of Playwright's device descriptors (the viewport's
    # size flat): a phone or tablet is `is_mobile` (a 980 px layout viewport unless the page's
    # viewport meta tag says otherwise), has touch, and paints device pixels.
    "viewports": MapOf(Field(str, check=check_name, json=NAME_JSON), Nested({
        "width": Field(int, required=True, min=1, doc="the viewport's width, CSS px"),
        "height": Field(int, required=True, min=1, doc="the viewport's height, CSS px"),
        "is_mobile": Field(bool, default=False, doc="a phone or tablet: the viewport meta tag applies"),
        "has_touch": Field(bool, default=False, doc="touch events and (pointer: coarse)"),
        "device_scale_factor": Field(float, min=1, max=4,
                                     doc=f"device pixels per CSS pixel; default {MOBILE_SCALE_FACTOR:g} on a "
                                         "mobile device, else 1. Captures are in device pixels"),
        "user_agent": Field(str, min=1, doc="the browser's own (Chromium's) unless set: a phone's user agent "
                                            "may send the suite to another host"),
    }), required=True, min=1, doc="the devices checks run at, by name (a scenario picks them by name); "
                                   "in the shape of Playwright's device descriptors"),
    "font_controls": Nested({
        "default_px": Field(int, required=True, min=1, doc="the article body's font size before any click, px"),
        "step_px": Field(int, required=True, min=1, doc="how much one click of A+ or A- changes it, px"),
        "min_px": Field(int, required=True, min=1, doc="the smallest size A- reaches, px"),
        "max_px": Field(int, required=True, min=1, doc="the largest size A+ reaches, px"),
        "bystanders": Field(list[str], default=[],
                            doc="components whose font size must not follow the article body's"),
    }, required=True, check=_font_order, doc="the article's font-size buttons (the font_controls check)"),
    "links": Nested({
        "max_redirects": Field(int, required=True, min=0, doc="redirect hops a link may take"),
        "per_host_concurrency": Field(int, required=True, min=1, doc="requests at once to one host"),
        "retries": Field(int, required=True, min=0, doc="tries more for a link that fails to answer"),
        "timeout_s": Field(float, required=True, check=_positive, json=POSITIVE_JSON,
                           doc="seconds a link may take to answer"),
        "allow_hosts": Field(list[str], default=[],
                             doc="external hosts whose links are fetched, not only parsed"),
    }, required=True, doc="how the links check requests links"),
    "print_preview": Nested({
        "pdf_pages": CountRange(required=True, check=_bounded,
                                doc="page count of the printed PDF, [low, high]"),
        "hidden": Field(list[str], default=[], doc="components hidden under print media (the chrome)"),
        "shown": Field(list[str], default=[], doc="components shown under print media (the story)"),
    }, required=True, doc="the print view (the print_preview check)"),
    "page_health": Nested({
        "ignore_error_origins": Field(list[str], default=[],
                                      doc="origins whose uncaught script errors are ignored "
                                          "(third-party scripts, blocked here)"),
    }, default={"ignore_error_origins": []}, doc="the page_health check"),
    "visual": Nested({
        "threshold": Field(float, required=True, min=0, max=1, doc="per-pixel YIQ colour distance, 0..1"),
        "max_diff_pixels": Field(int, required=True, min=0, doc="how many pixels may differ (a count)"),
        "clock": Field(str, required=True, check=check_clock, json=CLOCK_JSON,
                       doc="the frozen clock of pinned captures, ISO 8601 with a UTC offset"),
        "settle_tries": Field(int, required=True, min=1,
                              doc="captures taken at most until two in a row are equal"),
        # Component names, checked when scenarios load.
        "report_components": Field(list[str], default=[],
                                   doc="components a failed capture's report names when its changed pixels "
                                       "fall in them"),
        # What is news on a live target; component names, checked when scenarios load.
        "live": Nested({
            "mask_text": Field(list[str], default=[],
                               doc="components whose text is replaced by a fixed sample before a capture"),
            "mask": Field(list[str], default=[], doc="components painted over before a capture"),
            "skip": Field(dict[str, str], default={},
                          doc="component -> why its visual items are left to layout on live targets"),
        }, default={"mask_text": [], "mask": [], "skip": {}}, doc="what is news on a live target"),
    }, required=True, doc="captures and their comparison (the visual check)"),
    "spacing": Nested({
        "tolerance_px": Field(float, required=True, min=0,
                              doc="how far (CSS px) a gap may differ from its reference"),
    }, default={"tolerance_px": 0.5}, doc="the spacing check"),
    "aria_snapshot": Nested({
        # What is news on a live target; component names, checked when scenarios load.
        "live": Nested({
            "dynamic": Field(list[str], default=[],
                             doc="components whose accessible names and text are news: on live targets "
                                 "an aria_snapshot check matches them by role and structure (names as /.+/)"),
        }, default={"dynamic": []}, doc="what is news on a live target"),
    }, default={"live": {"dynamic": []}}, doc="accessibility-tree references (the aria_snapshot check)"),
    "layout_shift": Nested({
        "budget": Field(float, required=True, min=0,
                        doc="the highest cumulative layout shift (largest session window) a page may have"),
    }, default={"budget": 0.1}, doc="cumulative layout shift after load (the spacing check)"),
    # Named targets. `demo` (the bundled replica) runs the pinned rules; every other target
    # runs the live rules. `demo` and `live` exist even when not listed.
    "targets": MapOf(Field(str, check=check_name, json=NAME_JSON), Nested({
        "base_url": Field(str, check=check_base_url, json=BASE_URL_JSON,
                          doc="where the target is (--base-url overrides it)"),
        "canonical_host": Field(str, min=1, doc="host of its pages' <link rel=canonical> (host[:port])"),
    }), default={}, doc="deployments by name (--target NAME): demo runs the pinned rules, every other "
                        "target the live rules"),
}, doc="site settings, laid over the package's generic defaults key by key")
BUILT_IN_TARGETS = ("demo", "live")
PINNED_TARGET = "demo"

# Scenario files may overlay these sections. Not `viewports` (scenarios pick
# viewports by name) nor `site` (identity and the sensitive-host safety list).
OVERRIDABLE = ("aria_snapshot", "font_controls", "layout_shift", "links", "page_health", "print_preview", "spacing",
               "visual")
OVERLAY_SCHEMA = Nested({k: SETTINGS_SCHEMA.fields[k] for k in OVERRIDABLE}, partial=True,
                        doc="site settings laid over the file's for this scenario")


@dataclass(frozen=True)
class Target:
    """Where the suite runs and by which rules: ``pinned`` (the demo: the seed's content and
    clock, exact checks) or ``live`` (any deployment: only what a deployment can break)."""
    name: str
    base_url: str | None = None
    canonical_host: str | None = None

    @property
    def pinned(self) -> bool:
        return self.name == PINNED_TARGET

    @property
    def rules(self) -> str:
        return "pinned" if self.pinned else "live"


@dataclass(frozen=True)
class Device:
    """A viewport as the browser context emulates it."""
    name: str
    width: int
    height: int
    is_mobile: bool = False
    has_touch: bool = False
    device_scale_factor: float = 1.0
    user_agent: str | None = None  # None: the browser's own

    @classmethod
    def of(cls, name: str, spec: Mapping[str, Any]) -> "Device":
        scale = spec.get("device_scale_factor") or (MOBILE_SCALE_FACTOR if spec.get("is_mobile") else 1.0)
        return cls(name, spec["width"], spec["height"], bool(spec.get("is_mobile")), bool(spec.get("has_touch")),
                   float(scale), spec.get("user_agent"))

    def context_args(self) -> dict[str, Any]:
        """Browser.new_context arguments: a Playwright device descriptor."""
        args: dict[str, Any] = {"viewport": {"width": self.width, "height": self.height},
                                "device_scale_factor": self.device_scale_factor,
                                "is_mobile": self.is_mobile, "has_touch": self.has_touch}
        if self.user_agent:
            args["user_agent"] = self.user_agent
        return args


@dataclass(frozen=True)
class Settings:
    """Validated site settings: ``raw`` is the normalized nested dict. ``path`` and ``lines``
    are the file that was read (the project's, laid over ``defaults``: the package's file)."""
    raw: Mapping[str, Any]
    viewports: dict[str, tuple[int, int]]  # name -> (width, height), declared order
    devices: dict[str, Device] = field(default_factory=dict)  # name -> the device it emulates
    path: str | None = None
    lines: Mapping[KeyPath, int] = field(default_factory=dict, repr=False)
    defaults: str | None = None  # the package's defaults under ``path``; None: ``path`` is all

    @property
    def project_file(self) -> str:
        """Where a project states its site's settings (for messages that say what to add)."""
        return self.path if self.defaults and self.path else "config/site.yaml"

    @property
    def target_names(self) -> list[str]:
        return list(dict.fromkeys([*BUILT_IN_TARGETS, *self.raw.get("targets", {})]))

    def target(self, name: str) -> Target:
        """KeyError (naming the valid targets) for a target the settings do not have."""
        if name not in self.target_names:
            raise KeyError(f"unknown target {name!r}; valid: {', '.join(self.target_names)}")
        spec = self.raw.get("targets", {}).get(name, {})
        return Target(name, spec.get("base_url"), spec.get("canonical_host"))

    def __getitem__(self, section: str) -> Any:
        return self.raw[section]

    def __getattr__(self, section: str) -> Any:
        """``settings.links`` reads as well as ``settings["links"]``."""
        raw = self.__dict__.get("raw", {})
        if section in raw:
            return raw[section]
        raise AttributeError(section)

    @classmethod
    def from_mapping(cls, data: Any, path: str | None = None,
                     lines: Mapping[KeyPath, int] | None = None) -> "Settings":
        ctx = Context(file=path, lines=lines or {})
        if not isinstance(data, dict):
            raise ctx.error((), f"settings must be a mapping, got {describe_value(data)}")
        raw = SETTINGS_SCHEMA.validate(data, ctx)
        devices = {n: Device.of(n, v) for n, v in raw["viewports"].items()}
        for name, device in devices.items():  # the scale factor's default made explicit
            raw["viewports"][name]["device_scale_factor"] = device.device_scale_factor
        viewports = {n: (d.width, d.height) for n, d in devices.items()}
        return cls(raw=raw, viewports=viewports, devices=devices, path=path, lines=dict(lines or {}))


# A project's settings file states only what differs from the package's defaults.
PROJECT_LAYER = Nested(SETTINGS_SCHEMA.fields, partial=True)


def load_settings(path: str | os.PathLike,
                  defaults: str | os.PathLike | None = PACKAGE_SETTINGS) -> Settings:
    """The settings of ``path`` laid over ``defaults`` (the package's generic file), key by key:
    a section's keys merge into the defaults' section, and a value that is a list or a mapping
    of free names (viewports, targets, visual.live.skip) replaces the defaults' whole. The
    merged settings are validated as a whole, errors naming ``path``'s lines. ``defaults=None``
    (or ``path`` being the defaults' file) reads ``path`` alone, which must then be complete."""
    if defaults is None or Path(path).resolve() == Path(defaults).resolve():
        data, lines, shown = _read_yaml(path)
        return Settings.from_mapping(data, shown, lines)
    base = load_settings(defaults, None)
    data, lines, shown = _read_yaml(path)
    ctx = Context(file=shown, lines=lines)
    if not isinstance(data, dict):
        raise ctx.error((), f"settings must be a mapping, got {describe_value(data)}")
    layer = PROJECT_LAYER.validate(data, ctx)
    merged = Settings.from_mapping(SETTINGS_SCHEMA.merge(base.raw, layer), shown, lines)
    return replace(merged, defaults=base.path)


# ---------------------------------------------------------------- discovery

SCENARIO_SUFFIXES = (".yaml", ".yml")


def is_scenario_file(path: Path, scenarios_dir: Path) -> bool:
    """A scenario file is a *.yaml / *.yml file directly in the scenarios folder."""
    path = Path(path)
    return path.suffix in SCENARIO_SUFFIXES and path.is_file() and path.resolve().parent == Path(scenarios_dir).resolve()


def scenario_files(scenarios_dir: Path) -> list[Path]:
    """The scenario files of a folder, in a stable order (none if it does not exist)."""
    folder = Path(scenarios_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_scenario_file(p, folder))


# ---------------------------------------------------------------- scenarios

@dataclass(frozen=True)
class Check:
    kind: str
    name: str
    viewports: tuple[str, ...]
    options: dict[str, Any]  # validated; absent options without a default are left out
    line: int | None = None
    rules: tuple[str, ...] = ("pinned", "live")  # the rules it runs on


@dataclass(frozen=True)
class Scenario:
    name: str
    page: str
    viewports: tuple[str, ...]
    checks: tuple[Check, ...]
    path: str | None
    line: int | None
    settings: dict[str, Any] = field(repr=False)  # site settings with overlays merged


# A file, a scenario and the keys every check has. The items of `scenarios` and `checks` are
# validated one by one (SCENARIO_SCHEMA, then check_schema of the check's kind), so each error
# names its own scenario or check.
FILE_SCHEMA = Nested({
    "defaults": Nested({"viewports": ViewportList(min=1, doc="the viewports of this file's scenarios "
                                                             "(default: every viewport of the settings)"),
                        **OVERLAY_SCHEMA.fields}, partial=True,
                       doc="this file's viewports, and site settings laid over the site's for its scenarios"),
    "scenarios": ListOf(Field(dict), required=True, min=1, doc="the scenarios: a page and its checks each"),
}, doc="a scenario file")
SCENARIO_SCHEMA = Nested({
    "name": Field(str, required=True, check=check_name, json=NAME_JSON,
                  doc="names its baselines folder: unique across the scenario files"),
    "page": Field(str, required=True, check=check_page, json=PAGE_JSON,
                  doc="a path under the base URL, e.g. /www/nation/2022/06/120_330924.html"),
    "viewports": ViewportList(min=1, doc="the viewports its checks run at (default: the file's)"),
    "settings": OVERLAY_SCHEMA,
    "checks": ListOf(Field(dict), required=True, min=1, doc="its checks: one pytest item per check and viewport"),
}, doc="a page and the checks run on it")
RULES = ("pinned", "live")
CHECK_KEYS = {
    "kind": Field(str, required=True, doc="the check kind: what the check does, and which options it takes"),
    "name": Field(str, check=check_name, json=NAME_JSON,
                  doc="names the item and its reference files (default: the kind); unique in the scenario"),
    "viewports": ViewportList(min=1, doc="only at these of the scenario's viewports"),
    # Which rules the check belongs to (default both): `pinned` for one that compares the
    # seed's story (its length, its words), which is news on a live target.
    "rules": ListOf(Field(str, choices=list(RULES)), min=1, unique=True,
                    doc="the rules it runs on (default both): pinned for one that compares the seed's story"),
}


def load_scenarios(path: str | os.PathLike, settings: Settings, *,
                   kinds: Mapping[str, Any], components: Iterable[str]) -> list[Scenario]:
    """Load one scenario file. ``kinds`` maps kind names to CheckKind objects (the
    registered ones, from the check-kind layer above); ``components`` are the valid
    component names (the page objects' names)."""
    _check_live_components(settings, components)
    data, lines, shown = _read_yaml(path)
    ctx = Context(file=shown, lines=lines, components=frozenset(components),
                  viewports=tuple(settings.viewports))
    if not isinstance(data, dict):
        raise ctx.error((), "the top level must be a mapping with 'scenarios' "
                            f"(and optional 'defaults'), got {describe_value(data)}")
    doc = FILE_SCHEMA.validate(data, ctx)
    defaults = dict(doc.get("defaults", {}))
    file_viewports = tuple(defaults.pop("viewports", None) or settings.viewports)
    _check_components(defaults, ctx, ("defaults",))
    file_settings = _overlay(settings.raw, defaults, ctx, ("defaults",))

    scenarios: list[Scenario] = []
    first_at: dict[str, int] = {}
    for i, raw in enumerate(doc["scenarios"]):
        at = ("scenarios", i)
        s = SCENARIO_SCHEMA.validate(raw, ctx, at)
        if s["name"] in first_at:
            raise ctx.error(at + ("name",), f"duplicate scenario name {s['name']!r} "
                            f"(first at line {first_at[s['name']]})")
        first_at[s["name"]] = ctx.line(at)
        viewports = tuple(s.get("viewports") or file_viewports)
        _check_components(s.get("settings", {}), ctx, at + ("settings",))
        merged = _overlay(file_settings, s.get("settings", {}), ctx, at + ("settings",))
        checks = _load_checks(s["checks"], ctx, at + ("checks",), kinds, viewports)
        for j, check in enumerate(checks):
            _check_needed_components(check, kinds[check.kind], settings, merged, ctx, at + ("checks", j))
        scenarios.append(Scenario(s["name"], s["page"], viewports, checks, shown,
                                  ctx.line(at), copy.deepcopy(merged)))
    return scenarios


@dataclass(frozen=True)
class ScenarioSet:
    """Several scenario files loaded together: each file's scenarios, or its one error.

    Scenario names are unique across the files because they name the baseline folders:
    a scenario whose name an earlier file already took makes its own file's error,
    naming both files and lines."""
    by_file: Mapping[Path, "tuple[Scenario, ...] | ScenarioError"]

    def of(self, path: str | os.PathLike) -> list[Scenario]:
        """One file's scenarios; its ScenarioError if it has one."""
        found = self.by_file.get(Path(path).resolve())
        if found is None:
            raise ScenarioError("not one of the scenario files loaded for this run", path=_shown_path(path))
        if isinstance(found, ScenarioError):
            raise found
        return list(found)

    def all(self) -> list[Scenario]:
        """Every file's scenarios, in file order; the first file's error if any has one."""
        return [s for path in self.by_file for s in self.of(path)]


def load_scenario_set(paths: Iterable[str | os.PathLike], settings: Settings, *,
                      kinds: Mapping[str, Any], components: Iterable[str]) -> ScenarioSet:
    """Load several files (see :class:`ScenarioSet`); ``kinds`` and ``components`` as for load_scenarios."""
    components = frozenset(components)
    by_file: dict[Path, tuple[Scenario, ...] | ScenarioError] = {}
    seen: dict[str, Scenario] = {}
    for path in paths:
        try:
            scenarios = load_scenarios(path, settings, kinds=kinds, components=components)
            for s in scenarios:
                if s.name in seen:
                    first = seen[s.name]
                    raise ScenarioError(f"duplicate scenario name {s.name!r} (also at {first.path}:{first.line}); "
                                        "scenario names name the baseline folders, so they are unique across "
                                        "files", path=s.path, line=s.line, key="name")
        except ScenarioError as err:
            by_file[Path(path).resolve()] = err
            continue
        seen.update((s.name, s) for s in scenarios)
        by_file[Path(path).resolve()] = tuple(scenarios)
    return ScenarioSet(by_file)


def load_scenario_files(paths: Iterable[str | os.PathLike], settings: Settings, *,
                        kinds: Mapping[str, Any], components: Iterable[str]) -> list[Scenario]:
    """Load several files; the first error any has (scenario names unique across them)."""
    return load_scenario_set(paths, settings, kinds=kinds, components=components).all()


# The settings that name components, checked against the page objects' names when scenarios
# load (the settings layer knows no page objects). A list at `<kind>.<option>` is what a check of
# that kind looks at when it does not give that option itself: it must name something then.
COMPONENT_SETTINGS: dict[KeyPath, Field] = {
    ("font_controls", "bystanders"): ComponentList(),
    ("print_preview", "hidden"): ComponentList(),
    ("print_preview", "shown"): ComponentList(),
    ("visual", "report_components"): ComponentList(),
    ("visual", "live", "mask_text"): ComponentList(),
    ("visual", "live", "mask"): ComponentList(),
    ("visual", "live", "skip"): MapOf(ComponentName(), Field(str, min=1)),
    ("aria_snapshot", "live", "dynamic"): ComponentList(),
}


def _check_live_components(settings: Settings, components: Iterable[str]) -> None:
    """The site settings' component names, checked with the settings file's lines."""
    ctx = Context(file=settings.path, lines=settings.lines, components=frozenset(components))
    _check_components(settings.raw, ctx, ())


def _check_components(layer: Mapping[str, Any], ctx: Context, at: KeyPath) -> None:
    """The component names of a settings mapping (complete, or a scenario's overlay at ``at``)."""
    for path, schema in COMPONENT_SETTINGS.items():
        value: Any = layer
        for key in path:
            value = value.get(key, MISSING) if isinstance(value, dict) else MISSING
        if value is not MISSING:
            schema.validate(value, ctx, at + path)


def _check_needed_components(check: Check, kind: Any, settings: Settings, merged: Mapping[str, Any],
                             ctx: Context, at: KeyPath) -> None:
    """A check of nothing always passes: a component list the check looks at must name one."""
    options = kind.options.fields if isinstance(kind.options, Nested) else kind.options
    for path in COMPONENT_SETTINGS:
        if len(path) != 2 or path[0] != kind.name or path[1] not in options:
            continue
        section, key = path
        if not check.options.get(key) and not merged[section][key]:
            what = SETTINGS_SCHEMA.fields[section].fields[key].doc
            raise ctx.error(at, f"a {kind.name} check needs the components it looks at: the site settings list "
                            f"none under {section}.{key} ({what}); list them there in {settings.project_file}, "
                            f"or give this check '{key}: [...]'", valid=ctx.components)


def _overlay(base: Mapping[str, Any], overlay: Mapping[str, Any], ctx: Context,
             at: KeyPath) -> dict:
    """Merge an overlay and re-validate the result, so cross-key rules (e.g.
    min_px <= default_px) hold after merging; errors point at the overlay."""
    if not overlay:
        return dict(base)
    return SETTINGS_SCHEMA.validate(SETTINGS_SCHEMA.merge(base, overlay), ctx, at)


def _load_checks(raws: list[dict], ctx: Context, at: KeyPath, kinds: Mapping[str, Any],
                 scenario_viewports: tuple[str, ...]) -> tuple[Check, ...]:
    checks: list[Check] = []
    first_at: dict[str, int | None] = {}
    for j, raw in enumerate(raws):
        here = at + (j,)
        if "kind" not in raw:
            raise ctx.error(here, "missing required key 'kind'", valid=kinds)
        kind_name = CHECK_KEYS["kind"].validate(raw["kind"], ctx, here + ("kind",))
        if kind_name not in kinds:
            raise ctx.error(here + ("kind",), f"unknown check kind {kind_name!r}",
                            valid=kinds, got=kind_name)
        kind = kinds[kind_name]
        values = check_schema(kind).validate(raw, ctx, here)
        name = values.pop("name", kind.name)
        if name in first_at:
            where = here + ("name",) if "name" in raw else here
            raise ctx.error(where, f"duplicate check name {name!r} (first at line "
                            f"{first_at[name]}); name checks of the same kind apart")
        first_at[name] = ctx.line(here)
        viewports = values.pop("viewports", scenario_viewports)
        for k, v in enumerate(viewports):
            if v not in scenario_viewports:
                raise ctx.error(here + ("viewports", k), f"viewport {v!r} is not one of "
                                "the scenario's viewports", valid=scenario_viewports, got=v)
        rules = tuple(values.pop("rules", RULES))
        del values["kind"]
        checks.append(Check(kind.name, name, tuple(viewports), values, ctx.line(here), rules))
    return tuple(checks)


def check_schema(kind: Any) -> Nested:
    """The kind's options plus the keys every check has."""
    options = kind.options
    fields = options.fields if isinstance(options, Nested) else dict(options)
    reserved = CHECK_KEYS.keys() & fields.keys()
    if reserved:
        raise TypeError(f"check kind {kind.name!r} declares reserved option(s) {sorted(reserved)}")
    cross = options.cross_check if isinstance(options, Nested) else None
    return Nested({**CHECK_KEYS, **fields}, check=cross)


# ---------------------------------------------------------------- YAML with lines

_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


def _read_yaml(path: str | os.PathLike) -> tuple[Any, dict[KeyPath, int], str]:
    """Parse a file into plain values plus the line of every key path."""
    shown = _shown_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(f"cannot read: {e}", path=shown) from None
    for n, line in enumerate(text.splitlines(), 1):
        if "\t" in line[:len(line) - len(line.lstrip(" \t"))]:
            raise ScenarioError("tab in indentation; YAML indents with spaces only",
                                path=shown, line=n)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        raise _yaml_error(e, shown) from None
    except yaml.YAMLError as e:
        raise ScenarioError(f"invalid YAML: {e}", path=shown) from None
    if node is None:
        raise ScenarioError("file is empty", path=shown, line=1)
    lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
    return _Builder(shown, lines).build(node, (), frozenset()), lines, shown


def _shown_path(path: str | os.PathLike) -> str:
    """A scenario or settings file is named as the user gave it: relative to the folder they
    work in (the invocation folder), where the engine's own files are the project root's."""
    return shown_path(path, Path.cwd())


def _yaml_error(e: yaml.MarkedYAMLError, shown: str) -> ScenarioError:
    mark = e.problem_mark or e.context_mark
    what = " ".join(p for p in (e.context, e.problem) if p) or "syntax error"
    return ScenarioError(f"invalid YAML: {what}", path=shown,
                         line=mark.line + 1 if mark else None)


class _Builder:
    """Turns a composed node tree into dicts/lists/scalars, recording lines."""

    def __init__(self, shown: str, lines: dict[KeyPath, int]):
        self.shown, self.lines = shown, lines
        self.scalars = yaml.SafeLoader("")  # only its constructor is used

    def error(self, message: str, at: KeyPath, node: yaml.Node) -> ScenarioError:
        return ScenarioError(message, path=self.shown, line=node.start_mark.line + 1,
                             key=format_key(at))

    def build(self, node: yaml.Node, at: KeyPath, parents: frozenset) -> Any:
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.scalars.construct_object(node)
            except yaml.MarkedYAMLError as e:
                raise _yaml_error(e, self.shown) from None
        if id(node) in parents:
            raise ScenarioError("recursive alias", path=self.shown, line=self.lines.get(at),
                                key=format_key(at))
        parents = parents | {id(node)}
        if node.tag not in (_MAP, _SEQ):
            raise self.error(f"unsupported YAML tag {node.tag!r}", at, node)
        if isinstance(node, yaml.SequenceNode):
            out = []
            for i, item in enumerate(node.value):
                self.lines[at + (i,)] = item.start_mark.line + 1
                out.append(self.build(item, at + (i,), parents))
            return out
        return self.build_mapping(node, at, parents)

    def build_mapping(self, node: yaml.MappingNode, at: KeyPath, parents: frozenset) -> dict:
        out: dict[str, Any] = {}
        # `<<: *anchor` merges first, so explicit keys override merged ones.
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in reversed(sources):  # earlier sources take precedence
                    merged = self.build(src, at, parents)
                    if not isinstance(merged, dict):
                        raise self.error("'<<' can only merge mappings", at, src)
                    out.update(merged)
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            line = key_node.start_mark.line + 1
            key = self.build(key_node, at, parents) if isinstance(key_node, yaml.ScalarNode) else key_node
            if not isinstance(key, str):
                shown = describe_value(key) if isinstance(key_node, yaml.ScalarNode) else "a collection"
                raise self.error(f"keys must be strings, got {shown} (quote it to mean text)",
                                 at, key_node)
            if key in first_line:
                raise self.error(f"duplicate key {key!r} (first at line {first_line[key]})",
                                 at + (key,), key_node)
            first_line[key] = line
            self.lines[at + (key,)] = line
            out[key] = self.build(value_node, at + (key,), parents)
        return out
