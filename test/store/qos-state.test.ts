// QoS state across a SIGKILL of the binary (lmdb store), byte for byte with a raw client: an outbound
// PUBLISH left unacknowledged is resent with DUP and its packet id, an outbound QoS 2 flow past PUBREC
// resumes with PUBREL, and an inbound QoS 2 packet id awaiting PUBREL is remembered (not delivered twice).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { connectBytes, publishBytes, subscribeBytes } from "../helpers/packets.ts";
import { RawClient } from "../helpers/raw-client.ts";
import { startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const root = mkdtempSync(join(tmpdir(), "quarkmq-qos-state-"));
const raws: RawClient[] = [];
const processes: QuarkmqProcess[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  for (const broker of processes.splice(0)) await broker.stop("SIGKILL");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function start(dataDir: string): Promise<number> {
  const { broker, port } = await startQuarkmq(["--port", "0", "--data-dir", dataDir]);
  processes.push(broker);
  return port;
}

/** A 3.1.1 client with a session that never expires (clean session 0); checks CONNACK's session present. */
async function persistent(port: number, clientId: string, sessionPresent: boolean): Promise<RawClient> {
  const raw = await RawClient.open(port);
  raws.push(raw);
  raw.send(connectBytes({ clientId, cleanStart: false }));
  expect([...await raw.packet()]).toEqual([0x20, 2, sessionPresent ? 1 : 0, 0]);
  return raw;
}

const ack = (type: number, packetId: number) => [type, 2, packetId >> 8, packetId & 0xff];
const crash = async () => { await processes.pop()!.stop("SIGKILL"); };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300)); // the commit of what was just written

describe("QoS state in the lmdb store across SIGKILL", () => {
  it("[MQTT-4.4.0-1] an unacknowledged QoS 1 PUBLISH is resent with DUP and the same packet id; a QoS 2 flow past PUBREC resumes with PUBREL", async () => {
    const dir = join(root, "outbound");
    let port = await start(dir);
    let sub = await persistent(port, "sub", false);
    sub.send(subscribeBytes(4, 1, "q/#", 2));
    expect([...await sub.packet()]).toEqual([0x90, 3, 0, 1, 2]);
    const pub = await persistent(port, "pub", false);
    pub.send(publishBytes(4, "q/1", "one", 1, 7));
    expect([...await pub.packet()]).toEqual(ack(0x40, 7));
    const first = await sub.packet();
    expect([...first]).toEqual([...publishBytes(4, "q/1", "one", 1, first.readUInt16BE(7))]);
    pub.send(publishBytes(4, "q/2", "two", 2, 8));
    expect([...await pub.packet()]).toEqual(ack(0x50, 8));
    pub.send(ack(0x62, 8));
    expect([...await pub.packet()]).toEqual(ack(0x70, 8));
    const second = await sub.packet();
    const qos2Id = second.readUInt16BE(7);
    sub.send(ack(0x50, qos2Id)); // PUBREC
    expect([...await sub.packet()]).toEqual(ack(0x62, qos2Id)); // PUBREL
    await settle();
    await crash();
    port = await start(dir);
    sub = await persistent(port, "sub", true);
    const resent = [await sub.packet(), await sub.packet()].map((b) => [...b]);
    expect(resent).toEqual(expect.arrayContaining([
      [...publishBytes(4, "q/1", "one", 1, first.readUInt16BE(7), [], 0x08)], // DUP set [MQTT-3.3.1-1]
      ack(0x62, qos2Id),
    ]));
  }, 60_000);

  it("[MQTT-4.3.3-10] an inbound QoS 2 packet id awaiting PUBREL survives: the resent PUBLISH is acknowledged, not delivered again", async () => {
    const dir = join(root, "inbound");
    let port = await start(dir);
    let sub = await persistent(port, "watch", false);
    sub.send(subscribeBytes(4, 1, "x/#", 2));
    await sub.packet();
    let pub = await persistent(port, "sender", false);
    pub.send(publishBytes(4, "x/1", "once", 2, 42));
    expect([...await pub.packet()]).toEqual(ack(0x50, 42)); // PUBREC: the id is stored
    const delivered = await sub.packet();
    sub.send(ack(0x50, delivered.readUInt16BE(7)));
    await sub.packet(); // PUBREL
    sub.send(ack(0x70, delivered.readUInt16BE(7))); // PUBCOMP: the subscriber has it, once
    await settle();
    await crash();
    port = await start(dir);
    sub = await persistent(port, "watch", true);
    pub = await persistent(port, "sender", true);
    pub.send(publishBytes(4, "x/1", "once", 2, 42, [], 0x08));
    expect([...await pub.packet()]).toEqual(ack(0x50, 42));
    pub.send(ack(0x62, 42));
    expect([...await pub.packet()]).toEqual(ack(0x70, 42));
    await expect(sub.packet(500)).rejects.toThrow();
  }, 60_000);
});
