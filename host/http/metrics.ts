// GET /metrics: the broker's state and counters in Prometheus text format, through prom-client with a
// registry per broker. Values are read at scrape time (one pass over sessions, the counters object as is);
// the message path only bumps plain integers. Process memory and event-loop delay: prom-client's defaults.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { counters, LIMITS, totals, type CounterView, type HttpBroker, type Totals } from "./broker-view.ts";
import { allow } from "./request.ts";
import type { Route } from "./server.ts";

const qosLabels = ["0", "1", "2"] as const;

export class BrokerMetrics {
  readonly registry = new Registry();
  /** Taken once per scrape, before prom-client asks each metric for its value. */
  private state: Totals | undefined;
  private count: CounterView | undefined;

  constructor(private readonly broker: HttpBroker) {
    collectDefaultMetrics({ register: this.registry });
    this.gauges();
    this.counters();
  }

  /** The exposition text. */
  async text(): Promise<string> {
    this.state = totals(this.broker);
    this.count = counters(this.broker);
    try {
      return await this.registry.metrics();
    } finally {
      this.state = undefined;
      this.count = undefined;
    }
  }

  route(): Route {
    return async (request) => {
      allow(request, "GET");
      return { status: 200, text: await this.text(), contentType: this.registry.contentType };
    };
  }

  private gauge(name: string, help: string, read: (t: Totals) => number): void {
    const self = this;
    new Gauge({ name, help, registers: [this.registry], collect() { if (self.state) this.set(read(self.state)); } });
  }

  private gauges(): void {
    const self = this;
    new Gauge({
      name: "quarkmq_connections", help: "MQTT clients connected (CONNACK sent), by transport", labelNames: ["transport"], registers: [this.registry],
      collect() {
        if (!self.state) return;
        this.reset();
        for (const [transport, n] of self.state.connectionsByTransport) this.set({ transport }, n);
      },
    });
    new Gauge({
      name: "quarkmq_sessions", help: "Sessions, online (connected) or offline (kept for a disconnected client)", labelNames: ["state"], registers: [this.registry],
      collect() {
        if (!self.state) return;
        this.set({ state: "online" }, self.state.sessionsOnline);
        this.set({ state: "offline" }, self.state.sessionsOffline);
      },
    });
    this.gauge("quarkmq_subscriptions", "Subscriptions in the topic index (shared and in-process ones included)", (t) => t.subscriptions);
    this.gauge("quarkmq_retained_messages", "Retained messages stored", (t) => t.retained);
    this.gauge("quarkmq_inflight_messages", "QoS 1/2 messages sent to clients and not yet acknowledged", (t) => t.inflight);
    this.gauge("quarkmq_queued_messages", "QoS 1/2 messages waiting in session queues (offline or slow clients)", (t) => t.queued);
    this.gauge("quarkmq_queued_bytes", "Payload bytes of the messages waiting in session queues", (t) => t.queuedBytes);
  }

  /** A counter whose value is read from the counters object at scrape time. */
  private counter(name: string, help: string, read: (c: CounterView) => number | readonly number[], label?: string, values?: readonly string[]): void {
    const self = this;
    new Counter({
      name, help, labelNames: label ? [label] : [], registers: [this.registry],
      collect() {
        if (!self.count) return;
        const value = read(self.count);
        this.reset();
        if (typeof value === "number") this.inc(value);
        else values!.forEach((v, i) => this.inc({ [label!]: v }, value[i] ?? 0));
      },
    });
  }

  private counters(): void {
    this.counter("quarkmq_messages_received_total", "PUBLISH messages received from clients and the host service, by QoS", (c) => c.publishReceived, "qos", qosLabels);
    this.counter("quarkmq_messages_sent_total", "PUBLISH messages sent to clients, by QoS", (c) => c.publishSent, "qos", qosLabels);
    this.counter("quarkmq_message_received_bytes_total", "Payload bytes of PUBLISH messages received, by QoS", (c) => c.publishReceivedBytes, "qos", qosLabels);
    this.counter("quarkmq_message_sent_bytes_total", "Payload bytes of PUBLISH messages sent, by QoS", (c) => c.publishSentBytes, "qos", qosLabels);
    this.counter("quarkmq_network_received_bytes_total", "Bytes read from client connections", (c) => c.bytesReceived);
    this.counter("quarkmq_network_sent_bytes_total", "Bytes written to client connections", (c) => c.bytesSent);
    const reasons = ["queue_full", "too_large", "expired", "no_subscribers", "congested", "not_authorized"] as const;
    this.counter("quarkmq_messages_dropped_total",
      "Messages not delivered: queue_full (QoS 1/2 to a session queue at its limit), too_large (over the client's Maximum Packet Size), expired (Message Expiry Interval), no_subscribers (a PUBLISH nobody subscribed to), congested (QoS 0 to a client with more than maxQueuedQoS0Bytes waiting), not_authorized (a PUBLISH the authorizePublish hook refused)",
      (c) => reasons.map((r) => c.dropped[r]), "reason", reasons);
    this.counter("quarkmq_protocol_errors_total", "Connections closed for a protocol violation or malformed packet", (c) => c.protocolErrors);
    this.counter("quarkmq_connections_accepted_total", "Transport connections accepted", (c) => c.socketsAccepted);
    this.counter("quarkmq_clients_connected_total", "CONNECTs accepted (CONNACK 0)", (c) => c.connectsAccepted);
    this.counter("quarkmq_limits_hit_total",
      "Refusals and limits hit: connections / connections_per_address (sockets over maxConnections*), login_failures, client_id_length, subscriptions, topic_levels, publish_rate_slowed, publish_rate_disconnects (0x96), partial_packet_timeouts, acl_publish / acl_subscribe / acl_delivery / acl_will (the ACL file), transport_refused (PROXY header, TLS handshake, WebSocket upgrade), packet_too_large (over a client's Maximum Packet Size), queue_overflow_disconnects (0x97, queueOverflow: disconnect)",
      (c) => c.limits, "limit", LIMITS);
  }
}
