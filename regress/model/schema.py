"""A tiny declarative schema for the suite's YAML: site settings, scenarios and
the options of every check kind.

Why not jsonschema or pydantic here: every mistake must be reported in a scenario
author's words -- file, line, dotted key, what was expected, the valid choices,
a "did you mean" -- which needs the YAML's line of every key and the page
objects' vocabularies. (The run record, which machines read, is checked with
jsonschema: :mod:`regress.run.record`.) This module uses the standard library only.

A schema is a tree of :class:`Field` objects. ``field.validate(value, ctx, at)``
returns the normalized value or raises :class:`ScenarioError`; ``ctx`` carries
the file name, the line of every key path and the vocabularies (component and
viewport names) that some fields check against.
"""
from __future__ import annotations

import copy
import difflib
import re
import typing
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Collection, Iterable, Mapping, NamedTuple

KeyPath = tuple  # of str (mapping keys) and int (list indexes)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


# An absent optional key without a default stays absent, so check kinds can
# write ``options.get(key, fallback)`` or ``{**settings, **options}``.
MISSING: Any = _Missing()


class ScenarioError(Exception):
    """A mistake in a settings or scenario file, located for its author."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str = "", valid: Iterable[Any] | None = None, suggestion: str | None = None):
        self.path, self.line, self.key, self.message = path, line, key, message
        self.valid = None if valid is None else list(valid)
        self.suggestion = suggestion
        super().__init__(message)

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line) if p is not None)
        text = ": ".join(p for p in (where, self.key, self.message) if p)
        if self.suggestion is not None:
            text += f" (did you mean {self.suggestion!r}?)"
        if self.valid is not None:
            text += "; valid: " + ", ".join(str(v) for v in self.valid)
        return text


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def format_key(at: KeyPath) -> str:
    """``("scenarios", 0, "checks")`` -> ``scenarios[0].checks``; dotted component
    names used as keys are quoted so the path stays unambiguous."""
    out = ""
    for part in at:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += ("." if out else "") + part
        else:
            out += f"[{part!r}]"
    return out


_NONE = type(None)
_TYPE_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean",
               list: "list", dict: "mapping", _NONE: "null", object: "any value"}
# A float field takes integers too, as validate() does; `object` is anything.
_JSON_TYPES = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
               bool: {"type": "boolean"}, list: {"type": "array"}, dict: {"type": "object"}, object: {}}
# Where a scenario file's JSON Schema defines the vocabularies (regress.model.editor_schema).
COMPONENT_REF = "#/definitions/component"
VIEWPORT_REF = "#/definitions/viewport"


def _json_value(value: Any) -> Any:
    """A default or choice as JSON: a range as the text that reads as it, a tuple as a list."""
    if isinstance(value, Span):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def describe_value(value: Any) -> str:
    """How a got-value is named in messages: its YAML type, plus the value if short."""
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)) or value is None:
        return name
    text = repr(value)
    return f"{name} {text if len(text) <= 40 else text[:37] + '...'}"


@dataclass(frozen=True)
class Context:
    """Where values come from (for messages) and what names are valid."""
    file: str | None = None
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    components: Collection[str] = ()
    viewports: Collection[str] = ()
    # Overlays (scenario settings over site settings) give only some keys.
    partial: bool = False

    def line(self, at: KeyPath) -> int | None:
        """Line of ``at``, or of its nearest ancestor (missing keys have none)."""
        for n in range(len(at), -1, -1):
            if at[:n] in self.lines:
                return self.lines[at[:n]]
        return None

    def error(self, at: KeyPath, message: str, valid: Iterable[Any] | None = None,
              got: Any = None, line: int | None = None) -> ScenarioError:
        suggestion = None
        if valid is not None:
            valid = sorted(valid, key=str)
            if isinstance(got, str):
                close = difflib.get_close_matches(got, [str(v) for v in valid], n=1, cutoff=0.6)
                suggestion = close[0] if close else None
        return ScenarioError(message, path=self.file, line=line or self.line(at),
                             key=format_key(at), valid=valid, suggestion=suggestion)


class Field:
    """One value: its type, whether it is required, its default and limits.

    ``type`` is str, int, float, bool, list, dict, object (anything), or
    ``list[T]`` / ``dict[str, T]``. An optional key without ``default`` is
    left out of the validated mapping. ``min``/``max`` bound numbers, and the
    length of strings, lists and mappings. ``check(value)`` returns an error
    message or None. ``exclusive_with`` names sibling keys that may not be
    given together with this one (see :class:`Nested`). ``json`` is what JSON Schema
    can say of ``check`` (a ``pattern``, an ``exclusiveMinimum``), for editors
    (:meth:`json_schema`); ``check`` stays the rule.
    """

    def __init__(self, type: Any = str, *, required: bool = False, default: Any = MISSING,
                 choices: Collection[Any] | None = None, min: float | None = None,
                 max: float | None = None, doc: str = "",
                 exclusive_with: str | Iterable[str] = (),
                 check: Callable[[Any], str | None] | None = None,
                 json: Mapping[str, Any] | None = None):
        self.type, self.required, self.default, self.doc = type, required, default, doc
        self.json = dict(json or {})
        self.choices = None if choices is None else list(choices)
        self.min, self.max, self.check = min, max, check
        self.exclusive_with = ((exclusive_with,) if isinstance(exclusive_with, str)
                               else tuple(exclusive_with))
        origin, args = typing.get_origin(type), typing.get_args(type)
        self._inner: Field | None = None
        if origin is list:
            self._inner = ListOf(Field(args[0]))
        elif origin is dict:
            self._inner = MapOf(Field(args[0]), Field(args[1]))
        elif type not in _TYPE_NAMES or type is _NONE:
            raise TypeError(f"unsupported Field type {type!r}")

    def describe(self) -> str:
        return self._inner.describe() if self._inner else _TYPE_NAMES[self.type]

    def validate(self, value: Any, ctx: Context, at: KeyPath = ()) -> Any:
        value = self.convert(value, ctx, at)
        if self.choices is not None and value not in self.choices:
            raise ctx.error(at, f"invalid value {value!r}", valid=self.choices, got=value)
        self._check_bounds(value, ctx, at)
        if self.check is not None and (problem := self.check(value)):
            raise ctx.error(at, problem)
        return value

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> Any:
        """Type-check and normalize; subclasses override this, not validate()."""
        if self._inner is not None:
            return self._inner.convert(value, ctx, at)
        wanted = self.type
        if wanted is object:
            return value
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, wanted) and (wanted is bool or not isinstance(value, bool)):
            return value
        raise self.type_error(value, ctx, at)

    def type_error(self, value: Any, ctx: Context, at: KeyPath) -> ScenarioError:
        hint = ""
        if self.describe().endswith(("string", "name")) and not isinstance(value, (list, dict, str)):
            hint = " (quote it to mean text)"  # yes/no/on/~/dates are not strings in YAML
        return ctx.error(at, f"expected {self.describe()}, got {describe_value(value)}{hint}")

    SAY_FORMAT = False  # whether an editor's description adds describe() (a value's written form)

    # --- JSON Schema (draft-07) for editors: what validate() accepts, where JSON Schema can say it.
    # It cannot say what ``check`` functions and cross-key rules decide, so it is weaker there
    # (regress.model.editor_schema lists what only the loader checks).

    def json_schema(self, partial: bool = False) -> dict:
        """This field as JSON Schema draft-07. ``partial``: inside an overlay, where a mapping's
        required keys may be left out (lists and mappings of names restart complete)."""
        core = self._json_core(partial)
        extra: dict[str, Any] = {}
        if self.choices is not None:
            extra["enum"] = [_json_value(c) for c in self.choices]
        extra.update(self._json_bounds())
        extra.update(self.json)
        described = [self.doc, self.describe() if self.SAY_FORMAT else ""]
        if any(described):
            extra["description"] = ": ".join(p for p in described if p)
        if self.default is not MISSING and not partial:  # in an overlay, what is absent is the base's
            extra["default"] = _json_value(self.default)
        if "$ref" in core and extra:  # draft-07 ignores the siblings of a $ref
            core = {"allOf": [core]}
        return {**core, **extra}

    def _json_core(self, partial: bool) -> dict:
        if self._inner is not None:
            return self._inner._json_core(partial)
        return dict(_JSON_TYPES[self.type])

    def _json_bounds(self) -> dict:
        shape = typing.get_origin(self.type) or self.type
        names = {int: ("minimum", "maximum"), float: ("minimum", "maximum"), str: ("minLength", "maxLength"),
                 list: ("minItems", "maxItems"), dict: ("minProperties", "maxProperties")}.get(shape)
        if names is None:
            return {}
        return {name: bound for name, bound in zip(names, (self.min, self.max)) if bound is not None}

    def _check_bounds(self, value: Any, ctx: Context, at: KeyPath) -> None:
        if isinstance(value, bool) or (self.min is None and self.max is None):
            return
        if isinstance(value, (int, float)):
            if self.min is not None and value < self.min:
                raise ctx.error(at, f"must be >= {self.min}, got {value}")
            if self.max is not None and value > self.max:
                raise ctx.error(at, f"must be <= {self.max}, got {value}")
        elif isinstance(value, (str, list, dict)):
            unit = "characters" if isinstance(value, str) else "items"
            if self.min is not None and len(value) < self.min:
                raise ctx.error(at, "must not be empty" if self.min == 1 and not value
                                else f"needs at least {self.min} {unit}, got {len(value)}")
            if self.max is not None and len(value) > self.max:
                raise ctx.error(at, f"takes at most {self.max} {unit}, got {len(value)}")


class ListOf(Field):
    """A list whose items share one schema; ``min``/``max`` bound its length."""

    def __init__(self, item: Field, *, unique: bool = False, **kw: Any):
        super().__init__(list, **kw)
        self.item, self.unique = item, unique

    def describe(self) -> str:
        inner = self.item.describe()
        return f"list of ({inner})" if " or " in inner else f"list of {inner}s"

    def _json_core(self, partial: bool) -> dict:
        out = {"type": "array", "items": self.item.json_schema()}
        return {**out, "uniqueItems": True} if self.unique else out

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> list:
        if not isinstance(value, list):
            raise self.type_error(value, ctx, at)
        items_ctx = replace(ctx, partial=False)  # a list replaces, never overlays
        out = [self.item.validate(v, items_ctx, at + (i,)) for i, v in enumerate(value)]
        if self.unique:
            for i, v in enumerate(out):
                if v in out[:i]:
                    raise ctx.error(at + (i,), f"{v!r} is listed twice")
        return out


class MapOf(Field):
    """A mapping with free keys (e.g. viewport names) whose values share one schema."""

    def __init__(self, key: Field, value: Field, **kw: Any):
        super().__init__(dict, **kw)
        self.key, self.value = key, value

    def describe(self) -> str:
        return f"mapping of {self.key.describe()} to {self.value.describe()}"

    def _json_core(self, partial: bool) -> dict:
        names = {k: v for k, v in self.key.json_schema().items() if k not in ("description", "default")}
        return {"type": "object", "propertyNames": names, "additionalProperties": self.value.json_schema()}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> dict:
        if not isinstance(value, dict):
            raise self.type_error(value, ctx, at)
        return {self.key.validate(k, ctx, at + (k,)): self.value.validate(v, ctx, at + (k,))
                for k, v in value.items()}


class Nested(Field):
    """A mapping with fixed keys, each with its own Field.

    Unknown keys are errors; missing optional keys get their default, if
    they have one. Keys declared ``exclusive_with`` each other may not both be
    given; a required key is satisfied by any of its exclusive partners, and
    giving one leaves the others out (no default).
    ``check(mapping)`` validates across keys. A ``partial`` Nested is an
    overlay (see :meth:`merge`): it accepts any subset of keys, fills nothing.
    """

    def __init__(self, fields: Mapping[str, Field], *, partial: bool = False, **kw: Any):
        self.cross_check = kw.pop("check", None)  # runs on complete mappings only
        super().__init__(dict, **kw)
        self.fields, self.partial = dict(fields), partial
        self.rivals: dict[str, set[str]] = {k: set() for k in self.fields}
        for key, f in self.fields.items():
            for other in f.exclusive_with:
                if other not in self.fields:
                    raise TypeError(f"{key!r} is exclusive with undeclared key {other!r}")
                self.rivals[key].add(other)
                self.rivals[other].add(key)

    def describe(self) -> str:
        return "mapping"

    def _json_core(self, partial: bool) -> dict:
        partial = partial or self.partial
        out: dict[str, Any] = {"type": "object",
                               "properties": {k: f.json_schema(partial) for k, f in self.fields.items()},
                               "additionalProperties": False}
        rules: list[dict] = []
        if not partial:
            required = [k for k, f in self.fields.items() if f.required and not self.rivals[k]]
            if required:
                out["required"] = required
            rules += [{"anyOf": [{"required": [k]} for k in [key, *sorted(self.rivals[key])]]}
                      for key, f in self.fields.items() if f.required and self.rivals[key]]
        rules += [{"not": {"required": [key, other]}}
                  for key in self.fields for other in sorted(self.rivals[key]) if key < other]
        return {**out, "allOf": rules} if rules else out

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> dict:
        if not isinstance(value, dict):
            raise self.type_error(value, ctx, at)
        ctx = replace(ctx, partial=ctx.partial or self.partial)
        for key in value:
            if key not in self.fields:
                raise ctx.error(at + (key,), f"unknown key {key!r}", valid=self.fields, got=key)
        # `key: ~` on an optional key means "not given": use the default.
        given = {k: v for k, v in value.items() if v is not None or self.fields[k].required}
        out: dict[str, Any] = {}
        for key, v in given.items():
            clash = [r for r in self.rivals[key] if r in given and r in out]
            if clash:
                raise ctx.error(at + (key,), f"{key!r} conflicts with {clash[0]!r}; give only one")
            out[key] = self.fields[key].validate(v, ctx, at + (key,))
        if ctx.partial:
            return out
        for key, f in self.fields.items():
            if key in out:
                continue
            partners = self.rivals[key] & given.keys()
            if f.required and not partners:
                names = " or ".join(repr(k) for k in [key, *sorted(self.rivals[key])])
                raise ctx.error(at, f"missing required key {names}")
            if not partners and f.default is not MISSING:
                out[key] = copy.deepcopy(f.default)
        if self.cross_check is not None and (problem := self.cross_check(out)):
            raise ctx.error(at, problem)
        return {k: out[k] for k in self.fields if k in out}  # declared order

    def merge(self, base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict:
        """Deep-merge a validated partial ``overlay`` onto a complete ``base``.

        Giving one key of an exclusive group resets the others, so an overlay
        can switch e.g. from max_diff_pixels to max_diff_ratio.
        """
        out = dict(base)
        for key, value in overlay.items():
            f = self.fields[key]
            if isinstance(f, Nested) and isinstance(out.get(key), dict) and isinstance(value, dict):
                out[key] = f.merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
            for rival in self.rivals[key] - overlay.keys():
                out.pop(rival, None)
        return out


class OneOf(Field):
    """Any of several alternatives, each a literal (``"auto"``) or a Field:
    ``OneOf("auto", Field(int, min=0))``."""

    def __init__(self, *alternatives: Any, **kw: Any):
        super().__init__(object, **kw)
        self.alternatives = alternatives

    def describe(self) -> str:
        return " or ".join(a.describe() if isinstance(a, Field) else repr(a)
                           for a in self.alternatives)

    def _json_core(self, partial: bool) -> dict:
        return {"anyOf": [a.json_schema(partial) if isinstance(a, Field) else {"const": a}
                          for a in self.alternatives]}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> Any:
        for alt in self.alternatives:
            if isinstance(alt, Field):
                try:
                    return alt.validate(value, ctx, at)
                except ScenarioError:
                    continue
            elif type(value) is type(alt) and value == alt:
                return value
        raise self.type_error(value, ctx, at)


class ComponentName(Field):
    """A key of pages.components.COMPONENTS: the only names scenarios use for page parts."""

    def __init__(self, **kw: Any):
        super().__init__(str, **kw)

    def describe(self) -> str:
        return "component name"

    def _json_core(self, partial: bool) -> dict:
        return {"$ref": COMPONENT_REF}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> str:
        value = super().convert(value, ctx, at)
        if value not in ctx.components:
            raise ctx.error(at, f"unknown component {value!r}", valid=ctx.components, got=value)
        return value


class ViewportName(Field):
    """The name of a viewport declared in the site settings."""

    def __init__(self, **kw: Any):
        super().__init__(str, **kw)

    def describe(self) -> str:
        return "viewport name"

    def _json_core(self, partial: bool) -> dict:
        return {"$ref": VIEWPORT_REF}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> str:
        value = super().convert(value, ctx, at)
        if value not in ctx.viewports:
            raise ctx.error(at, f"unknown viewport {value!r}", valid=ctx.viewports, got=value)
        return value


class ComponentList(ListOf):
    def __init__(self, **kw: Any):
        super().__init__(ComponentName(), unique=True, **kw)


class ViewportList(ListOf):
    def __init__(self, **kw: Any):
        super().__init__(ViewportName(), unique=True, **kw)


class Length(NamedTuple):
    value: float
    unit: str  # "px", or "%" of the viewport's matching dimension

    def px(self, viewport_px: float) -> float:
        return self.value if self.unit == "px" else self.value * viewport_px / 100

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


class Span(NamedTuple):
    """A closed interval of lengths; None is an open end."""
    lo: Length | None
    hi: Length | None

    def resolve(self, viewport_px: float) -> tuple[float, float | None]:
        """``(low, high)`` in px, given the viewport width (for widths and gaps) or
        height (for heights): the one range-to-px of the package.  An open lower end
        is 0, an open upper end None (as CountRange's and the geometry's)."""
        return (self.lo.px(viewport_px) if self.lo else 0.0,
                self.hi.px(viewport_px) if self.hi else None)

    def contains(self, value_px: float, viewport_px: float) -> bool:
        lo, hi = self.resolve(viewport_px)
        return lo <= value_px and (hi is None or value_px <= hi)

    def __str__(self) -> str:
        if self.lo == self.hi:
            return str(self.lo)
        return f"{self.lo or ''}..{self.hi or ''}"


_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*(px|%)?\s*")


class Range(Field):
    """A size range for layout checks, readable in YAML:

    ``"300px..1280px"``, ``"50%..100%"`` (of the viewport), ``"300px.."``
    (at least), ``"..100%"`` (at most), ``"100%"`` or ``320`` (exactly), or a
    ``[min, max]`` pair of px numbers where null is an open end. Ends may mix
    units (``"300px..100%"``). Normalizes to a :class:`Span`.
    """

    def __init__(self, **kw: Any):
        super().__init__(object, **kw)
        if self.default is not MISSING:
            self.default = self.convert(self.default, Context(), ())

    SAY_FORMAT = True

    def describe(self) -> str:
        return "range like '10px..40px', '50%..100%', '300px..' or [10, 40]"

    def _json_core(self, partial: bool) -> dict:
        end, blank = _LENGTH.pattern, r"\s*"
        text = f"^(?:{end}|(?:{end}|{blank})\\.\\.(?:{end}|{blank}))$"
        px = {"type": "number", "minimum": 0}
        return {"anyOf": [{"type": "string", "pattern": text}, px,
                          {"type": "array", "minItems": 2, "maxItems": 2,
                           "items": {"anyOf": [px, {"type": "null"}]}}]}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> Span:
        if isinstance(value, Span):
            return value
        try:
            span = self._parse(value)
        except ValueError:
            raise self.type_error(value, ctx, at) from None
        if span.lo is None and span.hi is None:
            raise ctx.error(at, "a range needs at least one end")
        if span.lo and span.hi and span.lo.unit == span.hi.unit and span.lo.value > span.hi.value:
            raise ctx.error(at, f"empty range {value!r}: {span.lo} is above {span.hi}")
        return span

    @staticmethod
    def _parse(value: Any) -> Span:
        def length(v: Any) -> Length | None:
            if v is None or (isinstance(v, str) and not v.strip()):
                return None
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
                return Length(float(v), "px")
            m = _LENGTH.fullmatch(v) if isinstance(v, str) else None
            if not m:
                raise ValueError(v)
            return Length(float(m[1]), m[2] or "px")

        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, str) for v in value):
            return Span(length(value[0]), length(value[1]))
        if isinstance(value, str) and ".." in value:
            lo, hi = value.split("..", 1)
            if ".." in hi:
                raise ValueError(value)
            return Span(length(lo), length(hi))
        if isinstance(value, (str, int, float)) and value is not None:
            exact = length(value)
            if exact is None:
                raise ValueError(value)
            return Span(exact, exact)
        raise ValueError(value)


class CountRange(Field):
    """How many: ``10`` (exactly), ``"1..5"``, ``"3.."`` (at least), ``"..5"``,
    or ``[1, 5]`` with null for an open end. Normalizes to a ``(low, high)``
    tuple of int or None."""

    def __init__(self, **kw: Any):
        super().__init__(object, **kw)

    SAY_FORMAT = True

    def describe(self) -> str:
        return "count like 10, '1..5', '3..' or [1, 5]"

    def _json_core(self, partial: bool) -> dict:
        count, digits = {"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\s*\d*\s*$"}
        return {"anyOf": [count, {"type": "string", "pattern": r"^\s*\d+\s*$|^\s*\d*\s*\.\.\s*\d*\s*$"},
                          {"type": "array", "minItems": 2, "maxItems": 2,
                           "items": {"anyOf": [count, {"type": "null"}, digits]}}]}

    def convert(self, value: Any, ctx: Context, at: KeyPath) -> tuple[int | None, int | None]:
        try:
            low, high = self._parse(value)
        except ValueError:
            raise self.type_error(value, ctx, at) from None
        if low is None and high is None:
            raise ctx.error(at, "a range needs at least one end")
        if low is not None and high is not None and low > high:
            raise ctx.error(at, f"empty range {value!r}: {low} is above {high}")
        return low, high

    @staticmethod
    def _parse(value: Any) -> tuple[int | None, int | None]:
        def end(v: Any) -> int | None:
            if v is None or (isinstance(v, str) and not v.strip()):
                return None
            if isinstance(v, str) and v.strip().isdigit():
                return int(v)
            if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                return v
            raise ValueError(v)

        if isinstance(value, (list, tuple)) and len(value) == 2:
            return end(value[0]), end(value[1])
        if isinstance(value, str) and ".." in value:
            lo, hi = value.split("..", 1)
            if ".." in hi:
                raise ValueError(value)
            return end(lo), end(hi)
        if value is None or isinstance(value, str) and not value.strip():
            raise ValueError(value)
        exact = end(value)
        return exact, exact

