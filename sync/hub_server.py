"""The hub over HTTP, for a station that finds a connection (docs/ARCHITECTURE.md, section 4).

    POST /bundles   one station bundle as the body -> 200 with the hub's return bundle, or a
                    4xx/503/507 with {"key", "params", "message"}: the same refusal `kjtui sync
                    import` gives, by catalog key, so the laptop shows it in its own language.
    GET  /health    {"ok": true, "node": "hub"}

No request is answered with a 500: every refusal, and anything unforeseen, is that JSON
(docs/BUNDLE_FORMAT.md, "Over HTTP").

What a request may cost is bounded before it costs it:

- the head (magic, length, manifest, signature: at most 64 KiB) is read first and checked, the
  sender known and not revoked and the signature verified, before a byte of the payload is read:
  an unknown sender's body is never buffered;
- a payload is read only into one of UPLOAD_SLOTS slots (one importing, one loading); a request
  that waits longer than SLOT_WAIT_S for one gets 503 and Retry-After, its body left unread in
  the kernel's buffers (uvicorn stops reading a body the app does not consume);
- every read of the body has a deadline (IDLE_S without a byte, BODY_S in all), and a
  connection that does not complete its request head within HEAD_S is closed.

The bundle is imported by the very code of `kjtui sync import` (sync.importer.import_bytes), one
at a time (a lock: the seq bookkeeping of a station is read and moved in one transaction). A
bundle is signed and sealed end to end, so plain HTTP on the county's LAN carries nothing a
listener could read or change unnoticed. One log line per bundle: station, seqs, records
applied, held, refused, time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kjtui import catalog
from kjtui.exception import BundleError, KjtuiError
from sync import bundle, importer

MEDIA = "application/vnd.kjtui.bundle"
STATUS = {  # refusal key -> HTTP status; anything else a station sent wrong is 400
    "bundle.too_big": 413,
    "bundle.unknown_sender": 403,
    "bundle.revoked_sender": 403,
    "bundle.not_for_me": 403,
    "bundle.fork": 409,
    "bundle.disk_full": 507,
    "bundle.apply_failed": 503,
    "hub.not_initialised": 503,
    "hub.busy": 503,
    "hub.unavailable": 503,
    "http.timeout": 408,
    "http.not_found": 404,
    "http.method": 405,
}
UPLOAD_SLOTS = 2
SLOT_WAIT_S = 20.0
IDLE_S = 15.0
BODY_S = 120.0
HEAD_S = 15.0

log = logging.getLogger("kjtui.hub")


def refusal(key: str, **params) -> JSONResponse:
    status = STATUS.get(key, 400)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse({"key": key, "params": params, "message": catalog.text(key, "zh", **params)},
                        status_code=status, headers=headers)


class _TimedOut(Exception):
    pass


class _Body:
    """The request body, read as far as asked, each read with a deadline."""

    def __init__(self, request: Request):
        self.chunks = request.stream()
        self.buf = bytearray()
        self.ended = False
        self.deadline = time.monotonic() + BODY_S

    async def _more(self) -> None:
        left = min(IDLE_S, self.deadline - time.monotonic())
        if left <= 0:
            raise _TimedOut
        try:
            chunk = await asyncio.wait_for(self.chunks.__anext__(), left)
        except StopAsyncIteration:
            self.ended = True
            return
        except TimeoutError:
            raise _TimedOut from None
        self.buf += chunk

    async def take(self, n: int) -> bytes:
        """Exactly n bytes, or what there is when the body ends first."""
        while len(self.buf) < n and not self.ended:
            await self._more()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    async def drain(self, limit: int = bundle.MAX_FILE) -> None:
        """Read what the client is still sending, keeping none of it, so that it reads the
        refusal instead of failing to write (bounded in bytes and time)."""
        seen = len(self.buf)
        self.buf.clear()
        try:
            while not self.ended and seen <= limit:
                await self._more()
                seen += len(self.buf)
                self.buf.clear()
        except (_TimedOut, ClientDisconnect):
            pass

    async def rest(self, head: bytes, n: int) -> bytes:
        """`head` and the n bytes that follow it, into one buffer of the final size (no
        growing copies); a body that ends early is truncated, one that goes on too long."""
        out = bytearray(len(head) + n)
        out[: len(head)] = head
        at = len(head) + len(self.buf)
        if at > len(out):
            raise BundleError("bundle.too_big")
        out[len(head) : at] = self.buf
        self.buf.clear()
        while not self.ended:
            await self._more()
            chunk = self.buf
            if at + len(chunk) > len(out):
                raise BundleError("bundle.too_big")
            out[at : at + len(chunk)] = chunk
            at += len(chunk)
            chunk.clear()
        if at != len(out):
            raise BundleError("bundle.truncated")
        data = bytes(out)
        del out
        return data


def _import(data: bytes, lock: threading.Lock) -> importer.Result:
    import peewee

    with lock:
        try:
            return importer.import_bytes(data)
        except peewee.PeeweeException as exc:  # the transaction is rolled back by then
            raise BundleError("bundle.apply_failed",
                              reason=str(exc).splitlines()[0] if str(exc) else
                              type(exc).__name__) from exc


SLOW_MS = 2000  # a request slower than this gets a line of its own


def _line(event: str, started: float, **fields) -> None:
    """One JSON object a line (what a log collector reads without a parser of ours): one per
    bundle, one per refusal, and one more when the answer took longer than SLOW_MS."""
    ms = round((time.monotonic() - started) * 1000)
    log.info({"event": event, **fields, "ms": ms})
    if ms > SLOW_MS:
        log.info({"event": "slow", "of": event, "station": fields.get("station"), "ms": ms})


class JsonLines(logging.Formatter):
    """A record as one JSON object on one line; a traceback goes inside it, not after it."""

    def format(self, record: logging.LogRecord) -> str:
        line = dict(record.msg) if isinstance(record.msg, dict) else {
            "event": "error", "message": record.getMessage()}
        line = {"at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), **line}
        if record.exc_info:
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def _db_answers() -> bool:
    from kjtui.models import database

    try:
        database.obj.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # any failure of the database is "it does not answer"
        return False


def _answers(*codes: int) -> dict:
    return {str(c): {"description": _DESCRIBED[c]} for c in codes}


_DESCRIBED = {
    200: "the bundle applied (or already had): the hub's return bundle",
    400: "not a bundle, or a damaged one: {key, params, message}",
    403: "unknown, revoked or misaddressed sender: {key, params, message}",
    404: "no such path: {key, params, message}",
    405: "method not allowed: {key, params, message}",
    408: "the body stopped coming: {key, params, message}",
    409: "a fork of the station's history: {key, params, message}",
    413: "over the size cap: {key, params, message}",
    503: "busy or unavailable, retry after Retry-After: {key, params, message}",
    507: "the hub's disk is full: {key, params, message}",
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "kjtui county hub", "version": "1",
             "description": "Signed and sealed bundles between stations and the hub "
                            "(docs/BUNDLE_FORMAT.md). Every refusal is JSON with a catalog key; "
                            "nothing is answered with a 500."},
    "paths": {
        "/bundles": {"post": {
            "summary": "Import one station bundle; answer with the hub's return bundle",
            "requestBody": {"required": True, "content": {MEDIA: {"schema": {
                "type": "string", "format": "binary"}}}},
            "responses": _answers(200, 400, 403, 408, 409, 413, 503, 507)}},
        "/health": {"get": {
            "summary": "Whether the hub's database answers",
            "responses": {"200": {"description": '{"ok": true, "node": "hub"}'},
                          "503": {"description": '{"ok": false, ...}: the database does not '
                                                 "answer"}}}},
        "/openapi.json": {"get": {"summary": "This description",
                                  "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}


def create_app() -> Starlette:
    """The app, over the database the models are bound to (kjtui.models.connect).

    Every database call runs on one thread of its own: imports are one at a time anyway, and
    the memory an import takes is then reused by the next one (each thread of a pool would keep
    its own heap at its own peak)."""
    lock = threading.Lock()
    slots = asyncio.Semaphore(UPLOAD_SLOTS)
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kjtui-import")

    async def in_worker(fn, *args):
        return await asyncio.get_running_loop().run_in_executor(worker, fn, *args)

    async def receive(request: Request, body: _Body, who: dict) -> bytes:
        """The whole bundle once its head is trusted; `who` names the sender (and its seqs) as
        it goes, for the log line of a refusal."""
        try:
            declared = int(request.headers["content-length"])
        except KeyError:
            declared = None
        except ValueError:
            raise BundleError("bundle.not_a_bundle") from None
        if declared is not None and declared > bundle.MAX_FILE:
            raise BundleError("bundle.too_big")
        first = await body.take(bundle.HEAD)
        head = first + await body.take(bundle.head_length(first) - len(first))
        manifest, signed, signature = bundle.parse_head(head)
        who["station"] = f"{manifest['sender']}/{manifest['sender_inc']}"
        if len(manifest["seq"]) == 2:
            who["seq"] = list(manifest["seq"])
        await in_worker(importer.check_head, manifest, signed, signature)
        total = len(head) + manifest["members"][bundle.PAYLOAD]["size"]
        if total > bundle.MAX_FILE:
            raise BundleError("bundle.too_big")
        if declared is not None and declared != total:
            raise BundleError("bundle.truncated")
        try:
            await asyncio.wait_for(slots.acquire(), SLOT_WAIT_S)
        except TimeoutError:
            raise BundleError("hub.busy") from None
        try:
            return await body.rest(head, total - len(head))
        except BaseException:
            slots.release()
            raise

    async def post_bundle(request: Request) -> Response:
        started, who, body = time.monotonic(), {"station": "?"}, _Body(request)
        try:
            data = await receive(request, body, who)
            try:
                result = await in_worker(_import, data, lock)
            finally:
                slots.release()
                del data
        except (BundleError, _TimedOut) as exc:
            key, params = ((exc.key, exc.params) if isinstance(exc, BundleError)
                           else ("http.timeout", {"seconds": int(IDLE_S)}))
            _line("refused", started, **who, key=key)
            if who["station"] != "?" and key != "http.timeout":
                await body.drain()  # a signed head: perhaps a station that must read why
            return refusal(key, **params)
        except ClientDisconnect:
            _line("refused", started, **who, key="http.client_gone")
            return Response(status_code=400)  # nobody is left to read it; nothing was done
        except KjtuiError as exc:
            _line("refused", started, **who, key=exc.key)
            return refusal(exc.key, **exc.params)
        except Exception as exc:  # nothing unforeseen becomes a 500
            log.exception("%s failed", who["station"])
            return refusal("hub.unavailable", reason=type(exc).__name__)
        if result.reply is None:  # not a hub (a station's database behind the server)
            return refusal("bundle.not_for_me", recipient="hub", me=result.sender)
        name, reply = result.reply
        _line("bundle", started, station=f"{result.sender}/{result.incarnation}",
              seq=[result.first, result.last], status=result.status, applied=result.changes,
              held=len(result.held))
        return Response(reply, media_type=MEDIA, headers={
            "X-Kjtui-Status": result.status, "X-Kjtui-Changes": str(result.changes),
            "X-Kjtui-Held": str(len(result.held)),
            "Content-Disposition": f'attachment; filename="{name}"'})

    async def health(request: Request) -> JSONResponse:
        if await in_worker(_db_answers):
            return JSONResponse({"ok": True, "node": "hub"})
        return JSONResponse({"ok": False, "node": "hub", "key": "hub.unavailable"},
                            status_code=503, headers={"Retry-After": "5"})

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(OPENAPI)

    async def http_error(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 400)
        return refusal({404: "http.not_found", 405: "http.method"}.get(code, "http.bad_request"))

    async def unforeseen(request: Request, exc: Exception) -> Response:
        log.exception("unforeseen")
        return refusal("hub.unavailable", reason=type(exc).__name__)

    return Starlette(routes=[Route("/bundles", post_bundle, methods=["POST"]),
                             Route("/health", health, methods=["GET"]),
                             Route("/openapi.json", openapi, methods=["GET"])],
                     exception_handlers={HTTPException: http_error, Exception: unforeseen})


def protocol():
    """uvicorn's h11 protocol with a deadline for the request head: a connection that opens and
    trickles (or sends nothing) is closed after HEAD_S, between requests too."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11(H11Protocol):
        _head_timer = None

        def _arm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(HEAD_S, self._head_timeout)

        def _head_timeout(self) -> None:
            if (self.cycle is None or self.cycle.response_complete) and not (
                    self.transport.is_closing()):
                self.transport.close()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

    return TimedH11


def serve(host: str, port: int) -> None:
    import uvicorn

    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False,
                http=protocol(), timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024)
