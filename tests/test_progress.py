"""The progress bar: drawn on stderr only when it is a terminal (a real pseudo-terminal here),
never on stdout, never in a pipe, and rich is not even imported then."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import FEEDS_ENV, ROOT, SEEDS, SHARED, scratch_database

BROKEN = "002_broken.html.gz"  # sorts between the seeds: its error comes while the bar is live
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR_SIGNS = ("\x1b", "━", "documents,")
RICH_LOADED = (
    "import sys\n"
    "from claimwatch.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.write('rich loaded: %s\\n' % any(m.split('.')[0] == 'rich' for m in sys.modules))\n"
)


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    # CLAIMWATCH_FEEDS_DIR stays: the session's feeds go to a temporary folder (conftest)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_") or k == FEEDS_ENV}
    env["TERM"] = "xterm-256color"
    env.update(extra or {})
    return env


def in_terminal(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    """Run `python argv` with stderr on a pseudo-terminal of 120 columns and stdout a pipe:
    its exit code, its stdout, and everything the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal has closed it
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        result = subprocess.run(
            [sys.executable, *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            cwd=ROOT,
            env=_env(env),
            timeout=300,
        )
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    return result.returncode, result.stdout, b"".join(chunks).decode("utf-8", "replace")


def in_pipes(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    """The same run with stdout and stderr pipes (CI, a script)."""
    result = subprocess.run(
        [sys.executable, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        cwd=ROOT,
        env=_env(env),
        timeout=300,
    )
    return result.returncode, result.stdout, result.stderr.decode("utf-8")


def screen_lines(terminal: str) -> list[str]:
    """What the terminal received, without escape codes, cut at every carriage return and
    newline: a line printed whole is one of these pieces."""
    return [piece for piece in re.split(r"\r\n|\r|\n", ESCAPE.sub("", terminal)) if piece]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The seed corpus with a broken page, its manifest listing it (6 documents)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / BROKEN).write_bytes(b"not gzip at all")
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["articles"].insert(2, {"file": BROKEN, "published": "2024-10-20"})
    (corpus / "manifest.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    return corpus


def broken_line(folder: Path) -> str:
    return (
        f"claimwatch: error: {folder / BROKEN}: not valid gzip "
        "(Error -3 while decompressing data: incorrect header check)"
    )


@pytest.fixture(params=["sqlite", "postgres"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of the same kind: a replay with a bar and one without."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bar.db'}", f"sqlite:///{tmp_path / 'plain.db'}"
        return
    first, second = scratch_database("cwbar"), scratch_database("cwplain")
    yield next(first), next(second)
    for database in (first, second):
        next(database, None)  # dropped


def test_extract_draws_the_bar_on_the_terminal_and_leaves_stdout_alone(folder: Path) -> None:
    command = ["-m", "claimwatch.cli", "extract", str(folder)]
    code, stdout, terminal = in_terminal(command)
    plain_code, plain_stdout, plain_stderr = in_pipes(command)
    assert code == plain_code == 1
    lines = screen_lines(terminal)
    assert any(re.search(r"^extract .*6/6 documents, 1 failed", line) for line in lines), lines
    assert broken_line(folder) in lines  # printed above the bar, whole, on a line of its own
    assert stdout == plain_stdout and stdout.count(b"\n") == 5
    assert plain_stderr == broken_line(folder) + "\n"


def test_no_bar_when_stderr_is_a_pipe(folder: Path, sqlite_url: str) -> None:
    for command in (["extract", str(folder)], ["replay", str(folder), "--db", sqlite_url]):
        code, _, stderr = in_pipes(["-m", "claimwatch.cli", *command])
        assert code == 1
        assert stderr == broken_line(folder) + "\n", command
        assert not any(sign in stderr for sign in BAR_SIGNS)


@pytest.mark.parametrize(
    ("option", "env"),
    [(["--no-progress"], {}), ([], {"CLAIMWATCH_PROGRESS": "0"})],
    ids=["--no-progress", "CLAIMWATCH_PROGRESS=0"],
)
def test_the_bar_can_be_turned_off(folder: Path, option: list[str], env: dict[str, str]) -> None:
    code, stdout, terminal = in_terminal(
        ["-m", "claimwatch.cli", "extract", str(folder), *option], env
    )
    assert code == 1 and stdout.count(b"\n") == 5
    assert terminal == broken_line(folder) + "\r\n"  # the terminal turns \n into \r\n


def test_replay_bar_with_verbose_logging(folder: Path, two_databases: tuple[str, str]) -> None:
    bar_db, plain_db = two_databases
    command = ["-m", "claimwatch.cli", "replay", str(folder), "-v"]
    code, stdout, terminal = in_terminal([*command, "--db", bar_db])
    plain_code, plain_stdout, plain_stderr = in_pipes([*command, "--db", plain_db])
    assert code == plain_code == 1
    lines = screen_lines(terminal)
    assert any(re.search(r"^replay .*6/6 documents, 1 failed", line) for line in lines), lines
    assert broken_line(folder) in lines
    # -v's records are printed above the bar, each whole on its line
    logged = [line for line in lines if re.match(r"INFO claimwatch: \d{3}_", line)]
    assert len(logged) == 5, lines
    assert all(re.fullmatch(r"INFO claimwatch: \d{3}_\w+\.txt: \d+ new alerts", x) for x in logged)
    assert stdout == plain_stdout and b"stance_change" in stdout
    assert not any(sign in plain_stderr for sign in BAR_SIGNS)


@pytest.mark.skipif(
    not (SHARED / "corpora" / "fundus" / "html").is_dir(), reason="no shared page corpus"
)
def test_evaluate_bar() -> None:
    command = ["-m", "claimwatch.cli", "evaluate", "--heldout", "--json"]
    code, stdout, terminal = in_terminal(command)
    plain_code, plain_stdout, plain_stderr = in_pipes(command)
    assert code == plain_code == 0
    lines = screen_lines(terminal)
    assert any(re.search(r"^evaluate .*18/18 documents, 0 failed", x) for x in lines), lines
    assert stdout == plain_stdout and stdout.startswith(b'{"de": {"documents": 9')
    assert plain_stderr == ""


def test_rich_is_imported_only_for_a_bar() -> None:
    page = str(SEEDS / "000_6814a1ba97220507.txt")
    _, stdout, stderr = in_pipes(["-c", RICH_LOADED, "extract", page])
    assert stdout.endswith(b"rich loaded: False\n") and stderr == ""
    _, stdout, _ = in_terminal(["-c", RICH_LOADED, "extract", page])
    assert stdout.endswith(b"rich loaded: True\n")
    _, stdout, _ = in_terminal(["-c", RICH_LOADED, "extract", page, "--no-progress"])
    assert stdout.endswith(b"rich loaded: False\n")
