"""Request handlers: read the request, ask the workspace, render a template.

GET handlers never write. The one write, a reviewer's action on a value, goes through
`corrections.save_correction`, the code path of `litextract correct`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from extractor.review.app import pages
from extractor.review.app.inputs import Widget, entered_text, widget
from extractor.review.app.queue import (
    TO_CHECK,
    Filters,
    QueueItem,
    apply_filters,
    base_list,
    neighbours,
    spot_sample,
)
from extractor.review.app.security import csrf_ok
from extractor.review.app.views import value_view
from extractor.review.app.workspace import Workspace
from extractor.review.corrections import (
    Correction,
    CorrectionError,
    VersionConflict,
    parse_value,
    reviewer_evidence,
    save_correction,
)
from extractor.review.spot_checks import live_estimate, record_spot_check
from extractor.review.store import VersionRow
from schemas.extracted import Extracted, Status, Triage
from schemas.values import display_value

REVIEWER_COOKIE = "litextract_reviewer"
ACTIONS = ("accept", "correct", "not_reported", "unclear")
MAX_NOTE = 2000
MAX_QUOTE = 5000
PAGE_SIZE = 200  # rows of the queue table shown at once
TEXT_FORM = "application/x-www-form-urlencoded"


def path_part(text: Any) -> str:
    return quote(str(text), safe="")


def show_value(value: Any) -> str:
    """A value as people read it (lists `a; b`, objects `k=v`); empty shows as a dash."""
    text = display_value(value)
    return text if text else "—"


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def _clean_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable()).strip()[:80]


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    ws = _ws(request)
    template = request.app.state.templates.get_template(name)
    html = template.render(
        review=ws.root.name,
        form=ws.form,
        reviewer=_reviewer_name(request),
        csrf=request.state.csrf,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _ask_name(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/reviewer?" + urlencode({"next": here}), status_code=303)


def _local(target: str) -> str:
    # Only paths of this app: "//evil.example" or "http://..." would leave it.
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


async def _text_form(request: Request) -> FormData | None:
    """The posted form if it is a plain text form, else None.

    Every form of the app is text; a multipart body would hand the handlers files
    (`UploadFile`) where they expect words, so it is refused before it is parsed.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return await request.form() if kind == TEXT_FORM else None


def _not_text() -> Response:
    return HTMLResponse(f"this form takes text only ({TEXT_FORM})", status_code=415)


async def reviewer_page(request: Request) -> Response:
    """Who is reviewing: asked once per browser, kept in a cookie, shown on every save."""
    if request.method == "POST":
        data = await _text_form(request)
        if data is None:
            return _not_text()
        if not csrf_ok(request, str(data.get("csrf", ""))):
            return HTMLResponse("invalid form token: reload the page", status_code=403)
        name = _clean_name(str(data.get("name", "")))
        target = _local(str(data.get("next", "/")))
        if not name:
            return _render(request, "reviewer.html", 400, next=target, error="Enter your name.")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            REVIEWER_COOKIE, quote(name), max_age=365 * 86400, httponly=True, samesite="strict"
        )
        return response
    target = _local(request.query_params.get("next", "/"))
    return _render(request, "reviewer.html", next=target, error=None)


def _reviewer_name(request: Request) -> str | None:
    raw = request.cookies.get(REVIEWER_COOKIE)
    return (_clean_name(unquote(raw)) or None) if raw else None


async def queue_page(request: Request) -> Response:
    if _reviewer_name(request) is None:
        return _ask_name(request)
    return await run_in_threadpool(_queue_page, request)


def _queue_page(request: Request) -> Response:
    ws = _ws(request)
    filters = Filters.from_query(request.query_params)
    snapshot = ws.snapshot()
    listed = base_list(snapshot.items, filters)
    shown = apply_filters(listed, filters)
    to_check = [i for i in snapshot.items if i.triage in TO_CHECK]
    verified = [i for i in snapshot.items if i.triage == Triage.verified]
    papers = sorted({(i.paper_id, i.paper_title) for i in snapshot.items}, key=lambda p: p[0])
    return _render(
        request,
        "queue.html",
        filters=filters,
        items=shown[:PAGE_SIZE],
        total_shown=len(shown),
        checked=sum(1 for i in to_check if i.checked),
        to_check=len(to_check),
        verified=len(verified),
        verified_checked=sum(1 for i in verified if i.checked),
        listed=len(listed),
        listed_checked=sum(1 for i in listed if i.checked),
        papers=papers,
        reasons=sorted({r for i in listed for r in i.reasons}),
        statuses=tuple(Status),
        triages=TO_CHECK if filters.list == "queue" else (Triage.verified,),
        saved=request.query_params.get("saved", "")[:300],
        item_url=lambda item: _item_url(item, filters),
        # nothing extracted yet: say what to run, not "0 of 0 values checked"
        spot=live_estimate(ws.store(), snapshot.records),
        empty=not snapshot.items,
        parsed=len(snapshot.papers),
        review_path=ws.root,
    )


def _item_url(item: QueueItem, filters: Filters, **extra: str) -> str:
    return _value_url(item.paper_id, item.target_id, item.field, filters, **extra)


def _value_url(
    paper_id: str, target_id: str | None, field: str, filters: Filters, **extra: str
) -> str:
    params = {"target": target_id or "", **extra}
    more = urlencode({k: v for k, v in params.items() if v})
    joined = "&".join(p for p in (filters.query(), more) if p)
    return f"/value/{path_part(paper_id)}/{path_part(field)}" + (f"?{joined}" if joined else "")


def _find(
    request: Request,
) -> tuple[Workspace, Filters, Any, Any, Any, list[QueueItem], tuple[str, str | None, str]]:
    ws = _ws(request)
    paper_id = request.path_params["paper_id"]
    field = request.path_params["field"]
    target = request.query_params.get("target") or None
    paper = ws.paper(paper_id)
    snapshot = ws.snapshot()
    record = snapshot.records.get((paper_id, target))
    try:
        spec = ws.form.field(field)
    except KeyError:
        spec = None
    filters = Filters.from_query(request.query_params)
    key = (paper_id, target, field)
    # The value itself stays in its list while it is open, even once it is checked.
    listed = base_list(snapshot.items, filters)
    done = {i.key for i in apply_filters(listed, filters)}
    items = [i for i in listed if i.key in done or i.key == key]
    return ws, filters, paper, record, spec, items, key


async def value_page(request: Request) -> Response:
    if _reviewer_name(request) is None and request.method == "GET":
        return _ask_name(request)
    data = None
    if request.method == "POST":
        data = await _text_form(request)
        if data is None:
            return _not_text()
    return await run_in_threadpool(_value_page, request, data)


def _value_page(request: Request, data: Any) -> Response:
    ws, filters, paper, record, spec, items, key = _find(request)
    if paper is None or record is None or spec is None:
        return HTMLResponse("no such value in this review", status_code=404)
    previous, following = neighbours(items, key)
    error = conflict = None
    entered: Widget | None = None
    status = 200
    if data is not None:
        if not csrf_ok(request, str(data.get("csrf", ""))):
            return HTMLResponse("invalid form token: reload the page", status_code=403)
        # a decision on a value drawn in the spot-check sample measures `verified`
        spot = filters.list == "spot" and key in {
            i.key for i in spot_sample(ws.snapshot().items, filters.seed)
        }
        try:
            correction, version = _save(
                request, ws, paper.paper_id, record.target_id, spec.name, data
            )
        except VersionConflict as exc:
            conflict, status = str(exc), 409
            record = ws.snapshot().records.get((paper.paper_id, record.target_id)) or record
        except CorrectionError as exc:
            error, status = str(exc), 400
            entered = _entered(spec, data)
        else:
            if spot:
                record_spot_check(
                    ws.store(), record, spec.name, version, value=correction.value,
                    status=correction.status, seed=filters.seed, by=correction.corrected_by,
                )  # fmt: skip
            saved = f"{spec.name} of {paper.paper_id} saved"
            if following is not None:
                return RedirectResponse(_item_url(following, filters, saved=saved), 303)
            query = "&".join(p for p in (filters.query(), urlencode({"saved": saved})) if p)
            return RedirectResponse(f"/?{query}", 303)
    try:
        page_number = int(request.query_params.get("page", "0")) or None
    except ValueError:
        page_number = None
    search = request.query_params.get("q", "")[:200]
    view = value_view(
        ws, paper, record, spec, page_number=page_number, query=search, entered=entered
    )
    item = next((i for i in items if i.key == key), None)
    self_url = _value_url(paper.paper_id, record.target_id, spec.name, filters)
    return _render(
        request,
        "value.html",
        status,
        v=view,
        item=item,
        filters=filters,
        previous=_item_url(previous, filters) if previous else None,
        following=_item_url(following, filters) if following else None,
        position=(items.index(item) + 1 if item in items else None, len(items)),
        error=error,
        conflict=conflict,
        saved=request.query_params.get("saved", "")[:300],
        # a refused save keeps what the reviewer wrote (the value too, unless it conflicted)
        note=str(data.get("note", "")) if data is not None else "",
        chosen_quote=str(data.get("quote", "")) if data is not None else "",
        self_url=self_url,
        keep=parse_qsl(urlsplit(self_url).query),
        page_url=lambda n, q=search: _value_url(
            paper.paper_id, record.target_id, spec.name, filters, page=str(n), q=q
        ),
    )


def _save(
    request: Request, ws: Workspace, paper_id: str, target_id: str | None, field: str, data: Any
) -> tuple[Correction, VersionRow]:
    by = _reviewer_name(request)
    if not by:
        raise CorrectionError("tell the app who you are first (reload the page)")
    action = str(data.get("action", ""))
    if action not in ACTIONS:
        raise CorrectionError(f"unknown action {action!r}")
    note = str(data.get("note", "")).strip()
    chosen = str(data.get("quote", "")).strip()
    if len(note) > MAX_NOTE or len(chosen) > MAX_QUOTE:
        raise CorrectionError(
            f"note or quote too long (at most {MAX_NOTE} / {MAX_QUOTE} characters)"
        )
    try:
        quote_page = int(str(data.get("quote_page", "")) or 0) or None
    except ValueError:
        quote_page = None
    store, form = ws.store(), ws.form
    spec = form.field(field)
    record = ws.snapshot().records.get((paper_id, target_id))
    current = (record.record.get(field) if record else None) or Extracted[Any]()
    if action == "accept":
        value, status = current.value, current.status.value
        kept = [e.model_dump(mode="json") for e in current.evidence if e.quote != chosen]
    else:
        text = {"not_reported": "NA", "unclear": "unclear"}.get(action) or entered_text(
            form, spec, data
        )
        value, status = parse_value(form, field, text)
        kept = []
    evidence = reviewer_evidence(store, paper_id, chosen, quote_page) + kept
    why = note or {"accept": "accepted", "not_reported": "not reported", "unclear": "unclear"}.get(
        action, "corrected"
    )
    correction = Correction(paper_id, field, value, status, by, why, target_id, evidence)
    version = save_correction(
        store, form, correction, expected_revision=str(data.get("revision", ""))
    )
    return correction, version


def _entered(spec: Any, data: Any) -> Widget:
    """The widget refilled with what the reviewer typed, after a refused save."""

    base = widget(spec, None)
    if base.kind == "checkboxes":
        return Widget(base.kind, base.choices, selected=tuple(data.getlist("choice")))
    if base.kind in ("object", "table"):
        rows = []
        for n in range(200):
            names = [f"cell.{n}.{c.name}" for c in spec.item_fields]
            if not any(name in data for name in names):
                break
            rows.append(tuple(str(data.get(name, "")) for name in names))
        return Widget(base.kind, columns=base.columns, rows=tuple(rows) or base.rows)
    return Widget(base.kind, base.choices, text=str(data.get("value", "")))


async def page_png(request: Request) -> Response:
    return await run_in_threadpool(_page_png, request)


def _page_png(request: Request) -> Response:
    ws = _ws(request)
    paper = ws.paper(request.path_params["paper_id"])
    pdf = ws.pdf_path(paper) if paper else None
    if paper is None or pdf is None:
        return Response("not found", status_code=404)
    number = int(request.path_params["number"])
    count = ws.words.get(pdf, paper.sha256, 1).geometry.count  # cached: no PDF opened per request
    if not 1 <= number <= count:
        return Response("not found", status_code=404)
    data, _ = pages.render_png(pdf, paper.sha256, number, ws.page_cache)
    headers = {"Cache-Control": "private, max-age=3600", "ETag": f'"{paper.sha256[:16]}-{number}"'}
    return Response(data, media_type="image/png", headers=headers)


async def paper_pdf(request: Request) -> Response:
    ws = _ws(request)
    paper = ws.paper(request.path_params["paper_id"])
    pdf = ws.pdf_path(paper) if paper else None
    if paper is None or pdf is None:
        return Response("not found", status_code=404)
    # inline: the browser shows the paper in a tab rather than saving a download
    return FileResponse(
        pdf, media_type="application/pdf", filename=pdf.name, content_disposition_type="inline"
    )
