"""Load the whole prompt library, and keep the last good one while files are being edited.

Every ``*.yaml`` file in the folder is a prompt file, except names starting with ``_``
(``_overrides.yaml``, ``_state.yaml``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import InputError, Problem
from bot.prompts.model import Library
from bot.prompts.schema import ThemeFile, read_theme_file

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


def prompt_files(directory: Path) -> list[Path]:
    """The prompt files of ``directory``, sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in (".yaml", ".yml") and not p.name.startswith(("_", ".")) and p.is_file()
    )


def load_theme_files(directory: Path) -> list[ThemeFile]:
    """Every prompt file parsed and checked; InputError lists all problems (ids unique overall)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError([Problem(str(directory), None, "prompt folder not found")])
    files, problems, ids = [], [], []
    for path in prompt_files(directory):
        parsed, found, id_lines = read_theme_file(path)
        problems.extend(found)
        ids.append((path, id_lines))  # broken files count too: every problem shows in one run
        if parsed is not None:
            files.append(parsed)
    problems.extend(_duplicates(ids))
    problems.extend(_themes_kept_twice(prompt_files(directory)))
    if problems:
        raise InputError(problems)
    return files


def load_library(directory: Path) -> Library:
    """The prompt library in ``directory``; InputError carries ``path:line: message`` problems.

    A folder without prompt files is a problem too: the bot would have nothing to post (and a
    running bot keeps its last good library rather than emptying it)."""
    files = load_theme_files(directory)
    if not files:
        raise InputError(
            [Problem(str(directory), None, "no prompt files; run `python -m bot prompts build`")]
        )
    return Library(tuple(sorted((f.theme for f in files), key=lambda t: t.id)))


@dataclass(frozen=True)
class Parsed:
    """The prompt files as read at ``signature``: a library, or the problems that stop one."""

    signature: tuple
    library: Library | None
    problems: list[Problem]


class LibraryHolder:
    """The last good library; ``reload()`` swaps it only when every file is valid.

    In the running bot the files are parsed by ``prepare()`` in a worker thread (a large file
    takes a while even with libyaml), and the ``reload()`` that follows only swaps the result
    in, so the event loop keeps answering members meanwhile."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.library = Library()
        self._signature: tuple = ()
        self._prepared: Parsed | None = None
        self._preparing: asyncio.Lock | None = None  # made in the running bot's loop

    async def prepare(self, *, force: bool = False) -> None:
        """Parse the files off the event loop if they changed since the last reload (always,
        with ``force``); the next ``reload()`` swaps that result in. Files edited meanwhile
        differ from the signature it records, so the pass after parses them again."""
        import asyncio  # only the running bot prepares; the offline commands start faster

        self._preparing = self._preparing or asyncio.Lock()
        async with self._preparing:
            if not force and not self.changed():
                return
            self._prepared = await asyncio.to_thread(self._parse)

    def _parse(self) -> Parsed:
        signature = self._current_signature()
        try:
            return Parsed(signature, load_library(self.directory), [])
        except InputError as exc:
            return Parsed(signature, None, exc.problems)

    def reload(self) -> list[Problem]:
        """Load the files again (or take what ``prepare()`` parsed); on problems keep the
        previous library and return them."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            prepared = self._parse()
        signature = prepared.signature
        if prepared.library is None:
            log.warning(
                "prompt files have %d problem(s); keeping the last good library",
                len(prepared.problems),
            )
            self._signature = signature
            return prepared.problems
        library = prepared.library
        self.library, self._signature = library, signature
        log.info(
            "loaded %d themes, %d prompts",
            len(library.themes),
            sum(len(t.prompts) for t in library.themes),
        )
        return []

    def changed(self) -> bool:
        """True when a prompt file was added, removed or modified since the last reload."""
        return self._current_signature() != self._signature

    def _current_signature(self) -> tuple:
        out = []
        for path in prompt_files(self.directory):
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(out)


async def prepare_library(holder: object, *, force: bool = False) -> None:
    """Let the library holder parse changed prompt files in a worker thread, so the posting
    service's reload only swaps the result in (a holder without ``prepare`` is read as is)."""
    prepare = getattr(holder, "prepare", None)
    if prepare is not None:
        await prepare(force=force)


def _themes_kept_twice(paths: list[Path]) -> list[Problem]:
    """A theme in both ``<id>.yaml`` and ``<id>.yml`` (a theme id must match its file name):
    the bot would show one and write into either."""
    first: dict[str, Path] = {}
    problems = []
    for path in paths:
        if path.stem in first:
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"theme id {path.stem!r} is also kept in {first[path.stem]};"
                    " keep one file per theme",
                )
            )
        else:
            first[path.stem] = path
    return problems


def _duplicates(ids: list[tuple[Path, dict[str, int]]]) -> list[Problem]:
    """Prompt ids used in more than one file, reported where they are used again."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # prompt id → where it was first used
    for path, id_lines in ids:
        for prompt_id, line in id_lines.items():
            if prompt_id in seen:
                first = seen[prompt_id]
                problems.append(
                    Problem(
                        str(path),
                        line,
                        f"duplicate prompt id {prompt_id!r} (first at {first})",
                    )
                )
            else:
                seen[prompt_id] = f"{path}:{line}"
    return problems
