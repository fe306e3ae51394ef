"""The hub over HTTP, for a station that finds a connection (docs/ARCHITECTURE.md, section 4).

    POST /bundles   one station bundle as the body -> 200 with the hub's return bundle, or a
                    4xx with {"key", "params", "message"}: the same refusal `kjtui sync import`
                    gives, by catalog key, so the laptop shows it in its own language.
    GET  /health    {"ok": true, "node": "hub"}

The bundle is imported by the very code of `kjtui sync import` (sync.importer.import_bytes), one
at a time (a lock: the seq bookkeeping of a station is read and moved in one transaction). A
bundle is signed and sealed end to end, so plain HTTP on the county's LAN carries nothing a
listener could read or change unnoticed (docs/BUNDLE_FORMAT.md, "Over HTTP").
"""

from __future__ import annotations

import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kjtui import catalog
from kjtui.exception import BundleError
from sync import bundle, importer

MEDIA = "application/vnd.kjtui.bundle"
STATUS = {  # refusal key -> HTTP status; anything else a station sent wrong is 400
    "bundle.too_big": 413,
    "bundle.unknown_sender": 403,
    "bundle.revoked_sender": 403,
    "bundle.not_for_me": 403,
    "bundle.fork": 409,
    "bundle.disk_full": 507,
    "bundle.apply_failed": 500,
    "hub.not_initialised": 503,
}


def refusal(key: str, **params) -> JSONResponse:
    return JSONResponse({"key": key, "params": params, "message": catalog.text(key, "zh", **params)},
                        status_code=STATUS.get(key, 400))


def _import(data: bytes, lock: threading.Lock) -> importer.Result:
    import peewee

    with lock:
        try:
            return importer.import_bytes(data)
        except peewee.PeeweeException as exc:  # the transaction is rolled back by then
            raise BundleError("bundle.apply_failed",
                              reason=str(exc).splitlines()[0] if str(exc) else
                              type(exc).__name__) from exc


def create_app() -> Starlette:
    """The app, over the database the models are bound to (kjtui.models.connect)."""
    lock = threading.Lock()

    async def post_bundle(request: Request) -> Response:
        # Refuse a body over the cap before reading it, and stop reading one that lies.
        try:
            declared = int(request.headers.get("content-length", "0"))
        except ValueError:
            return refusal("bundle.not_a_bundle")
        if declared > bundle.MAX_FILE:
            return refusal("bundle.too_big")
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > bundle.MAX_FILE:
                    return refusal("bundle.too_big")
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is left to read it; nothing was done
        try:
            result = await run_in_threadpool(_import, bytes(body), lock)
        except BundleError as exc:
            return refusal(exc.key, **exc.params)
        if result.reply is None:  # not a hub (a station's database behind the server)
            return refusal("bundle.not_for_me", recipient="hub", me=result.sender)
        name, reply = result.reply
        return Response(reply, media_type=MEDIA, headers={
            "X-Kjtui-Status": result.status, "X-Kjtui-Changes": str(result.changes),
            "Content-Disposition": f'attachment; filename="{name}"'})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "node": "hub"})

    return Starlette(routes=[Route("/bundles", post_bundle, methods=["POST"]),
                             Route("/health", health, methods=["GET"])])


def serve(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)
