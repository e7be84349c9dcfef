"""Run the gateway under an ASGI server (uvicorn with httptools + uvloop by default)."""

from __future__ import annotations

import asyncio
import logging
import signal

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.gateway.app import Gateway
from pocketcloud.infra.faults import active_faults
from pocketcloud.store.claim import DataDirInUseError, claim_data_dir

log = logging.getLogger("pocketcloud")


def serve(settings: Settings) -> None:
    cloud = Cloud(settings)
    try:
        claim = claim_data_dir(cloud.data_dir)
    except DataDirInUseError:
        cloud.close()
        raise
    swept = cloud.store.blobs.sweep_interrupted()
    if swept:
        log.info("removed %d half-written upload(s) left by an interrupted run", swept)
    active_faults(cloud)  # creates the faults table before anyone asks; logs active faults
    log.info(
        "pocketcloud on http://%s:%d  data=%s%s  seed=%d",
        settings.host,
        settings.port,
        cloud.data_dir,
        " (ephemeral)" if settings.ephemeral else "",
        cloud.ids.seed,
    )
    try:
        if settings.server == "granian":
            _serve_granian(cloud)
        else:
            _serve_uvicorn(cloud)
    finally:
        cloud.close()
        claim.close()


def _serve_uvicorn(cloud: Cloud) -> None:
    import uvicorn

    from pocketcloud.infra.unreachable import uvicorn_protocol

    settings = cloud.settings
    uvicorn.run(
        Gateway(cloud),
        host=settings.host,
        port=settings.port,
        http=uvicorn_protocol(),  # httptools, able to drop a connection (down Regions)
        loop="uvloop",
        lifespan="on",
        access_log=False,
        proxy_headers=False,  # no proxy in front: X-Forwarded-For must not become aws:SourceIp
        log_level=settings.log_level.lower(),
        server_header=False,
        date_header=True,
    )


def _serve_granian(cloud: Cloud) -> None:
    import uvloop
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server

    settings = cloud.settings
    server = Server(
        Gateway(cloud),
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        websockets=False,
        log_access=False,
        log_level=LogLevels(settings.log_level.lower()),
    )

    async def serve() -> None:
        # granian's embedded server installs no signal handlers of its own: stop cleanly
        # (lifespan shutdown, store closed) on Ctrl-C and on SIGTERM
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stop)
        await server.serve()

    uvloop.run(serve())
