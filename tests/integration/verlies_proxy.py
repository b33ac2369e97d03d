"""A TCP proxy on 127.0.0.1 between the service and PostgreSQL that can lose a reply.

It forwards every byte both ways, reading PostgreSQL's wire protocol only as far as it
must to find whole messages. Armed (`laat_vallen`), it lets the next query that holds a
marker (a save: `LOCK TABLE`) reach the server, swallows the server's answer up to its
ReadyForQuery, so after the server has run and committed the implicit transaction, and
then cuts both sides: a commit whose reply was lost, as when a network drops it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from types import TracebackType

# Untyped requests before the startup message, answered by the server with one byte.
_SSL_OF_GSS = {80877103, 80877104}
MAX_VERBINDINGEN = 64
GRENS = 5.0  # seconds for joining the proxy's threads when it is closed


@dataclass(eq=False)
class _Verbinding:
    client: socket.socket
    server: socket.socket
    enkele_bytes: int = 0  # one-byte answers still to come (SSL/GSS refused)
    vallen: bool = False  # swallow the answer in progress and cut the connection
    draden: list[threading.Thread] = field(default_factory=list)

    def verbreek(self) -> None:
        for kant in (self.client, self.server):
            with contextlib.suppress(OSError):
                kant.shutdown(socket.SHUT_RDWR)
            kant.close()


class VerliesProxy:
    def __init__(self, host: str, poort: int) -> None:
        self._doel = (host, poort)
        self._luister = socket.create_server(("127.0.0.1", 0))
        self.poort: int = self._luister.getsockname()[1]
        self._slot = threading.Lock()
        self._verbindingen: list[_Verbinding] = []
        self._merk: bytes | None = None
        self.gevallen = 0  # replies swallowed so far
        self.verloren = threading.Event()  # set when a reply was swallowed
        self._aanneem = threading.Thread(target=self._neem_aan, daemon=True)
        self._aanneem.start()

    def laat_vallen(self, merk: bytes = b"LOCK TABLE") -> None:
        """Lose the reply to the next query that holds `merk` (once)."""
        with self._slot:
            self._merk = merk
            self.verloren.clear()

    def _neem_val(self, bericht: bytes) -> bool:
        with self._slot:
            if self._merk is None or self._merk not in bericht:
                return False
            self._merk = None
            return True

    def _neem_aan(self) -> None:
        while True:
            try:
                client, _ = self._luister.accept()
            except OSError:
                return  # closed
            with self._slot:
                self._verbindingen = [
                    v for v in self._verbindingen if any(d.is_alive() for d in v.draden)
                ]
                if len(self._verbindingen) >= MAX_VERBINDINGEN:
                    client.close()
                    continue
                server = socket.create_connection(self._doel, timeout=GRENS)
                server.settimeout(None)
                verbinding = _Verbinding(client, server)
                self._verbindingen.append(verbinding)
            for pomp in (self._naar_server, self._naar_client):
                draad = threading.Thread(target=pomp, args=(verbinding,), daemon=True)
                verbinding.draden.append(draad)
                draad.start()

    def _naar_server(self, v: _Verbinding) -> None:
        buffer, opgestart = b"", False
        try:
            while data := v.client.recv(65536):
                buffer += data
                while True:
                    if not opgestart:  # untyped: length, then a request code
                        if len(buffer) < 8 or len(buffer) < int.from_bytes(buffer[:4], "big"):
                            break
                        lengte = int.from_bytes(buffer[:4], "big")
                        if int.from_bytes(buffer[4:8], "big") in _SSL_OF_GSS:
                            v.enkele_bytes += 1  # before it can be answered
                        else:
                            opgestart = True
                    else:  # type byte, then a length that counts itself
                        if len(buffer) < 5 or len(buffer) < 1 + int.from_bytes(buffer[1:5], "big"):
                            break
                        lengte = 1 + int.from_bytes(buffer[1:5], "big")
                        if buffer[:1] == b"Q" and self._neem_val(buffer[:lengte]):
                            v.vallen = True  # before the server can answer it
                    bericht, buffer = buffer[:lengte], buffer[lengte:]
                    v.server.sendall(bericht)
        except OSError:
            pass
        v.verbreek()

    def _naar_client(self, v: _Verbinding) -> None:
        buffer = b""
        try:
            while data := v.server.recv(65536):
                buffer += data
                uit = b""
                while True:
                    if v.enkele_bytes and buffer:
                        v.enkele_bytes -= 1
                        uit, buffer = uit + buffer[:1], buffer[1:]
                        continue
                    if len(buffer) < 5 or len(buffer) < 1 + int.from_bytes(buffer[1:5], "big"):
                        break
                    lengte = 1 + int.from_bytes(buffer[1:5], "big")
                    bericht, buffer = buffer[:lengte], buffer[lengte:]
                    if not v.vallen:
                        uit += bericht
                    elif bericht[:1] == b"Z":  # the server is done: committed, unanswered
                        with self._slot:
                            self.gevallen += 1
                        self.verloren.set()
                        v.verbreek()
                        return
                if uit:
                    v.client.sendall(uit)
        except OSError:
            pass
        v.verbreek()

    def sluit(self) -> None:
        self._luister.close()
        self._aanneem.join(GRENS)
        with self._slot:
            verbindingen, self._verbindingen = self._verbindingen, []
        for verbinding in verbindingen:
            verbinding.verbreek()
            for draad in verbinding.draden:
                draad.join(GRENS)

    def __enter__(self) -> VerliesProxy:
        return self

    def __exit__(
        self,
        soort: type[BaseException] | None,
        fout: BaseException | None,
        spoor: TracebackType | None,
    ) -> None:
        self.sluit()
