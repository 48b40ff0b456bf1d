// Well-formed but adversarial packet sequences for a stateful fuzz of the live broker: every packet a
// client may send, with field values drawn from edge cases (unknown packet ids, bad topic aliases,
// shared-subscription oddities, forbidden properties, reserved option bits, a second CONNECT).
import { packet as packetBytes, props, str, u16, u32, varint, type Bytes } from "./packets.ts";
import type { Prng } from "./mutate.ts";

const packet = (first: number, ...fields: Bytes[]): number[] => [...packetBytes(first, ...fields)];

const TOPICS = ["a", "a/b", "a/b/c", "/", "a//b", "\u00e9/\u{1F600}", "x".repeat(300)];
const BAD_TOPICS = ["$SYS/x", "", "a/+", "#"];
const FILTERS = ["a", "a/#", "+/b", "#", "+", "$share/g/a", "$share/g/#", "$SYS/#", "/+/"];
const BAD_FILTERS = ["$share//a", "$share/g", "a/#/b", "a+", ""];

/** Mostly a good value, sometimes (15%) a bad one. */
const choose = <T>(rng: Prng, good: readonly T[], bad: readonly T[]): T => rng.next() < 0.85 ? rng.pick(good) : rng.pick(bad);

function property(rng: Prng, forSubscribe: boolean): number[] {
  if (rng.next() < 0.7) return [0x26, ...str("k"), ...str("v")];
  switch (rng.int(forSubscribe ? 3 : 9)) {
    case 0: return [0x26, ...str("k"), ...str("v")]; // user property
    case 1: return [0x0b, ...varint(rng.pick([0, 1, 268_435_455]))]; // subscription identifier (forbidden on PUBLISH from a client)
    case 2: return [0x1f, ...str("why")]; // reason string (not allowed in SUBSCRIBE)
    case 3: return [0x23, ...u16(rng.pick([0, 1, 2, 3, 65_535]))]; // topic alias
    case 4: return [0x02, ...u32(rng.pick([0, 1, 0xffffffff]))]; // message expiry interval
    case 5: return [0x01, rng.int(3)]; // payload format indicator (2 is invalid)
    case 6: return [0x08, ...str(rng.pick(["r/t", "r/#", ""]))]; // response topic (a wildcard is invalid)
    case 7: return [0x09, ...str("corr")]; // correlation data
    default: return [0x03, ...str("text/plain")]; // content type
  }
}

function properties(rng: Prng, level: number, forSubscribe = false): number[] {
  if (level !== 5) return [];
  const list: number[][] = [];
  for (let n = rng.int(3); n > 0; n--) list.push(property(rng, forSubscribe));
  return [...props(...list)];
}

const packetId = (rng: Prng) => u16(choose(rng, [1, 2, 3, 65_535], [0]));

/** One well-formed (at the framing level) packet a client could send at `level`. */
export function protocolPacket(rng: Prng, level: number, clientId: string): number[] {
  switch (rng.next() < 0.9 ? rng.int(10) : 10 + rng.int(2)) {
    case 0: case 1: case 2: {
      const qos = choose(rng, [0, 1, 2], [3]);
      const flags = (qos << 1) | (rng.next() < 0.2 ? 1 : 0) | (rng.next() < 0.2 ? 8 : 0);
      const payload = rng.next() < 0.2 ? [0xff, 0xfe] : [...Buffer.from("p")];
      return packet(0x30 | flags, str(choose(rng, TOPICS, BAD_TOPICS)), qos > 0 ? packetId(rng) : [], properties(rng, level), payload);
    }
    case 3: case 4: {
      const items: number[][] = [];
      for (let n = 1 + rng.int(3); n > 0; n--) items.push([...str(choose(rng, FILTERS, BAD_FILTERS)), choose(rng, [0, 1, 2, 4, 8, 0x10, 0x20], [3, 0x30, 0x40, 0xc0])]);
      return packet(choose(rng, [0x82], [0x80]), packetId(rng), properties(rng, level, true), ...items);
    }
    case 5: return packet(0xa2, packetId(rng), properties(rng, level, true), str(choose(rng, FILTERS, BAD_FILTERS)));
    case 6: return packet(rng.pick([0x40, 0x50, 0x62, 0x70, 0x60]), packetId(rng), level === 5 ? [rng.pick([0, 0x10, 0x80, 0x92, 0x97])] : []);
    case 7: case 8: return [0xc0, 0];
    case 9: return packet(0x30 | 2, str("a/b"), u16(rng.int(4) + 1), properties(rng, level), [...Buffer.from("dup")]); // QoS 2 ids reused
    // rarer (10%): DISCONNECT (v5 with a reason code and maybe a session expiry change), AUTH, a second CONNECT
    case 10: return level === 5 ? packet(0xe0, [rng.pick([0, 4, 0x80, 0x8e])], props(...(rng.next() < 0.5 ? [[0x11, ...u32(rng.pick([0, 10]))]] : []))) : [0xe0, 0];
    case 11: return rng.next() < 0.5 ? packet(0xf0, [rng.pick([0, 0x18, 0x19])], properties(rng, level)) : packet(0x10, str("MQTT"), [level], [0x02], u16(10), level === 5 ? props() : [], str(clientId));
    default: throw new Error("unreachable");
  }
}
