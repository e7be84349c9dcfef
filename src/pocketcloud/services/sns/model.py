"""Topics and subscriptions: the durable rows and this process's cache of them.

Every change goes through `SnsBook`, which writes the row and refreshes the cache, so Publish
finds a topic and its subscriptions without touching SQLite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pocketcloud.services.sns.filter_policy import parse_policy
from pocketcloud.services.sns.schema import ready_store
from pocketcloud.store import Store

_TOPIC_COLUMNS = "topic_arn, account_id, region, name, attributes, tags, sequence, created_s"
_SUB_COLUMNS = ("subscription_arn, topic_arn, owner, protocol, endpoint, attributes, confirmed, "
                "token, created_s")


@dataclass
class Topic:
    arn: str
    account_id: str
    region: str
    name: str
    attributes: dict[str, str]
    tags: dict[str, str]
    sequence: int
    created_s: float

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoTopic") == "true"

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication") == "true"


@dataclass
class Subscription:
    arn: str
    topic_arn: str
    owner: str
    protocol: str
    endpoint: str
    attributes: dict[str, str]
    confirmed: bool
    token: str | None
    created_s: float
    policy: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        text = self.attributes.get("FilterPolicy")
        self.policy = parse_policy(text, self.filter_scope) if text else {}

    @property
    def filter_scope(self) -> str:
        return self.attributes.get("FilterPolicyScope") or "MessageAttributes"

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery") == "true"


class SnsBook:
    """Topics and subscriptions of one store, cached (the cache is this process's truth)."""

    def __init__(self, store: Store) -> None:
        self.store = ready_store(store)
        self.topics: dict[str, Topic] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.by_topic: dict[str, dict[str, Subscription]] = {}
        self._load()

    def _load(self) -> None:
        with self.store.read() as tx:
            topics = tx.fetchall(f"SELECT {_TOPIC_COLUMNS} FROM sns_topics")
            subs = tx.fetchall(f"SELECT {_SUB_COLUMNS} FROM sns_subscriptions")
        for row in topics:
            topic = Topic(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]),
                          int(row[6]), float(row[7]))
            self.topics[topic.arn] = topic
            self.by_topic[topic.arn] = {}
        for row in subs:
            sub = Subscription(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]),
                               bool(row[6]), row[7], float(row[8]))
            self._cache_subscription(sub)

    def _cache_subscription(self, sub: Subscription) -> None:
        self.subscriptions[sub.arn] = sub
        self.by_topic.setdefault(sub.topic_arn, {})[sub.arn] = sub

    # -- topics -------------------------------------------------------------------------------

    def topics_in(self, account_id: str, region: str) -> list[Topic]:
        return sorted((t for t in self.topics.values()
                       if t.account_id == account_id and t.region == region),
                      key=lambda t: t.arn)

    def create_topic(self, topic: Topic) -> None:
        with self.store.write() as tx:
            tx.execute(f"INSERT INTO sns_topics ({_TOPIC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (topic.arn, topic.account_id, topic.region, topic.name,
                        json.dumps(topic.attributes), json.dumps(topic.tags), topic.sequence,
                        topic.created_s))
        self.topics[topic.arn] = topic
        self.by_topic.setdefault(topic.arn, {})

    def save_topic(self, topic: Topic) -> None:
        with self.store.write() as tx:
            tx.execute("UPDATE sns_topics SET attributes = ?, tags = ? WHERE topic_arn = ?",
                       (json.dumps(topic.attributes), json.dumps(topic.tags), topic.arn))

    def delete_topic(self, topic: Topic) -> None:
        """The topic and its subscriptions go, and with them deliveries not yet made."""
        with self.store.write() as tx:
            tx.execute("DELETE FROM sns_subscriptions WHERE topic_arn = ?", (topic.arn,))
            tx.execute("DELETE FROM sns_deduplication WHERE topic_arn = ?", (topic.arn,))
            tx.execute("DELETE FROM sns_topics WHERE topic_arn = ?", (topic.arn,))
        self.topics.pop(topic.arn, None)
        for arn in self.by_topic.pop(topic.arn, {}):
            self.subscriptions.pop(arn, None)

    # -- subscriptions ------------------------------------------------------------------------

    def add_subscription(self, sub: Subscription) -> None:
        with self.store.write() as tx:
            tx.execute(f"INSERT INTO sns_subscriptions ({_SUB_COLUMNS}) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (sub.arn, sub.topic_arn, sub.owner, sub.protocol, sub.endpoint,
                        json.dumps(sub.attributes), int(sub.confirmed), sub.token,
                        sub.created_s))
        self._cache_subscription(sub)

    def save_subscription(self, sub: Subscription) -> None:
        with self.store.write() as tx:
            tx.execute("UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ? "
                       "WHERE subscription_arn = ?",
                       (json.dumps(sub.attributes), int(sub.confirmed), sub.token, sub.arn))
        sub.refresh()

    def remove_subscription(self, sub: Subscription) -> None:
        with self.store.write() as tx:
            tx.execute("DELETE FROM sns_subscriptions WHERE subscription_arn = ?", (sub.arn,))
        self.subscriptions.pop(sub.arn, None)
        self.by_topic.get(sub.topic_arn, {}).pop(sub.arn, None)

    def subscriptions_of(self, topic_arn: str) -> list[Subscription]:
        return list(self.by_topic.get(topic_arn, {}).values())


_books: dict[int, SnsBook] = {}


def book(store: Store) -> SnsBook:
    found = _books.get(id(store))
    if found is None or found.store is not store:
        found = _books[id(store)] = SnsBook(store)
    return found
