// Encoder edges beyond the fixture table: many properties, multi-byte lengths, v3.1.1 ignoring properties,
// the CONNECT level after an unsupported version, and arguments that cannot be encoded.
import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { Codec } from "../helpers/codec.ts";
import { R_ERROR, R_PAYLOAD_LENGTH } from "../../host/core/layout.ts";
import { packet, str, u16 } from "../helpers/packets.ts";

const codec = new Codec(new Core());

describe("codec encoders", () => {
  it("v5 SUBACK with 500 user properties round-trips (multi-byte property and remaining lengths)", () => {
    const userProperties = Array.from({ length: 500 }, (_, i): [string, string] => [`key-${i}`, "välue".repeat(i % 13)]);
    const encoded = codec.encodeSubAck(9, 5, 77, [0, 1, 2], { reasonString: "ok", userProperties });
    expect(encoded.length).toBeGreaterThan(16384);
    expect(codec.frame(encoded, encoded.length, 5, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.readReasonCodes(0)).toEqual([0, 1, 2]);
    expect(codec.readProperties(0, encoded)).toEqual({ reasonString: "ok", userProperties });
  });

  it("v3.1.1 encoders leave v5 properties out", () => {
    expect([...codec.encodeAck(4, 4, 5, 0, { reasonString: "x" })]).toEqual([0x40, 2, 0, 5]);
    expect([...codec.encodeConnack(4, false, 0, { receiveMaximum: 5 })]).toEqual([0x20, 2, 0, 0]);
    expect([...codec.encodeDisconnect(4, 0x8e)]).toEqual([0xe0, 0]);
  });

  it("v5 PUBLISH header with a 2-byte topic in UTF-8 and a subscription identifier of 268435455", () => {
    const header = codec.encodePublishHeader(5, 0, "ü", 0, { subscriptionIdentifiers: [268435455] }, 3);
    const whole = Buffer.concat([header, Buffer.from("abc")]);
    expect(codec.frame(whole, whole.length, 5, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(0);
    expect(codec.word(0, R_PAYLOAD_LENGTH)).toBe(3);
    expect(codec.readProperties(0, whole)).toEqual({ subscriptionIdentifiers: [268435455] });
  });

  it("more properties than PROPS_IN holds is refused on the host side", () => {
    const userProperties = Array.from({ length: 1000 }, (): [string, string] => ["k", "v"]);
    expect(() => codec.encodeAck(4, 5, 1, 0, { userProperties })).toThrow(RangeError);
  });

  it("a QoS 3 PUBLISH cannot be encoded", () => {
    expect(() => codec.encodePublishHeader(4, 6, "t", 1, undefined, 0)).toThrow(RangeError);
  });

  it("v3.1.1 [MQTT-3.1.2-2] an unsupported level still reports the CONNECT's level byte for the CONNACK", () => {
    const bytes = Buffer.from(packet(0x10, str("MQTT"), [7], [2], u16(0), str("c")));
    expect(codec.frame(bytes, bytes.length, 0, 0)).toBe(1);
    expect(codec.word(0, R_ERROR)).toBe(-0x84);
    expect(codec.connectLevel(0)).toBe(7);
    expect(codec.protocolLevel).toBe(0);
  });
});

describe("codec views", () => {
  it("records stay readable after memory grows between frame() and word()", () => {
    const core = new Core();
    const own = new Codec(core);
    const bytes = Buffer.from(packet(0x82, u16(9), str("a/b"), [1]));
    expect(own.frame(bytes, bytes.length, 4, 0)).toBe(1);
    core.memory.grow(16);
    expect(own.word(0, R_ERROR)).toBe(0);
    expect(own.readSubscribe(0, bytes).subscriptions[0]!.topicFilter).toBe("a/b");
  });
});
