"""``python -m bot prompts build|validate|list|accept|reject``: the admin-owned prompt files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.output import emit
from bot.errors import InputError, Problem
from bot.invisible import escaped
from bot.prompts.loader import load_library, load_theme_files
from bot.prompts.model import Library

if TYPE_CHECKING:
    from bot.prompts.build import Report


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("prompts", help="build, check or list the prompt files")
    actions = parser.add_subparsers(dest="prompts_action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write prompts for new themes and essay items")
    build.add_argument("--seeds", type=Path, default=Path("seeds"), help="essay folder")
    build.add_argument("--out", type=Path, default=Path("prompts"), help="prompt folder")
    build.set_defaults(func=run_build)
    validate = actions.add_parser("validate", help="check every prompt file")
    validate.add_argument("--dir", type=Path, default=Path("prompts"), help="prompt folder")
    validate.add_argument(
        "--strict", action="store_true", help="exit 1 when a disclosure-safety warning is found"
    )
    validate.set_defaults(func=run_validate)
    accept = actions.add_parser("accept", help="accept draft prompts (they may be posted)")
    reject = actions.add_parser("reject", help="reject draft prompts (removed from their file)")
    for action in (accept, reject):
        action.add_argument("ids", nargs="*", metavar="ID", help="draft prompt ids")
        action.add_argument("--theme", help="every draft of this theme id")
        action.add_argument("--dir", type=Path, default=Path("prompts"), help="prompt folder")
        action.set_defaults(func=run_decide)
    accept.add_argument("--off", action="store_true", help="accept but leave disabled")
    listing = actions.add_parser("list", help="list prompts")
    listing.add_argument("--dir", type=Path, default=Path("prompts"), help="prompt folder")
    listing.add_argument("--theme", help="only this theme id")
    listing.set_defaults(func=run_list)


def run_build(args: argparse.Namespace) -> int:
    from bot.prompts.build import build_prompts  # generation loads the English lexicon
    from bot.themes.extract import find_themes

    themes = find_themes(args.seeds, args.out / "_overrides.yaml")
    print(render_report(build_prompts(themes, args.out)))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from bot.prompts.lint import disclosure_rules, disclosure_warnings

    files = load_theme_files(args.dir)  # parsed once: the library and the warnings share them
    library = Library(tuple(sorted((f.theme for f in files), key=lambda t: t.id)))
    if not files:
        library = load_library(args.dir)  # says why an empty folder is a problem
    warnings = disclosure_warnings(files, disclosure_rules(args.dir))
    for warning in warnings:
        print(warning)
    prompts = [p for t in library.themes for p in t.prompts]
    enabled = sum(p.may_post for p in prompts)
    drafts = sum(p.is_draft for p in prompts)
    print(
        f"{args.dir}: OK: {len(library.themes)} themes, {len(prompts)} prompts, {enabled} enabled"
        + (f", {drafts} drafts" if drafts else "")
        + (f", {len(warnings)} warnings" if warnings else "")
    )
    return 1 if warnings and args.strict else 0


def run_decide(args: argparse.Namespace) -> int:
    """Accept or reject drafts through the same round-trip writes as the review in Discord
    (each file checked unchanged since it was read, admins' comments and layout kept)."""
    from bot.prompts.lint import disclosure_rules, prompt_warnings
    from bot.safety.heavy import read_heavy_topics
    from bot.suggestions.files import PromptFiles

    library = load_library(args.dir)
    drafts = _chosen_drafts(library, args)
    checker, heavy = disclosure_rules(args.dir), read_heavy_topics()
    files, problems = PromptFiles(args.dir), []
    files.sweep()  # what an interrupted write left, as the review clears it before a decision
    for prompt in drafts:
        seen = files.seen(prompt.theme_id)
        try:
            if args.prompts_action == "reject":
                files.reject_draft(prompt, seen)
                print(f"rejected {prompt.id}: removed from {prompt.theme_id}.yaml")
                continue
            files.accept_draft(prompt, seen, enabled=not args.off)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:  # a full disk: nothing half-written is left (the writer's promise)
            reason = (exc.strerror or str(exc)).lower()
            problems.append(
                Problem(str(files.path(prompt.theme_id)), None, f"not written: {reason}")
            )
            continue
        print(f"accepted {prompt.id}" + (" (disabled)" if args.off else ""))
        for message in prompt_warnings(prompt, checker, heavy):
            print(f"  warning: {prompt.id}: {message}")
    if problems:
        raise InputError(problems)
    return 0


def _chosen_drafts(library: Library, args: argparse.Namespace) -> list:
    """The drafts named on the command line; InputError naming every id that is not one."""
    if bool(args.ids) == bool(args.theme):
        raise InputError([Problem("prompts", None, "name draft ids, or --theme T (not both)")])
    if args.theme:
        theme = library.theme(args.theme)
        if theme is None:
            raise InputError([Problem(str(args.dir), None, f"no theme has id {args.theme!r}")])
        chosen = [p for p in theme.prompts if p.is_draft]
        if not chosen:
            raise InputError([Problem(str(args.dir), None, f"{args.theme}: no drafts to decide")])
        return chosen
    chosen, problems = [], []
    for prompt_id in dict.fromkeys(args.ids):
        prompt = library.prompt(prompt_id)
        if prompt is None:
            problems.append(Problem(str(args.dir), None, f"no prompt has id {prompt_id!r}"))
        elif not prompt.is_draft:
            problems.append(Problem(str(args.dir), None, f"{prompt_id} is not a draft"))
        else:
            chosen.append(prompt)
    if problems:
        raise InputError(problems)
    return chosen


def run_list(args: argparse.Namespace) -> int:
    library = load_library(args.dir)
    themes = [t for t in library.themes if args.theme in (None, t.id)]
    if args.theme and not themes:
        print(f"no theme has id {args.theme!r}")
        return 1
    lines = []
    for theme in themes:
        lines.append(f"{theme.id}: {escaped(theme.title)}")
        for prompt in theme.prompts:
            mark = "d" if prompt.is_draft else " " if prompt.enabled else "-"
            note = "  [sensitive]" if prompt.sensitive else ""
            lines.append(f"  {mark} {prompt.id:<24} {escaped(prompt.question)}{note}")
            if prompt.source:
                lines.append(f"    {'':<24} from “{escaped(prompt.source)}”")
    drafts = sum(p.is_draft for t in themes for p in t.prompts)
    lines.append(f"\nd: draft awaiting review ({drafts}), -: disabled")
    emit("\n".join(lines))
    return 0


def render_report(report: Report) -> str:
    lines = [f"added      {pid}" for pid in report.added]
    lines += [f"left alone {pid}: {why}" for pid, why in report.left_alone]
    if report.kept:
        lines.append(f"kept       {len(report.kept)} unchanged generated prompts")
    lines.append(
        f"added {len(report.added)}, kept {len(report.kept)}, left alone {len(report.left_alone)}"
    )
    if report.refused:
        lines.append(
            f"left out {report.refused} generated prompts that ask members for private facts"
        )
    if report.drafts:
        lines.append(
            f"{report.drafts} draft prompts await review; {report.passing} pass every check of"
            " `prompts validate --strict`. Accept them with `python -m bot prompts accept ID...`"
            " (or `--theme T`), reject with `prompts reject ID...` (see `prompts list`)"
        )
    if report.drafts and not report.enabled:
        lines.append(
            "No prompt is enabled yet: no theme matched the question bank's own questions, so"
            " nothing is posted until a moderator accepts drafts (`prompts accept`)"
        )
    return "\n".join(lines)
