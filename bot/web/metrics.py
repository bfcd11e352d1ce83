"""`GET /metrics` in Prometheus' text format: the counters the adapters keep (messages in and
out by channel, classification latency, outbox retries) and, read at each scrape, the queue
depths and the open tickets past their first-response deadline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import prometheus_client
from aiohttp import web

from bot.core.sla import SlaPolicy
from bot.storage.queries import Queries

QUEUE_DEPTH = prometheus_client.Gauge(
    "polres_queue_depth", "Messages waiting: inbox (not processed), outbox (not sent)", ["queue"]
)
SLA_BREACHES = prometheus_client.Gauge(
    "polres_sla_breaches", "Open tickets past their first-response deadline, by category",
    ["category"],
)  # fmt: skip


class MetricsPage:
    def __init__(self, queries: Queries, sla: SlaPolicy) -> None:
        self.queries = queries
        self.sla = sla

    def routes(self) -> Sequence[web.RouteDef]:
        return [web.get("/metrics", self.metrics)]

    async def metrics(self, request: web.Request) -> web.Response:
        for queue, depth in (await self.queries.queue_depths()).items():
            QUEUE_DEPTH.labels(queue).set(depth)
        now = datetime.now(UTC)
        late = Counter(
            ticket.category.value
            for ticket in await self.queries.unanswered_tickets()
            if self.sla.due(ticket.category, ticket.urgent, ticket.created_at) < now
        )
        for category in ("question", "crime_report", "feedback", "other"):
            SLA_BREACHES.labels(category).set(late[category])
        return web.Response(
            body=prometheus_client.generate_latest(),
            headers={"Content-Type": prometheus_client.CONTENT_TYPE_LATEST},
        )
