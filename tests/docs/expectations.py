"""How a command's output is compared with the output a doc shows for it.

Expectations are JSON in which `...` (or `…`) abbreviates: `{"id": "1", ...}` allows more
keys, `[x, ...]` more items, `"total": ...` any value, `"Nike..."` any string starting
"Nike". An object without `...` must have exactly the keys shown. Integers compare exactly,
decimals to the digits shown, `score` within 1%, and `took_ms`, `duration_ms` (numbers) and
`time`, `when` (timestamps) vary run to run, so only their type is checked. An expectation
that is not JSON compares as text, line by line, where `...` stands for any text and a
line `...` for any number of lines.
"""

import dataclasses
import json
import math
import re
from typing import Any, List, Optional, Tuple

ELLIPSES = ("...", "\u2026")


class _Any:
    """`...`: in an object, more keys; in an array, more items; as a value, anything."""

    def __repr__(self) -> str:
        return "..."


ANY = _Any()


@dataclasses.dataclass
class Obj:
    members: List[Tuple[str, Any]]
    open: bool  # `...` among the members: more keys are allowed


@dataclasses.dataclass
class Num:
    text: str  # as written, for the number of decimals shown

    @property
    def value(self) -> float:
        return float(self.text)


class ExpectationSyntaxError(ValueError):
    pass


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


class _Parser:
    def __init__(self, text: str):
        self.text, self.at = text, 0

    def fail(self, what: str) -> ExpectationSyntaxError:
        line = self.text.count("\n", 0, self.at) + 1
        return ExpectationSyntaxError(f"line {line}: {what} at {self.text[self.at:self.at + 20]!r}")

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def ellipsis(self) -> bool:
        for word in ELLIPSES:
            if self.text.startswith(word, self.at):
                self.at += len(word)
                return True
        return False

    def values(self) -> List[Any]:
        found = []
        self.skip_space()
        while self.at < len(self.text):
            found.append(self.value())
            self.skip_space()
        return found

    def value(self) -> Any:
        self.skip_space()
        if self.ellipsis():
            return ANY
        text, at = self.text, self.at
        if at >= len(text):
            raise self.fail("a value expected")
        if text[at] == "{":
            return self.sequence("}", self.member, Obj([], False))
        if text[at] == "[":
            return self.sequence("]", self.value, [])
        if text[at] == '"':
            return self.string()
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, at):
                self.at += len(word)
                return meaning
        number = NUMBER.match(text, at)
        if number:
            self.at = number.end()
            return Num(number.group(0))
        raise self.fail("not JSON")

    def string(self) -> str:
        try:
            value, self.at = json.decoder.scanstring(self.text, self.at + 1)
        except json.JSONDecodeError as error:
            raise self.fail(f"bad string ({error.msg})") from None
        return value

    def member(self) -> Any:
        self.skip_space()
        if self.ellipsis():
            return ANY
        if not self.text.startswith('"', self.at):
            raise self.fail("a key expected")
        key = self.string()
        self.skip_space()
        if not self.text.startswith(":", self.at):
            raise self.fail("':' expected")
        self.at += 1
        return (key, self.value())

    def sequence(self, close: str, item, into: Any) -> Any:
        self.at += 1
        self.skip_space()
        if self.text.startswith(close, self.at):
            self.at += 1
            return into
        while True:
            found = item()
            if isinstance(into, Obj):
                if found is ANY:
                    into.open = True
                else:
                    into.members.append(found)
            else:
                into.append(found)
            self.skip_space()
            if self.text.startswith(",", self.at):
                self.at += 1
            elif self.text.startswith(close, self.at):
                self.at += 1
                return into
            else:
                raise self.fail(f"',' or '{close}' expected")


def parse_expected(text: str) -> List[Any]:
    """The JSON values an expectation shows, `...` included; raises ExpectationSyntaxError."""
    return _Parser(text).values()


def parse_actual(text: str) -> List[Any]:
    """The JSON values a command printed (one body, or one per line from jq)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return found
        value, at = decoder.raw_decode(text, at)
        found.append(value)


VOLATILE_NUMBERS = {"took_ms", "duration_ms"}
TIMESTAMPS = {"time", "when"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")  # RFC 3339
RELATIVE = {"score": 0.01}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _match_number(expected: Num, actual: Any, key: Optional[str]) -> Optional[str]:
    if not _is_number(actual):
        return f"expected a number, got {json.dumps(actual)}"
    if key in VOLATILE_NUMBERS:
        return None
    if key in RELATIVE:
        close = math.isclose(actual, expected.value, rel_tol=RELATIVE[key], abs_tol=1e-9)
    elif re.fullmatch(r"-?\d+", expected.text):
        close = actual == int(expected.text)
    else:
        decimals = len(expected.text.split("e")[0].split("E")[0].partition(".")[2])
        close = abs(actual - expected.value) <= 0.5 * 10**-decimals + 1e-9
    return None if close else f"expected {expected.text}, got {json.dumps(actual)}"


def _match_string(expected: str, actual: Any, key: Optional[str]) -> Optional[str]:
    if not isinstance(actual, str):
        return f"expected a string, got {json.dumps(actual)}"
    if key in TIMESTAMPS:
        return None if TIMESTAMP.match(actual) else f"expected a timestamp, got {actual!r}"
    for word in ELLIPSES:
        if expected.endswith(word):
            prefix = expected[: -len(word)]
            return None if actual.startswith(prefix) else f"expected {expected!r}, got {actual!r}"
    return None if actual == expected else f"expected {expected!r}, got {actual!r}"


def _match_object(expected: Obj, actual: Any, path: str, errors: List[str]) -> None:
    if not isinstance(actual, dict):
        errors.append(f"{path}: expected an object, got {json.dumps(actual)[:80]}")
        return
    for key, value in expected.members:
        if key not in actual:
            errors.append(f"{path}: key {key!r} missing")
        else:
            match(value, actual[key], f"{path}.{key}", errors, key)
    if not expected.open:
        extra = sorted(set(actual) - {key for key, _ in expected.members})
        if extra:
            errors.append(f"{path}: keys the doc does not show (add them or `...`): {extra}")


def _match_segment(expected: List[Any], actual: List[Any], start: int, path: str) -> List[str]:
    errors: List[str] = []
    for offset, item in enumerate(expected):
        match(item, actual[start + offset], f"{path}[{start + offset}]", errors, None)
    return errors


def _match_array(expected: List[Any], actual: Any, path: str, errors: List[str]) -> None:
    if not isinstance(actual, list):
        errors.append(f"{path}: expected an array, got {json.dumps(actual)[:80]}")
        return
    segments: List[List[Any]] = [[]]
    for item in expected:
        if item is ANY:
            segments.append([])
        else:
            segments[-1].append(item)
    shown = sum(len(segment) for segment in segments)
    if len(segments) == 1 and len(actual) != shown:
        errors.append(f"{path}: expected {shown} items, got {len(actual)}")
        return
    if len(actual) < shown:
        errors.append(f"{path}: expected at least {shown} items, got {len(actual)}")
        return
    first, last = segments[0], segments[-1]
    errors.extend(_match_segment(first, actual, 0, path))
    if len(segments) > 1:
        errors.extend(_match_segment(last, actual, len(actual) - len(last), path))
    # Middle segments: in order, anywhere between the first and the last.
    at, end = len(first), len(actual) - len(last)
    for segment in segments[1:-1]:
        while at + len(segment) <= end and _match_segment(segment, actual, at, path):
            at += 1
        if at + len(segment) > end:
            errors.append(f"{path}: items {segment!r} not found in order")
            return
        at += len(segment)


def match(expected: Any, actual: Any, path: str, errors: List[str], key: Optional[str]) -> None:
    """Appends to `errors` every way `actual` differs from `expected` (under `path`)."""
    problem = None
    if expected is ANY:
        return
    if isinstance(expected, Obj):
        _match_object(expected, actual, path, errors)
    elif isinstance(expected, list):
        _match_array(expected, actual, path, errors)
    elif isinstance(expected, Num):
        problem = _match_number(expected, actual, key)
    elif isinstance(expected, str):
        problem = _match_string(expected, actual, key)
    elif expected is None or isinstance(expected, bool):
        if actual is not expected:
            problem = f"expected {json.dumps(expected)}, got {json.dumps(actual)}"
    if problem:
        errors.append(f"{path}: {problem}")


def _text_pattern(expected: str) -> "re.Pattern[str]":
    parts = []
    for line in expected.split("\n"):
        line = line.rstrip()
        if line.strip() in ELLIPSES:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = re.split("|".join(re.escape(word) for word in ELLIPSES), line)
            parts.append("[^\\n]*".join(re.escape(piece) for piece in pieces) + r"[ \t]*\n")
    return re.compile("".join(parts))


def compare(expected: str, actual: str) -> List[str]:
    """How `actual` (a command's output) differs from `expected` (the doc's); [] if not."""
    try:
        shown = parse_expected(expected)
    except ExpectationSyntaxError as error:
        if _text_pattern(expected).fullmatch(actual.rstrip("\n") + "\n"):
            return []
        shown_text = "\n".join("  " + line for line in expected.split("\n"))
        return [f"output differs from the text shown (not JSON: {error}):\n{shown_text}"]
    try:
        printed = parse_actual(actual)
    except json.JSONDecodeError as error:
        return [f"the doc shows JSON but the output is not JSON ({error})"]
    errors: List[str] = []
    if len(shown) == 1 and len(printed) == 1:
        match(shown[0], printed[0], "$", errors, None)
    else:  # several values, as jq prints them: one per line
        match(shown, printed, "$", errors, None)
    return errors


def shows_error(expected: str) -> bool:
    """Whether an expectation is an error response ({"error": ...} at the top)."""
    try:
        shown = parse_expected(expected)
    except ExpectationSyntaxError:
        return False
    return any(isinstance(v, Obj) and any(k == "error" for k, _ in v.members) for v in shown)
