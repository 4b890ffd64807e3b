"""Malformed prompt and config files always end in clear ``path:line: message`` problems.

Random bytes and text, and mutations of the shipped files (keys deleted, types changed, unknown
keys, huge strings, bad cron and timezone values, duplicate ids, tabs, anchors, ``!!python`` tags,
deep nesting, a BOM, non-UTF-8 bytes), go through the loaders and the command line. Whatever
comes in: either it loads, or every problem names the file, a line and a one-line message; no
other exception escapes; a broken prompt file never costs the running bot its last good library.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config.settings import Settings, load_config
from bot.errors import InputError, Problem
from bot.prompts.loader import LibraryHolder, load_library, load_theme_files
from bot.prompts.writer import render_theme_file

pytestmark = pytest.mark.slow  # see tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
THEME, OTHER = "stories", "stereotypes"  # config.example.yaml names both
THEME_TEXT = (ROOT / "prompts" / f"{THEME}.yaml").read_text(encoding="utf-8")
CONFIG_TEXT = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
NOW = "2025-03-01T12:00:00+00:00"

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Problems without a line: only when the whole file is at fault.
WHOLE_FILE = ("cannot read", "the YAML is nested too deeply", "YAML error")

# --- what goes in ---------------------------------------------------------------------------

MENTIONS = ("@everyone", "@here", "<@&123>", "<@123>", "<@!123>")
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(["", "   ", "Bad Id!", "stories-1", "stereotypes-1", "\t", "~", "0x1F"]),
    st.integers(4097, 6000).map(lambda n: "x" * n),
    st.sampled_from(MENTIONS).map(lambda m: f"Ask {m} now"),
)
CONFIG_SCALARS = st.one_of(
    SCALARS,
    st.sampled_from(
        [
            "* * *",
            "61 * * * *",
            "0 0 31 2 *",
            "*/0 * * * *",
            "0 9 * * 1#9",
            "99999999999999999999 * * * *",
            "America",
            "Europe/../UTC",
            "a" * 300,
            "/etc/passwd",
            "Mars/Olympus",
            "99999999999999h",
            "1h30m",
            "-5",
            "0",
            str(2**64),
            "config.yaml",
            "prompts",
            "unknown-theme",
            "²",
            "1²h",
        ]
    ),
    st.sampled_from([0, -1, 2**64, 60, 10**30]),
)


def values(scalars: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


SNIPPETS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!binary '%%%'",
    "!!int abc",
    "!!timestamp not-a-date",
    "&anchor [*anchor]",
    "*undefined_alias",
    "{<<: {id: x}}",
    "'" + "x" * 5000 + "'",
    "[" * 400 + "]" * 400,  # composes, too deep to build
    "[" * 600 + "]" * 600,  # too deep to compose (deeper takes long: see the examples)
    '"\\ud800"',
    '"\\x07 bell"',
]


def containers(node: object, path: tuple = ()) -> list[tuple]:
    """Paths of every mapping and list inside ``node``."""
    found = [path] if isinstance(node, dict | list) else []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        found += containers(child, (*path, key))
    return found


def at(node: object, path: tuple) -> object:
    for key in path:
        node = node[key]
    return node


@st.composite
def mutated_tree(draw: st.DrawFn, base: object, scalars: st.SearchStrategy) -> object:
    """``base`` with one to three structural changes."""
    tree = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        target = at(tree, draw(st.sampled_from(containers(tree))))
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        op = draw(st.sampled_from(["delete", "replace", "unknown", "duplicate", "share"]))
        if not keys or op == "unknown":
            if isinstance(target, dict):
                target[draw(st.text(min_size=1, max_size=10))] = draw(values(scalars))
            else:
                target.insert(0, draw(values(scalars)))
            continue
        key = draw(st.sampled_from(keys))
        if op == "delete":
            del target[key]
        elif op == "replace":
            target[key] = draw(values(scalars))
        elif op == "duplicate" and isinstance(target, list):
            target.append(copy.deepcopy(target[key]))
        elif op == "share":  # the same object twice: the dump writes an anchor and an alias
            other = draw(st.sampled_from(keys))
            target[other] = target[key]
    return tree


@st.composite
def mutated_text(draw: st.DrawFn, base: object, scalars: st.SearchStrategy) -> bytes:
    """A structural mutation of ``base``, dumped, then maybe damaged as text or bytes."""
    text = yaml.safe_dump(draw(mutated_tree(base, scalars)), allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    damage = draw(st.sampled_from(["none", "snippet", "tab", "bom", "bytes", "truncate"]))
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if damage == "snippet" and lines:
        head = lines[i].split(":", 1)[0] if ":" in lines[i] else lines[i].rstrip("\n")
        lines[i] = f"{head}: {draw(st.sampled_from(SNIPPETS))}\n"
    elif damage == "tab" and lines:
        lines[i] = "\t" + lines[i]
    elif damage == "truncate":
        lines = lines[:i]
    data = "".join(lines).encode("utf-8")
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "bytes":
        cut = draw(st.integers(0, len(data)))
        data = (
            data[:cut]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]))
            + data[cut:]
        )
    return data


RAW = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet=":-[]{}#&*!|>'\"\n\t %@`,?abc01\\", max_size=200).map(str.encode),
)
PROMPT_FILES = st.one_of(RAW, mutated_text(yaml.safe_load(THEME_TEXT), SCALARS))
CONFIG_FILES = st.one_of(RAW, mutated_text(yaml.safe_load(CONFIG_TEXT), CONFIG_SCALARS))

# --- what must come out ---------------------------------------------------------------------


def assert_clear(problems: list[Problem], files: set[Path]) -> None:
    """Every problem names one of ``files``, a line (unless the whole file is at fault) and a
    non-empty one-line message."""
    assert problems
    for problem in problems:
        assert problem.path in {str(f) for f in files}, problem
        assert problem.line is None or problem.line >= 1, problem
        assert problem.line is not None or problem.message.startswith(WHOLE_FILE), problem
        assert problem.message.strip(), problem
        assert len(str(problem).splitlines()) == 1, problem


def run_cli(argv: list[str], files: set[Path], under: Path | None = None) -> tuple[int, str]:
    """Run the command line; problems may name ``files``, or any file ``under`` a folder."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    stderr = err.getvalue()
    assert code in (0, 1), (code, stderr)
    assert "Traceback" not in stderr
    where = "|".join(re.escape(str(f)) for f in files)
    if under is not None:
        where += f"|{re.escape(str(under))}/[^\n]*?"
    lines = stderr.splitlines()
    assert (code == 1) == bool(lines), stderr
    for line in lines:
        assert re.fullmatch(rf"({where})(:[1-9]\d*)?: \S.*", line), line
    return code, out.getvalue()


@pytest.fixture(scope="module")
def prompt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prompts")
    shutil.copy(ROOT / "prompts" / f"{OTHER}.yaml", folder)
    return folder


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("config")
    (folder / "prompts").mkdir()
    for name in (THEME, OTHER):
        shutil.copy(ROOT / "prompts" / f"{name}.yaml", folder / "prompts")
    return folder


# --- prompt files ---------------------------------------------------------------------------


@FUZZ
@given(data=PROMPT_FILES)
@example(data=b"id: " + b"[" * 3000 + b"]" * 3000)
@example(data=b"!!python/object/apply:os.system ['echo pwned']: 1\n")
@example(data=b"id: " + b"1" * 5000)
@example(data=b"id: !!int abc\ntitle: !!timestamp x\n")
@example(data=b"id: stories\x07\n")
@example(data=THEME_TEXT.replace("question: What's", 'question: "\\ud800 What', 1).encode())
def test_a_prompt_file_loads_or_names_its_problems_and_the_last_good_library_stays(
    prompt_dir: Path, data: bytes
) -> None:
    path = prompt_dir / f"{THEME}.yaml"
    path.write_text(THEME_TEXT, encoding="utf-8")
    holder = LibraryHolder(prompt_dir)
    assert holder.reload() == []
    good = holder.library
    path.write_bytes(data)

    problems = holder.reload()

    if problems:
        assert_clear(problems, {path, prompt_dir / f"{OTHER}.yaml"})
        assert holder.library is good
        assert {t.id for t in good.themes} == {THEME, OTHER}
    else:
        assert holder.library.theme(OTHER) == good.theme(OTHER)
        assert_round_trips(prompt_dir, THEME)


def assert_round_trips(folder: Path, theme_id: str) -> None:
    """A valid file written back in the standard layout reads as the same theme."""
    (parsed,) = [f for f in load_theme_files(folder) if f.theme.id == theme_id]
    t = parsed.theme
    text = render_theme_file(t.id, t.title, list(parsed.sources), list(t.prompts))
    out = folder.parent / f"{folder.name}-roundtrip"
    out.mkdir(exist_ok=True)
    (out / f"{theme_id}.yaml").write_text(text, encoding="utf-8")
    assert load_library(out).theme(theme_id) == parsed.theme


@settings(FUZZ, max_examples=40)
@given(data=PROMPT_FILES)
def test_prompts_validate_exits_0_or_1_with_path_line_messages(
    prompt_dir: Path, data: bytes
) -> None:
    path = prompt_dir / f"{THEME}.yaml"
    path.write_bytes(data)
    code, out = run_cli(["prompts", "validate", "--dir", str(prompt_dir)], {path})
    assert (code == 0) == ("OK" in out)


def test_a_shipped_prompt_file_round_trips(prompt_dir: Path) -> None:
    (prompt_dir / f"{THEME}.yaml").write_text(THEME_TEXT, encoding="utf-8")
    assert_round_trips(prompt_dir, THEME)


# --- config files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def known(config_dir: Path) -> tuple[set[str], set[str]]:
    library = load_library(config_dir / "prompts")
    return {t.id for t in library.themes}, {p.id for t in library.themes for p in t.prompts}


@FUZZ
@given(data=CONFIG_FILES)
@example(data=b"guilds: " + b"[" * 3000 + b"]" * 3000)
@example(
    data=b"guilds:\n- guild_id: 1\n  channels:\n  - {channel_id: 2, cron: '0 9 * * *',"
    b" timezone: America, catch_up: 99999999999999h}\n"
)
@example(data=b"log_level: !!python/object/apply:os.system ['echo pwned']\n")
@example(data=b"retention_days: " + b"1" * 5000 + b"\nlog_level: !!float x\n")
@example(data=b"database: a\x00b\n")
@example(data="guilds: [{guild_id: '²'}]\n".encode())
def test_a_config_file_loads_or_names_its_problems(
    config_dir: Path, known: tuple[set[str], set[str]], data: bytes
) -> None:
    path = config_dir / "config.yaml"
    path.write_bytes(data)
    for args in ((), known):
        try:
            assert isinstance(load_config(path, *args), Settings)
        except InputError as exc:
            assert_clear(exc.problems, {path})


@settings(FUZZ, max_examples=40)
@given(data=CONFIG_FILES)
def test_preview_exits_0_or_1_with_path_line_messages(config_dir: Path, data: bytes) -> None:
    path = config_dir / "config.yaml"
    path.write_bytes(data)
    argv = ["preview", "--config", str(path), "--days", "2", "--now", NOW]
    code, out = run_cli(argv, {path}, under=config_dir)  # database, prompts_dir
    assert code == 1 or out.strip()


@pytest.mark.parametrize("database", ["config.yaml", "prompts"])
def test_preview_names_a_database_path_that_is_not_a_database(
    config_dir: Path, database: str
) -> None:
    path = config_dir / "config.yaml"
    path.write_text(
        CONFIG_TEXT.replace("\ndatabase: data/bot.sqlite3", f"\ndatabase: {database}"),
        encoding="utf-8",
    )
    argv = ["preview", "--config", str(path), "--days", "1", "--now", NOW]
    code, _ = run_cli(argv, {config_dir / database})
    assert code == 1


def test_the_example_config_loads_with_the_shipped_prompts(
    config_dir: Path, known: tuple[set[str], set[str]]
) -> None:
    path = config_dir / "config.yaml"
    path.write_text(CONFIG_TEXT, encoding="utf-8")
    assert load_config(path, *known).guilds
    code, out = run_cli(["preview", "--config", str(path), "--now", NOW], {path})
    assert code == 0 and "stories" in out
