"""Review UI: `python app.py [--host H] [--port P] [--allow-public]` (also the Hugging Face
Spaces entry). The UI is mounted in a parent app that also serves the client approval pages
(`/r/<token>`)."""

from __future__ import annotations

import argparse
import os
import sys

from assistant.proofing import warm_up
from assistant.ui import overheads
from assistant.ui.app import build_app, launch_options
from assistant.ui.identity import auth_users, public_bind_refusal
from assistant.ui.offload import warm
from assistant.web import parent_app, serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Editorial assistant review UI")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    )
    parser.add_argument(
        "--allow-public",
        action="store_true",
        help="listen beyond this machine without ASSISTANT_AUTH (anyone reaching it can edit)",
    )
    args = parser.parse_args()
    refusal = public_bind_refusal(args.host, args.allow_public)
    if refusal:
        print(refusal, file=sys.stderr)
        sys.exit(2)
    app = build_app()
    app.queue(default_concurrency_limit=4)
    overheads.calm_queue(app)
    server = parent_app(app, launch_options(), auth_users())
    serve(server, args.host, args.port, when_up=_warm)


def _warm() -> None:
    warm()  # the workers start as soon as the server answers, not on the first render
    warm_up()  # and this process's checkers, before anyone's first save


if __name__ == "__main__":
    main()
