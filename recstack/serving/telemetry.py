"""The service's Prometheus metrics, in a registry of its own (one per app, so that tests
and several apps in one process do not share counters).

=================================== ======================================================
metric                              meaning
=================================== ======================================================
``recstack_requests_total``         requests by ``endpoint`` (route template), ``method``
                                    and ``status``
``recstack_request_seconds``        latency histogram by ``endpoint``
``recstack_stage_seconds``          latency histogram by pipeline ``stage`` (retrieval,
                                    ranking, re-ranking) and ``name``
``recstack_model_version``          the version each ``variant`` serves (gauge, with
                                    ``model``)
``recstack_reloads_total``          reloads by ``outcome`` (ok, failed)
``recstack_reload_failing``         1 while the last reload failed (the previous version
                                    is still served): alert on it
``recstack_store_fallback_total``   reads served from the model's vectors because the
                                    embedding store could not be reached, or holds
                                    vectors of another model (``/health``'s
                                    ``store_error`` says which): alert on its rate
``recstack_fallback_total``         lists not from the model, by ``reason``
``recstack_log_failures_total``     log files that could not be written
``recstack_log_dropped_rows_total`` unwritten log rows dropped, oldest first, over the
                                    cap kept while files cannot be written, by ``log``
                                    (requests, events): rows lost for good
=================================== ======================================================

With several worker processes each has its own counters; scrape each (or run one worker
per port behind the load balancer, as ``deploy/`` shows).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["ServiceMetrics"]

#: request latencies from a quarter of a millisecond to two seconds
_BUCKETS = (0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05,
            0.1, 0.25, 0.5, 1.0, 2.0)


class ServiceMetrics:
    """The metrics of one app (see the module docstring)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("recstack_requests", "HTTP requests served",
                                ["endpoint", "method", "status"], registry=r)
        self.latency = Histogram("recstack_request_seconds", "request latency",
                                 ["endpoint"], buckets=_BUCKETS, registry=r)
        self.stage = Histogram("recstack_stage_seconds", "latency of each pipeline stage",
                               ["stage", "name"], buckets=_BUCKETS, registry=r)
        self.model_version = Gauge("recstack_model_version", "model version served",
                                   ["variant", "model"], registry=r)
        self.reloads = Counter("recstack_reloads", "model reloads", ["outcome"], registry=r)
        self.reload_failing = Gauge("recstack_reload_failing",
                                    "1 while the last reload failed (previous version served)",
                                    registry=r)
        self.store_fallback = Counter("recstack_store_fallback",
                                      "user vectors served from the model because the "
                                      "embedding store was unreachable or held another "
                                      "model's vectors", registry=r)
        self.fallback = Counter("recstack_fallback", "lists not from the model",
                                ["reason"], registry=r)
        self.log_failures = Counter("recstack_log_failures", "log files not written",
                                    registry=r)
        self.log_dropped_rows = Counter("recstack_log_dropped_rows",
                                        "unwritten log rows dropped over the cap kept "
                                        "while files cannot be written", ["log"],
                                        registry=r)

        # labelled children looked up once: labels() takes a lock and builds a key
        self._children: dict[tuple[Any, ...], Any] = {}

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, cached (the request path calls it per request)."""
        key = (id(metric), *labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def render(self) -> bytes:
        return generate_latest(self.registry)
