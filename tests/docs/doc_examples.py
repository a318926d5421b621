"""The shell examples of a markdown file, and the check of a response against what the
doc shows for it. Pure functions (no server, no processes): run_doc_examples.py runs them.

Two ways of writing an example in a ```sh (or unlabelled) block are understood:

  transcript: `$ command` lines, each followed by the output the doc shows for it;
  script:     plain commands (copy-pasteable), each followed directly (no blank line)
              by `# ` comment lines that show its output; other comments are prose.

A command runs over several lines with a trailing `\\` or an open quote (`-d '{...`).
A trailing comment `# 400` on a command's last line, or a status in front of a script
expectation (`# 400 {"error": ...}`), states the HTTP status; otherwise a 2xx is expected.
A block holds examples when it has `$ ` lines or a `curl` command. A block of JSON with
no command reads as a response the runner cannot check, so it is an error unless marked.
`<!-- doc-test: skip REASON -->` before a block exempts it; the reason is required and
shown in every run.

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


class DocError(Exception):
    """An example the runner cannot run as written: the doc must change."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


class DocErrors(Exception):
    """Every DocError of one file, so one run lists them all."""

    def __init__(self, errors: List[DocError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclasses.dataclass
class Example:
    path: str
    line: int  # of the command's first line, 1-based
    command: str
    expected: str  # the output the doc shows, "" when it shows none
    status: Optional[int]  # the HTTP status the doc states, None when it states none


@dataclasses.dataclass
class Skipped:
    path: str
    line: int  # of the skipped block's fence
    reason: str


# ---------------------------------------------------------------------------------------
# Markdown

FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")
DIRECTIVE = re.compile(r"<!--\s*doc-test:\s*(.*?)\s*-->")
SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console"}
CURL_COMMAND = re.compile(r"(^|[\s;|&(])curl\s")
STATUS_COMMENT = re.compile(r"^\s*(\d{3})\b")
SCRIPT_STATUS = re.compile(r"^(\d{3})(?:\s+|$)")


@dataclasses.dataclass
class _Block:
    line: int  # of the opening fence
    language: str
    lines: List[str]
    directive: Optional[Tuple[int, str]]


def _blocks(path: str, text: str) -> List[_Block]:
    blocks: List[_Block] = []
    directive: Optional[Tuple[int, str]] = None
    fence: Optional[str] = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = FENCE.match(line)
        if fence is None:
            found = DIRECTIVE.search(line)
            if found:
                if directive is not None:
                    raise DocError(path, directive[0], "doc-test directive without a code block")
                directive = (number, found.group(1))
            elif match:
                fence = match.group(1)
                blocks.append(_Block(number, match.group(2).lower(), [], directive))
                directive = None
        elif match and match.group(1).startswith(fence) and not match.group(2):
            fence = None
        else:
            blocks[-1].lines.append(line)
    if fence is not None:
        raise DocError(path, blocks[-1].line, "code block is never closed")
    if directive is not None:
        raise DocError(path, directive[0], "doc-test directive without a code block")
    return blocks


def split_comment(command: str) -> Tuple[bool, Optional[str]]:
    """Scans shell text as bash quotes it: (complete, the last line's trailing comment).

    Incomplete means an open quote or a trailing backslash: the command goes on."""
    state = None  # None, "'", '"' or "$'"
    comment: Optional[str] = None
    i = 0
    while i < len(command):
        ch = command[i]
        if state is None:
            if ch == "\\":
                if i + 1 == len(command):
                    return False, None
                i += 1
            elif ch == "'":
                state = "$'" if i > 0 and command[i - 1] == "$" else "'"
            elif ch == '"':
                state = '"'
            elif ch == "#" and (i == 0 or command[i - 1].isspace()):
                end = command.find("\n", i)
                if end < 0:
                    comment = command[i + 1 :]
                    break
                i = end
            elif ch == "\n":
                comment = None
        elif state == "'" and ch == "'":
            state = None
        elif state in ('"', "$'") and ch == "\\":
            i += 1
        elif (state == '"' and ch == '"') or (state == "$'" and ch == "'"):
            state = None
        i += 1
    return state is None, comment


def _stated_status(path: str, line: int, command: str) -> Optional[int]:
    _, comment = split_comment(command)
    if comment is None:
        return None
    match = STATUS_COMMENT.match(comment)
    return int(match.group(1)) if match else None


def _take_command(
    path: str, number: int, lines: List[str], start: int, first: str
) -> Tuple[str, int]:
    """The command starting at lines[start] (doc line `number`; its first line given as
    `first`, prompt removed) and the index of the line after it."""
    command = first
    end = start + 1
    while not split_comment(command)[0]:
        if end == len(lines):
            raise DocError(path, number, "command never ends (open quote or trailing \\)")
        command += "\n" + lines[end]
        end += 1
    return command, end


def _transcript(path: str, block: _Block) -> List[Example]:
    lines, examples = block.lines, []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and not lines[i].startswith("$ "):
        raise DocError(path, block.line + 1 + i, "text before the first `$ ` command")
    while i < len(lines):
        line_number = block.line + 1 + i
        command, i = _take_command(path, line_number, lines, i, lines[i][2:])
        output: List[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        examples.append(
            Example(
                path,
                line_number,
                command,
                "\n".join(output).strip("\n"),
                _stated_status(path, line_number, command),
            )
        )
    return examples


def _script(path: str, block: _Block) -> List[Example]:
    lines, examples = block.lines, []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        line_number = block.line + 1 + i
        command, i = _take_command(path, line_number, lines, i, lines[i])
        shown: List[str] = []
        while i < len(lines) and lines[i].lstrip().startswith("#"):
            shown.append(re.sub(r"^\s*# ?", "", lines[i]))
            i += 1
        expected = "\n".join(shown).strip()
        status = _stated_status(path, line_number, command)
        match = SCRIPT_STATUS.match(expected)
        if match:
            if status is not None and status != int(match.group(1)):
                raise DocError(path, line_number, "two different statuses stated")
            status, expected = int(match.group(1)), expected[match.end() :].strip()
        examples.append(Example(path, line_number, command, expected, status))
    return examples


def _block_examples(path: str, block: _Block, examples: List[Example], skipped: List[Skipped]):
    transcript = any(line.startswith("$ ") for line in block.lines)
    script = not transcript and any(
        CURL_COMMAND.search(line) and not line.lstrip().startswith("#") for line in block.lines
    )
    runnable = block.language in SHELL_LANGUAGES and (transcript or script)
    # JSON on its own reads as a response; the runner cannot check it without its
    # command, so it must be an example's output or say why it is not.
    first = next((line.strip() for line in block.lines if line.strip()), "")
    response = not runnable and first[:1] in ("{", "[", '"')
    if block.directive is not None:
        number, words = block.directive
        verb, _, reason = words.partition(" ")
        if verb != "skip":
            raise DocError(path, number, f"unknown doc-test directive '{verb}' (known: skip)")
        if not reason.strip():
            raise DocError(path, number, "doc-test: skip needs a reason")
        if not (runnable or response):
            raise DocError(path, number, "doc-test: skip before a block with no example")
        skipped.append(Skipped(path, block.line, reason.strip()))
    elif response:
        raise DocError(
            path,
            block.line,
            "JSON without its command: show it under the command that prints it,"
            " or mark the block <!-- doc-test: skip REASON -->",
        )
    elif runnable:
        examples.extend(_transcript(path, block) if transcript else _script(path, block))


def extract(path: str, text: str) -> Tuple[List[Example], List[Skipped]]:
    """The examples of one markdown file, in order, and the blocks marked skip; raises
    DocErrors listing every block the runner cannot take as written."""
    examples: List[Example] = []
    skipped: List[Skipped] = []
    errors: List[DocError] = []
    try:
        blocks = _blocks(path, text)
    except DocError as error:
        raise DocErrors([error]) from None
    for block in blocks:
        try:
            _block_examples(path, block, examples, skipped)
        except DocError as error:
            errors.append(error)
    if errors:
        raise DocErrors(errors)
    return examples, skipped


# ---------------------------------------------------------------------------------------
# Expectations


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
