// One raw MQTT 3.1.1 connection of the load generator: connect, subscribe, and per-packet callbacks;
// QoS acknowledgements it owes are collected during a read and written once at its end.
import net from "node:net";
import { openSocket } from "./transports.ts";
import { ack, connect, CONNACK, Framer, PUBACK, PUBCOMP, PUBREC, PUBREL, SUBACK, subscribe } from "./mqtt-wire.ts";
import type { FrameHandler } from "./mqtt-wire.ts";

export type OnPublish = (chunk: Buffer, flags: number, topicStart: number, topicEnd: number, payloadStart: number, payloadEnd: number) => void;
export type OnAck = (type: number, packetId: number) => void;

export class LoadClient implements FrameHandler {
  readonly socket: net.Socket;
  onPublish: OnPublish = () => {};
  onAck: OnAck = () => {};
  onError: (message: string) => void = () => {};
  private readonly framer = new Framer(this);
  private owed: Buffer[] = [];
  private waiting: { type: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private closing = false;

  constructor(port: number) {
    this.socket = openSocket(port);
    this.socket.on("data", (data: Buffer) => {
      this.framer.push(data);
      if (this.owed.length) {
        this.socket.write(this.owed.length === 1 ? this.owed[0] : Buffer.concat(this.owed));
        this.owed = [];
      }
    });
    this.socket.on("error", (e) => this.fail(`socket error: ${e.message}`));
    this.socket.on("close", () => this.fail("connection closed by the broker"));
  }

  private fail(message: string): void {
    if (this.closing) return;
    this.closing = true;
    if (this.waiting) this.waiting.reject(new Error(message));
    else this.onError(message);
  }

  private expect(type: number, bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = { type, resolve, reject };
      this.socket.write(bytes);
    });
  }

  connect(clientId: string, cleanSession = true): Promise<void> {
    return this.expect(CONNACK, connect(clientId, cleanSession));
  }

  /** Subscribes in packets of up to 100 filters, one after the other. */
  async subscribe(topicFilters: string[], qos: number): Promise<void> {
    for (let i = 0; i < topicFilters.length; i += 100) {
      await this.expect(SUBACK, subscribe(1 + (i / 100) % 60000, topicFilters.slice(i, i + 100), qos));
    }
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  publish(chunk: Buffer, flags: number, topicStart: number, topicEnd: number, packetId: number, payloadStart: number, payloadEnd: number): void {
    const qos = (flags >> 1) & 3;
    if (qos === 1) this.owed.push(ack(PUBACK, packetId));
    else if (qos === 2) this.owed.push(ack(PUBREC, packetId));
    this.onPublish(chunk, flags, topicStart, topicEnd, payloadStart, payloadEnd);
  }

  control(type: number, chunk: Buffer, bodyStart: number, bodyEnd: number): void {
    if (type === CONNACK || type === SUBACK) {
      const refused = type === CONNACK ? chunk[bodyStart + 1] !== 0 : chunk.subarray(bodyStart + 2, bodyEnd).includes(0x80);
      const w = this.waiting;
      this.waiting = null;
      if (!w || w.type !== type) return this.onError(`unexpected packet type ${type}`);
      if (refused) w.reject(new Error(type === CONNACK ? "CONNECT refused" : "SUBSCRIBE refused"));
      else w.resolve();
      return;
    }
    const packetId = (chunk[bodyStart] << 8) | chunk[bodyStart + 1];
    if (type === PUBREC) this.owed.push(ack(PUBREL, packetId));
    else if (type === PUBREL) this.owed.push(ack(PUBCOMP, packetId));
    if (type === PUBACK || type === PUBCOMP || type === PUBREC) this.onAck(type, packetId);
  }
}
