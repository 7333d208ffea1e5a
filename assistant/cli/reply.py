"""`assistant reply …`: draft the options of a comment, edit, approve, mark answered, hide."""

from __future__ import annotations

import typer
from rich.console import Console

from ..community import replies, reply_jobs
from ..core.store import open_store
from .campaign import AS, OVERRIDE, ROLE, SEEN, actor
from .common import TEXT_ARG, TEXT_OPTION, check_format, print_json, read_text_arg

reply_app = typer.Typer(
    help="Replies: draft options, edit, approve, mark answered, hide spam.", no_args_is_help=True
)


@reply_app.command("draft")
def reply_draft(
    item_id: int = typer.Argument(..., help="The comment's id (assistant inbox list)"),
    provider: str = typer.Option(None, "--provider", help="none | openai | local"),
    who: str = AS,
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Three options (warm, factual, short), or an internal note when escalated. In team
    mode a worker drafts them (with its model settings when --provider is not given)."""
    check_format(fmt)
    options = reply_jobs.draft(open_store(), item_id, actor(who, "author"), provider)
    if fmt == "json":
        print_json(options)
        return
    console = Console()
    if not options:
        console.print("no reply for this comment (spam: hide it).", highlight=False)
    for o in options:
        state = "fits" if o["fits"] else "too long"
        console.rule(f"{o['option']} ({o['source']}, {o['length']}/{o['max_length']}, {state})")
        console.print(o["text"], markup=False, highlight=False)
        for check in o["checks"]:
            if check["severity"] == "error":
                console.print(f"error: {check['message']}", markup=False, highlight=False)


@reply_app.command("show")
def reply_show(item_id: int, fmt: str = typer.Option("json", "--format")) -> None:
    """The comment, its reply's versions and the audit trail (JSON)."""
    check_format(fmt, ("json",))
    print_json(replies.describe(open_store(), item_id))


@reply_app.command("choose")
def reply_choose(item_id: int, option: str = typer.Argument(...), who: str = AS) -> None:
    """Make one drafted option (warm, factual, short) the reply."""
    version = replies.choose(open_store(), item_id, option, actor(who, "author"))
    typer.echo(f"comment {item_id}: reply v{version.number} ({option})")


@reply_app.command("edit")
def reply_edit(
    item_id: int, text: str = TEXT_ARG, who: str = AS, as_text: bool = TEXT_OPTION
) -> None:
    """Write the reply yourself (a new version, checked again)."""
    body = read_text_arg(text, as_text or None, what="the reply")
    version = replies.edit(open_store(), item_id, body, actor(who, "author"))
    typer.echo(f"comment {item_id}: reply v{version.number}")


@reply_app.command("submit")
def reply_submit(item_id: int, who: str = AS) -> None:
    """Send the reply for review."""
    replies.submit(open_store(), item_id, actor(who, "author"))
    typer.echo(f"comment {item_id}: in review")


@reply_app.command("approve")
def reply_approve(
    item_ids: list[int], who: str = AS, role: str = ROLE, override: str = OVERRIDE, seen: int = SEEN
) -> None:
    """Approve the reply (someone who did not write it, for sensitive comments)."""
    for item_id in item_ids:
        replies.approve(
            open_store(), item_id, actor(who, role), override=override, seen_version=seen
        )
        typer.echo(f"comment {item_id}: approved")


@reply_app.command("answered")
def reply_answered(item_ids: list[int], who: str = AS) -> None:
    """Record that the reply went out on the network."""
    for item_id in item_ids:
        replies.answered(open_store(), item_id, actor(who, "author"))
        typer.echo(f"comment {item_id}: answered")


@reply_app.command("hide")
def reply_hide(
    item_ids: list[int],
    yes: bool = typer.Option(False, "--yes", help="Confirm: hide them all"),
    who: str = AS,
) -> None:
    """Hide comments as spam (all or none; asks for --yes)."""
    if not yes:
        raise typer.BadParameter(f"hide {len(item_ids)} comment(s) as spam? add --yes")
    done = replies.close(open_store(), item_ids, actor(who, "author"), "hidden")
    typer.echo(f"{len(done)} comment(s) hidden as spam")


@reply_app.command("unhide")
def reply_unhide(item_ids: list[int], who: str = AS) -> None:
    """Show comments hidden as spam again, each back in the status it had (all or none)."""
    done = replies.unhide(open_store(), item_ids, actor(who, "author"))
    typer.echo(f"{len(done)} comment(s) shown again")


@reply_app.command("no-reply")
def reply_none(
    item_ids: list[int], reason: str = typer.Option("", "--reason"), who: str = AS
) -> None:
    """Record that these comments need no reply."""
    done = replies.close(open_store(), item_ids, actor(who, "author"), "no_reply", reason)
    typer.echo(f"{len(done)} comment(s) need no reply")


def register(app: typer.Typer) -> None:
    app.add_typer(reply_app, name="reply")
