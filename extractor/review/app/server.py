"""The Starlette application and how it is served."""

from __future__ import annotations

import socket
from pathlib import Path

import uvicorn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from extractor.review.app import routes
from extractor.review.app.security import BodyLimit, Guard
from extractor.review.app.workspace import Workspace

HERE = Path(__file__).parent


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["path"] = routes.path_part
    env.filters["show"] = routes.show_value
    return env


def create_app(
    review_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> Starlette:
    """The reviewer app over `review_dir` (raises LitextractError if it is not a review).

    `allowed_hosts` are DNS names the Host header may carry besides IP literals,
    `localhost` and `host` (a name colleagues use to reach the server).
    """
    workspace = Workspace(review_dir)
    app = Starlette(
        routes=[
            Route("/", routes.queue_page),
            Route("/reviewer", routes.reviewer_page, methods=["GET", "POST"]),
            Route("/value/{paper_id}/{field}", routes.value_page, methods=["GET", "POST"]),
            Route("/paper/{paper_id}/page/{number:int}.png", routes.page_png),
            Route("/paper/{paper_id}/pdf", routes.paper_pdf),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        # BodyLimit outermost: a body over the cap is refused before anything reads it.
        middleware=[
            Middleware(BodyLimit),
            Middleware(Guard, host=host, port=port, token=token, allowed_hosts=allowed_hosts),
        ],
    )
    app.state.workspace = workspace
    app.state.templates = templates()
    return app


def run(
    review_dir: Path,
    *,
    sock: socket.socket,
    host: str,
    token: str | None,
    allowed_hosts: tuple[str, ...] = (),
) -> None:
    """Serve the app on `sock`, bound (by `listen.bind`) to `host` before its URL was shown."""
    port = int(sock.getsockname()[1])
    app = create_app(review_dir, host=host, port=port, token=token, allowed_hosts=allowed_hosts)
    config = uvicorn.Config(app, log_level="warning", server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
