// Malformed and protocol-violating packets: each gives one error record carrying -reasonCode, never a trap.
// Test names cite the normative statement the case breaks.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../helpers/codec.ts";
import { R_ERROR, R_TYPE } from "../../host/core/layout.ts";
import { packet, str, u16, u32, props, utf8, type Bytes } from "../helpers/packets.ts";

const codec = new Codec(new Core());
const MALFORMED = -0x81, PROTOCOL = -0x82, VERSION = -0x84, FILTER = -0x8f, NAME = -0x90, TOO_LARGE = -0x95;

function errorOf(bytes: Bytes, level: number, maxPacketSize = 0): number {
  const buffer = Buffer.from(bytes);
  const count = codec.frame(buffer, buffer.length, level, maxPacketSize);
  expect(count).toBe(1);
  return codec.word(0, R_ERROR);
}

const connect = (level: number, flags: number, ...rest: Bytes[]) =>
  packet(0x10, str(level === 3 ? "MQIsdp" : "MQTT"), [level], [flags], u16(10), ...(level === 5 ? [props()] : []), str("c"), ...rest);
const subscribe = (level: number, ...items: Bytes[]) => packet(0x82, u16(1), ...(level === 5 ? [props()] : []), ...items);
const publish5 = (topic: Bytes, ...p: Bytes[]) => packet(0x30, topic, props(...p), utf8("x"));

type Case = [name: string, level: number, bytes: Bytes, code: number];

const cases: Case[] = [
  // variable byte integers
  ["v5 [MQTT-1.5.5-1] remaining length of more than four bytes", 5, [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], MALFORMED],
  ["v5 [MQTT-1.5.5-1] remaining length not minimally encoded", 5, [0xc0, 0x80, 0x00], MALFORMED],
  ["v5 [MQTT-1.5.5-1] property length not minimally encoded", 5, [0x30, 0x07, 0x00, 0x01, 0x74, 0x80, 0x00, 0x78, 0x78], MALFORMED],
  ["v5 [MQTT-1.5.5-1] subscription identifier not minimally encoded", 5, publish5(str("t"), [0x0b, 0x81, 0x00]), MALFORMED],
  // UTF-8
  ["[MQTT-1.5.4-1] topic name with an invalid UTF-8 byte", 5, packet(0x30, [0, 2, 0x61, 0xff], props()), MALFORMED],
  ["v3.1.1 [MQTT-1.5.3-1] topic name with a truncated sequence", 4, packet(0x30, [0, 2, 0x61, 0xe2]), MALFORMED],
  ["v3.1.1 [MQTT-1.5.3-1] topic name with an overlong encoding", 4, packet(0x30, [0, 3, 0x61, 0xc0, 0xaf]), MALFORMED],
  ["[MQTT-1.5.4-1] topic name with a UTF-16 surrogate (U+D800)", 5, packet(0x30, [0, 3, 0xed, 0xa0, 0x80], props()), MALFORMED],
  ["v3.1.1 [MQTT-1.5.3-1] code point above U+10FFFF", 4, packet(0x30, [0, 4, 0xf4, 0x90, 0x80, 0x80]), MALFORMED],
  ["[MQTT-1.5.4-2] topic name with U+0000", 5, packet(0x30, [0, 3, 0x61, 0x00, 0x62], props()), MALFORMED],
  ["v3.1.1 [MQTT-1.5.3-2] client id with U+0000", 4, packet(0x10, str("MQTT"), [4], [2], u16(0), [0, 1, 0]), MALFORMED],
  ["[MQTT-1.5.4-2] user property with U+0000", 5, publish5(str("t"), [0x26], str("k"), [0, 1, 0]), MALFORMED],
  ["v3.1.1 [MQTT-1.5.3-1] username with a surrogate", 4, connect(4, 0x82, [0, 3, 0xed, 0xbf, 0xbf]), MALFORMED],
  // reserved flag bits of the fixed header
  ["v5 [MQTT-2.1.3-1] [MQTT-3.6.1-1] PUBREL with flags 0000", 5, packet(0x60, u16(1)), MALFORMED],
  ["v3.1.1 [MQTT-2.2.2-2] [MQTT-3.8.1-1] SUBSCRIBE with flags 0000", 4, packet(0x80, u16(1), str("a"), [0]), MALFORMED],
  ["v3.1.1 [MQTT-2.2.2-2] [MQTT-3.10.1-1] UNSUBSCRIBE with flags 0011", 4, packet(0xa3, u16(1), str("a")), MALFORMED],
  ["v5 [MQTT-2.1.3-1] PUBACK with flags 0001", 5, packet(0x41, u16(1)), MALFORMED],
  ["v5 [MQTT-2.1.3-1] PINGREQ with flags 1000", 5, [0xc8, 0x00], MALFORMED],
  ["v5 [MQTT-2.1.3-1] CONNECT with flags 0010", 0, [0x12, ...connect(5, 2).slice(1)], MALFORMED],
  ["v5 reserved control packet type 0", 5, [0x00, 0x00], MALFORMED],
  // QoS and packet identifiers
  ["[MQTT-3.3.1-4] PUBLISH with both QoS bits set", 4, packet(0x36, str("t"), u16(1)), MALFORMED],
  ["v3.1.1 [MQTT-3.3.1-2] PUBLISH QoS 0 with DUP set", 4, packet(0x38, str("t")), MALFORMED],
  ["v5 [MQTT-3.3.1-2] PUBLISH QoS 0 with DUP set", 5, packet(0x38, str("t"), props()), MALFORMED],
  ["v5 [MQTT-2.2.1-3] PUBLISH QoS 1 with packet id 0", 5, packet(0x32, str("t"), u16(0), props()), PROTOCOL],
  ["v3.1.1 [MQTT-2.3.1-1] SUBSCRIBE with packet id 0", 4, packet(0x82, u16(0), str("a"), [0]), PROTOCOL],
  ["v3.1.1 [MQTT-2.3.1-1] UNSUBSCRIBE with packet id 0", 4, packet(0xa2, u16(0), str("a")), PROTOCOL],
  ["v5 [MQTT-2.2.1-3] PUBACK with packet id 0", 5, packet(0x40, u16(0)), PROTOCOL],
  // topic names
  ["v5 [MQTT-3.3.2-2] [MQTT-4.7.0-1] PUBLISH topic name with '+'", 5, publish5(str("a/+")), NAME],
  ["v3.1.1 [MQTT-3.3.2-2] [MQTT-4.7.1-1] PUBLISH topic name with '#'", 4, packet(0x30, str("a/#")), NAME],
  ["v3.1.1 [MQTT-4.7.3-1] PUBLISH with an empty topic name", 4, packet(0x30, str(""), utf8("x")), NAME],
  ["v5 PUBLISH with an empty topic name and no topic alias is a Protocol Error (3.3.2.3.4)", 5, publish5(str("")), PROTOCOL],
  ["v5 [MQTT-4.7.0-1] will topic with a wildcard", 0, connect(5, 0x04, props(), str("w/#"), str("p")), NAME],
  // topic filters
  ["v5 [MQTT-4.7.1-1] filter 'a/b#'", 5, subscribe(5, str("a/b#"), [0]), FILTER],
  ["v5 [MQTT-4.7.1-1] filter 'a/#/b'", 5, subscribe(5, str("a/#/b"), [0]), FILTER],
  ["v5 [MQTT-4.7.1-2] filter '+a'", 5, subscribe(5, str("+a"), [0]), FILTER],
  ["v3.1.1 [MQTT-4.7.1-3] filter 'a/b+'", 4, subscribe(4, str("a/b+"), [0]), FILTER],
  ["v3.1.1 [MQTT-4.7.1-2] filter '#/a'", 4, subscribe(4, str("#/a"), [0]), FILTER],
  ["[MQTT-4.7.3-1] empty topic filter", 4, subscribe(4, str(""), [0]), FILTER],
  ["v3.1.1 [MQTT-4.7.3-1] empty topic filter in UNSUBSCRIBE", 4, packet(0xa2, u16(1), str("")), FILTER],
  ["v5 shared subscription without a ShareName (4.8.2)", 5, subscribe(5, str("$share//a"), [0]), FILTER],
  ["v5 shared subscription without a filter (4.8.2)", 5, subscribe(5, str("$share/g"), [0]), FILTER],
  ["v5 shared subscription ShareName with a wildcard (4.8.2)", 5, subscribe(5, str("$share/g+/a"), [0]), FILTER],
  // properties
  ["v5 property length beyond the packet is malformed (2.2.2.1)", 5, packet(0x30, str("t"), [0x09, 0x01, 0x01]), MALFORMED],
  ["v5 duplicate Message Expiry Interval is a Protocol Error (3.3.2.3.3)", 5, publish5(str("t"), [0x02], u32(1), [0x02], u32(2)), PROTOCOL],
  ["v5 duplicate Session Expiry Interval in CONNECT is a Protocol Error (3.1.2.11.2)", 0,
    packet(0x10, str("MQTT"), [5], [2], u16(0), props([0x11], u32(1), [0x11], u32(1)), str("c")), PROTOCOL],
  ["v5 duplicate Subscription Identifier in SUBSCRIBE is a Protocol Error (3.8.2.1.2)", 5,
    packet(0x82, u16(1), props([0x0b, 1], [0x0b, 2]), str("a"), [0]), PROTOCOL],
  ["v5 Session Expiry Interval is not allowed in PUBLISH: malformed (2.2.2.2)", 5, publish5(str("t"), [0x11], u32(1)), MALFORMED],
  ["v5 Topic Alias is not allowed in CONNECT: malformed (2.2.2.2)", 0,
    packet(0x10, str("MQTT"), [5], [2], u16(0), props([0x23], u16(1)), str("c")), MALFORMED],
  ["v5 Will Delay Interval is not allowed in PUBLISH: malformed (2.2.2.2)", 5, publish5(str("t"), [0x18], u32(1)), MALFORMED],
  ["v5 unknown property identifier 0x05: malformed (2.2.2.2)", 5, publish5(str("t"), [0x05, 0]), MALFORMED],
  ["v5 Reason String not allowed in SUBSCRIBE: malformed (2.2.2.2)", 5, packet(0x82, u16(1), props([0x1f], str("r")), str("a"), [0]), MALFORMED],
  ["v5 Payload Format Indicator of 2 is a Protocol Error", 5, publish5(str("t"), [0x01, 2]), PROTOCOL],
  ["v5 Topic Alias 0 is a Protocol Error (3.3.2.3.4)", 5, publish5(str("t"), [0x23], u16(0)), PROTOCOL],
  ["v5 Receive Maximum 0 is a Protocol Error (3.1.2.11.3)", 0,
    packet(0x10, str("MQTT"), [5], [2], u16(0), props([0x21], u16(0)), str("c")), PROTOCOL],
  ["v5 property value cut short by the property length", 5, packet(0x30, str("t"), [0x03, 0x02, 0x00, 0x00], utf8("xx")), MALFORMED],
  // SUBSCRIBE / UNSUBSCRIBE payloads
  ["v5 [MQTT-3.8.3-2] SUBSCRIBE with no topic filter", 5, subscribe(5), PROTOCOL],
  ["v3.1.1 [MQTT-3.8.3-3] SUBSCRIBE with no topic filter", 4, subscribe(4), MALFORMED],
  ["v5 [MQTT-3.10.3-2] UNSUBSCRIBE with no topic filter", 5, packet(0xa2, u16(1), props()), PROTOCOL],
  ["v5 [MQTT-3.8.3-5] subscription options with reserved bits set", 5, subscribe(5, str("a"), [0x40]), MALFORMED],
  ["v5 [MQTT-3.8.3-5] subscription options with a reserved bit set", 5, subscribe(5, str("a"), [0x80]), MALFORMED],
  ["v5 subscription options with retain handling 3: a Protocol Error (3.8.3.1)", 5, subscribe(5, str("a"), [0x30]), PROTOCOL],
  ["v5 subscription options with QoS 3: a Protocol Error (3.8.3.1)", 5, subscribe(5, str("a"), [0x03]), PROTOCOL],
  ["v3.1.1 [MQTT-3.8.3-4] requested QoS byte with reserved bits set", 4, subscribe(4, str("a"), [0x04]), MALFORMED],
  ["v3.1.1 [MQTT-3.8.3-4] requested QoS 3", 4, subscribe(4, str("a"), [0x03]), MALFORMED],
  ["v5 [MQTT-3.8.3-4] No Local on a shared subscription", 5, subscribe(5, str("$share/g/a"), [0x04]), PROTOCOL],
  ["v5 SUBSCRIBE filter without its options byte", 5, subscribe(5, str("a")), MALFORMED],
  // CONNECT
  ["v5 [MQTT-3.1.2-3] CONNECT reserved flag set", 0, connect(5, 0x03), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-3] CONNECT reserved flag set", 0, connect(4, 0x01), MALFORMED],
  ["v5 [MQTT-3.1.2-11] will QoS without the will flag", 0, connect(5, 0x08), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-13] will QoS without the will flag", 0, connect(4, 0x10), MALFORMED],
  ["v5 [MQTT-3.1.2-13] will retain without the will flag", 0, connect(5, 0x20), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-15] will retain without the will flag", 0, connect(4, 0x20), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-14] will QoS 3", 0, connect(4, 0x1c, str("w"), str("p")), MALFORMED],
  ["v5 [MQTT-3.1.2-12] will QoS 3", 0, connect(5, 0x1c, props(), str("w"), str("p")), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-2] the name MQIsdp with level 4 is unsupported", 0, packet(0x10, str("MQIsdp"), [4], [2], u16(0), str("c")), VERSION],
  ["v3.1.1 [MQTT-3.1.2-22] password without username", 0, connect(4, 0x42, str("p")), MALFORMED],
  ["v3.1.1 [MQTT-3.1.2-2] unsupported protocol level 6 gives 0x84 (return code 1)", 0, packet(0x10, str("MQTT"), [6], [2], u16(0), str("c")), VERSION],
  ["v5 [MQTT-3.1.2-2] protocol level 3 with the name MQTT is unsupported", 0, packet(0x10, str("MQTT"), [3], [2], u16(0), str("c")), VERSION],
  ["v5 [MQTT-3.1.2-1] unknown protocol name", 0, packet(0x10, str("MQTX"), [5], [2], u16(0), str("c")), VERSION],
  ["v5 CONNECT payload missing the will payload", 0, connect(5, 0x04, props(), str("w")), MALFORMED],
  ["v3.1.1 CONNECT with bytes after the payload", 0, connect(4, 0x02, [0x00]), MALFORMED],
  ["v3.1.1 CONNECT cut inside the protocol name", 0, [0x10, 0x03, 0x00, 0x04, 0x4d], MALFORMED],
  // lengths and other packets
  ["v5 PUBACK with bytes after the property section", 5, packet(0x40, u16(1), [0], props(), [7]), MALFORMED],
  ["v3.1.1 PUBACK with a reason code (3.1.1 has none)", 4, packet(0x40, u16(1), [0]), MALFORMED],
  ["v3.1.1 PINGREQ with a body", 4, packet(0xc0, [0]), MALFORMED],
  ["v3.1.1 DISCONNECT with a body", 4, packet(0xe0, [0]), MALFORMED],
  ["v3.1.1 AUTH does not exist before v5", 4, [0xf0, 0x00], MALFORMED],
  ["v5 CONNACK with reserved acknowledge flags: [MQTT-3.2.2-1]", 5, packet(0x20, [0x02], [0], props()), MALFORMED],
];

describe("codec: malformed packets", () => {
  for (const [name, level, bytes, code] of cases) {
    it(name, () => {
      expect(errorOf(bytes, level)).toBe(code);
      expect(codec.word(0, R_TYPE)).toBe(bytes[0]! >> 4);
    });
  }

  it("v5 maximum packet size: a PUBLISH longer than the limit is refused from its fixed header alone", () => {
    const header = Buffer.from([0x30, 0xff, 0xff, 0x03]); // remaining length 65535, no body yet
    const count = codec.frame(header, header.length, 5, 1024);
    expect(count).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(TOO_LARGE);
    expect(codec.needLength).toBe(0);
  });

  it("framing stops after an error record: the next packet is not framed", () => {
    const bytes = Buffer.from([...packet(0x36, str("t"), u16(1)), 0xc0, 0x00]);
    expect(codec.frame(bytes, bytes.length, 4, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(MALFORMED);
  });
});
