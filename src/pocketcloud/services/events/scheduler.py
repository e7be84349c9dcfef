"""Scheduled rules fire on the cloud clock: a background job sends AWS's "Scheduled Event".

Each tick takes the enabled rules whose next firing is due, queues one event per rule to its
targets (durably, with the rule's next firing, in one transaction), and moves the rule on to
its first firing after now: like AWS, missed firings are not replayed one by one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pocketcloud.services.events import outbox
from pocketcloud.services.events.put_events import Router, new_event
from pocketcloud.services.events.schedules import next_fire_s, parse_schedule

log = logging.getLogger("pocketcloud.events.scheduler")

JOB_NAME = "events-schedules"
TICK_S = 1.0
RULES_PER_TICK_MAX = 500  # bounds one tick's work; the rest fire on the next tick


def fire_due(cloud: Any) -> int:
    """Fire every due scheduled rule once; returns how many fired."""
    now = cloud.clock.now()
    fired = 0
    with outbox.store(cloud).write() as tx:
        rows = tx.fetchall(
            "SELECT account_id, region, bus, name, config, next_fire FROM events_rules WHERE "
            "next_fire IS NOT NULL AND next_fire <= ? AND enabled = 1 ORDER BY next_fire "
            "LIMIT ?", (now, RULES_PER_TICK_MAX))
        router = Router(tx, cloud)
        for account_id, region, bus, name, config_text, due in rows:
            config = json.loads(config_text)
            event = new_event(cloud, account_id, region, "aws.events", "Scheduled Event", {},
                              [config["Arn"]], due)
            router.to_targets(account_id, region, bus, name, config["Arn"], event)
            schedule = parse_schedule(config["ScheduleExpression"])
            anchor = config.get("ScheduleAnchor", due)
            tx.execute("UPDATE events_rules SET next_fire = ? WHERE account_id = ? AND "
                       "region = ? AND bus = ? AND name = ?",
                       (next_fire_s(schedule, now, anchor), account_id, region, bus, name))
            fired += 1
        router.commit()
    return fired


def tick(cloud: Any) -> None:
    if fire_due(cloud):
        outbox.wake(cloud)  # the outbox job delivers (it runs after this one on a clock move)
