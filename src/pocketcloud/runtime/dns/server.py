"""The DNS server: UDP and TCP on one port, on an event loop in its own thread.

Its own thread keeps DNS answering while the HTTP gateway's loop is busy. Every resource is
bounded: queries are answered inline as they arrive (UDP; the kernel's socket buffer is the
queue), TCP connections are capped, each waits at most TCP_IDLE_TIMEOUT_S for a query and
carries at most TCP_QUERIES_PER_CONNECTION_MAX; messages are at most 65,535 bytes by the
format itself. A packet that is not a DNS query is dropped. An `observe` hook (query logs)
sees each query and its reply after the reply is sent; it must not block.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import threading
from collections.abc import Callable
from typing import Any

from pocketcloud.runtime.dns.cache import Answer

Observe = Callable[[bytes, "bytes | None", Any, bool], None]  # (query, reply, addr, tcp)

log = logging.getLogger("pocketcloud.dns")

TCP_CONNECTIONS_MAX = 128
TCP_IDLE_TIMEOUT_S = 10.0
TCP_QUERIES_PER_CONNECTION_MAX = 1000
START_TIMEOUT_S = 5.0


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, answer: Answer, observe: Observe | None) -> None:
        self.answer, self.observe = answer, observe
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            reply = self.answer(data, False)
        except Exception:
            log.exception("dns: query from %s failed", addr)
            return
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
        if self.observe is not None:
            _observed(self.observe, data, reply, addr, False)


def _observed(observe: Observe, data: bytes, reply: bytes | None, addr: Any, tcp: bool) -> None:
    try:
        observe(data, reply, addr, tcp)
    except Exception:  # a logging hook never stops answering
        log.exception("dns: observing a query failed")


class DnsServer:
    def __init__(self, host: str, port: int, answer: Answer,
                 observe: Observe | None = None) -> None:
        """`answer(query_bytes, tcp)` -> response bytes, or None to drop the query."""
        self.host, self.port, self.answer, self.observe = host, port, answer, observe
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._connections = 0

    def start(self) -> None:
        """Bind and serve; raises OSError when the port cannot be bound."""
        self._thread = threading.Thread(target=self._run, name="pocketcloud-dns", daemon=True)
        self._thread.start()
        self._ready.wait(START_TIMEOUT_S)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT_S)

    def _run(self) -> None:
        loop = _new_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start(), which re-raises it
            self._error = error
        finally:
            self._ready.set()
            loop.close()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Udp(self.answer, self.observe), local_addr=(self.host, self.port))
        try:
            tcp = await asyncio.start_server(self._tcp, self.host, self.port,
                                             limit=2 ** 16 + 2)
        except BaseException:
            transport.close()
            raise
        self.port = transport.get_extra_info("sockname")[1]
        log.info("dns: answering for Route 53 hosted zones on %s:%d (udp, tcp)",
                 self.host, self.port)
        self._ready.set()
        async with tcp:
            await self._stop.wait()
        transport.close()

    async def _tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._connections >= TCP_CONNECTIONS_MAX:
            writer.close()
            return
        self._connections += 1
        try:
            for _ in range(TCP_QUERIES_PER_CONNECTION_MAX):
                prefix = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_TIMEOUT_S)
                (length,) = struct.unpack("!H", prefix)
                data = await asyncio.wait_for(reader.readexactly(length), TCP_IDLE_TIMEOUT_S)
                reply = self.answer(data, True)
                if reply is None:
                    break
                writer.write(struct.pack("!H", len(reply)) + reply)
                await writer.drain()
                if self.observe is not None:
                    _observed(self.observe, data, reply,
                              writer.get_extra_info("peername"), True)
        except (asyncio.IncompleteReadError, TimeoutError, OSError):
            pass
        except Exception:
            log.exception("dns: tcp query failed")
        finally:
            self._connections -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:
        return asyncio.new_event_loop()
