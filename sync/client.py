"""A station pushes its outbox to the hub over HTTP and applies the answer.

The bundle is the one `kjtui sync export` writes (sync.exporter.station_bundle) and the answer
is imported as `kjtui sync import` would: nothing here changes the outbox. It stays until the
hub's acknowledgement, inside its return bundle, is applied; a link that drops halfway leaves
it as it was, and sending the same bundle again is a duplicate the hub skips.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from kjtui import catalog
from kjtui.exception import BundleError
from sync import bundle, exporter, importer
from sync.hub_server import MEDIA

RETRIES = 3  # attempts per bundle: a flaky mobile link gets a few, a dead one ends quickly
BACKOFF_S = 0.5  # then 1 s, 2 s …
TIMEOUT_S = 30.0


@dataclass
class Pushed:
    first: int
    last: int
    hub_status: str  # applied | parked | duplicate (as the hub saw our bundle)
    hub_changes: int
    reply: importer.Result  # the hub's answer as applied here
    hub_held: int = 0  # records the hub holds for a decision (sync status says which and why)

    @property
    def empty(self) -> bool:
        """Nothing was pending: the bundle only asked for the hub's news."""
        return self.last < self.first


def _read(r: httpx.Response) -> bytes:
    """The answer's body, at most one bundle's size: a hub cannot fill the laptop's memory."""
    body = bytearray()
    for chunk in r.iter_bytes():
        body += chunk
        if len(body) > bundle.MAX_FILE:
            raise BundleError("bundle.too_big")
    return bytes(body)


def _refusal(url: str, status: int, body: bytes) -> BundleError:
    """The hub's one sentence, by catalog key (said here in the laptop's language)."""
    try:
        answer = json.loads(body)
        key, params = answer["key"], dict(answer["params"])
    except (ValueError, KeyError, TypeError):
        return BundleError("push.bad_answer", url=url, status=status)
    if key not in catalog.messages():  # a newer hub's refusal: its own words then
        return BundleError("push.refused", url=url, message=str(answer.get("message", key)))
    return BundleError(key, **params)


def _post(client: httpx.Client, url: str, data: bytes, retries: int,
          backoff: float) -> tuple[httpx.Headers, bytes]:
    """POST one bundle; retry what a link or a busy hub may cure (no connection, a cut, a 5xx
    but a full disk), never a refusal."""
    failed = BundleError("push.unreachable", url=url, reason="")
    for attempt in range(max(1, retries)):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            with client.stream("POST", url, content=data,
                               headers={"Content-Type": MEDIA}) as r:
                body = _read(r)
        except httpx.TransportError as exc:  # refused, reset, timed out, cut halfway
            failed = BundleError("push.unreachable", url=url,
                                 reason=str(exc) or type(exc).__name__)
            continue
        if r.status_code == 200 and r.headers.get("content-type", "").startswith(MEDIA):
            return r.headers, body
        if r.status_code < 500 or r.status_code == 507:
            raise _refusal(url, r.status_code, body)
        failed = _refusal(url, r.status_code, body)
    raise failed


ROUNDS = 100  # bundles one push sends at most (a long outbox goes in several)


def push(hub_url: str, *, retries: int = RETRIES, backoff: float = BACKOFF_S,
         timeout: float = TIMEOUT_S, client: httpx.Client | None = None,
         progress: Callable[[int, int, int], None] | None = None) -> list[Pushed]:
    """Send the outbox (or an empty bundle, which fetches the hub's news), one bundle after the
    other, and apply each answer. If an answer says the hub lacks earlier seqs (restored from a
    backup), its ack went back and the outbox is sent again from there. `progress(start, done,
    top)`: called before the first bundle and after each answer, with the seq the push started
    after, the seq the hub holds and the last seq of this outbox (a visit saved meanwhile too)."""
    from sync import node

    url = hub_url.rstrip("/") + "/bundles"
    own = client is None
    client = client or httpx.Client(timeout=timeout)
    done: list[Pushed] = []
    start = node.hub_peer().their_ack
    if progress:
        progress(start, start, node.last_seq())
    try:
        for _ in range(ROUNDS):
            before = node.hub_peer().their_ack
            _, data = exporter.station_bundle()
            sent = bundle.parse(data)
            headers, body = _post(client, url, data, retries, backoff)
            reply = importer.import_bytes(body)
            status = headers.get("X-Kjtui-Status", "")
            changes = headers.get("X-Kjtui-Changes", "0")
            held = headers.get("X-Kjtui-Held", "0")
            done.append(Pushed(sent.first, sent.last, status,
                               int(changes) if changes.isdigit() else 0, reply,
                               int(held) if held.isdigit() else 0))
            after = node.hub_peer().their_ack
            if progress:
                progress(start, after, node.last_seq())
            if status == "parked" and len(done) == 1:
                continue  # the hub went back: once more from where it is
            if sent.last >= node.last_seq() or after <= before:
                break  # all sent, or the hub took nothing more: ask again another time
    finally:
        if own:
            client.close()
    return done
