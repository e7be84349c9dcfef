"""Route 53 at server start: the health checkers' job, the query log writer and the DNS
server."""

from __future__ import annotations

import logging
import weakref

from pocketcloud.cloud import Cloud
from pocketcloud.runtime.dns.cache import AnswerCache
from pocketcloud.runtime.dns.fastwire import Renderer
from pocketcloud.runtime.dns.server import DnsServer
from pocketcloud.runtime.dns.wire import answer
from pocketcloud.services.route53 import probing, query_log
from pocketcloud.services.route53.answering import Resolver
from pocketcloud.services.route53.common import store
from pocketcloud.services.route53.health_state import runtime

log = logging.getLogger("pocketcloud.route53")

_servers: weakref.WeakKeyDictionary[Cloud, DnsServer] = weakref.WeakKeyDictionary()


def start(cloud: Cloud) -> None:
    store(cloud)  # tables in place before the DNS thread reads them
    runtime(cloud)
    cloud.background.every("route53-health-checks", probing.TICK_INTERVAL_S, probing.tick)
    queries = query_log.logger(cloud)
    cloud.background.every("route53-query-logs", query_log.FLUSH_INTERVAL_S, query_log.flush)
    port = cloud.settings.resolved_dns_port()
    if port == 0:
        return
    resolver = Resolver(cloud)
    fast = (Renderer(), resolver.resolve)
    handler = AnswerCache(lambda data, tcp: answer(data, resolver.respond, tcp, fast),
                          resolver.token, lambda: resolver.cacheable)
    server = DnsServer(cloud.settings.host, port, handler, queries.observe)
    try:
        server.start()
    except OSError as error:  # the cloud still serves its APIs; DNS is what is missing
        log.warning("dns: cannot listen on %s:%d (%s); Route 53 records are not served over "
                    "DNS. Choose a port with --dns-port.", cloud.settings.host, port, error)
        return
    _servers[cloud] = server


def stop(cloud: Cloud) -> None:
    server = _servers.pop(cloud, None)
    if server is not None:
        server.stop()
