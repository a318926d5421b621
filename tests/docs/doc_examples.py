"""The shell examples of a markdown file: each command with the output and status the doc
shows for it. Pure functions (no server, no processes): run_doc_examples.py runs them.

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
shown in every run. `<!-- doc-test: server-env NAME=VALUE ... -->` anywhere in a file
starts that file's server with those environment variables (and gives them to its
examples): a page about search keys needs a server that has some. How a response is
compared with the one shown: expectations.py.
"""

import dataclasses
import re
from typing import Dict, List, Optional, Tuple


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
            if found and found.group(1).startswith("server-env"):
                continue  # for the whole file: server_env()
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


def server_env(text: str) -> Dict[str, str]:
    """The variables of the file's `<!-- doc-test: server-env NAME=VALUE ... -->`."""
    env: Dict[str, str] = {}
    for found in DIRECTIVE.finditer(text):
        verb, _, rest = found.group(1).partition(" ")
        if verb != "server-env":
            continue
        for pair in rest.split():
            name, equals, value = pair.partition("=")
            if not equals or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
                raise ValueError(f"doc-test: server-env takes NAME=VALUE pairs, got '{pair}'")
            env[name] = value
    return env


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
