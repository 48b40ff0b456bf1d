// SASLprep (RFC 4013) for SCRAM-SHA-256: the examples of RFC 4013 section 3 and the mapping steps, a SCRAM login
// whose name and password only match once both sides are prepared, and `quarkmq passwd --scram` refusing a name or
// password SCRAM clients could never send.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPasswd } from "../../host/config/passwd.ts";
import { scramEntry, verifyScramPassword } from "../../host/config/scram-credentials.ts";
import type { ClientInfo } from "../../host/index.ts";
import { preparePassword, prepareUsername } from "../../host/security/saslprep.ts";
import { scramSha256 } from "../../host/security/scram-sha256.ts";
import { ScramClient } from "../helpers/scram-client.ts";
import { connect, hex, P, packet, props, T } from "../helpers/packets.ts";
import { readProperties, startBroker, type TestBroker } from "../spec/support/broker.ts";

describe("SASLprep (RFC 4013)", () => {
  // RFC 4013 section 3, "Examples": input, output (undefined: an error).
  const examples: Array<[string, string, string | undefined]> = [
    ["1: SOFT HYPHEN mapped to nothing", "I\u00adX", "IX"],
    ["2: no transformation", "user", "user"],
    ["3: case preserved, will not match #2", "USER", "USER"],
    ["4: output is NFKC, input in ISO 8859-1", "\u00aa", "a"],
    ["5: output is NFKC, will match #1", "\u2168", "IX"],
    ["6: Error - prohibited character", "\u0007", undefined],
    ["7: Error - bidirectional check", "\u0627\u0031", undefined],
  ];
  for (const [name, input, output] of examples) {
    it(`RFC 4013 section 3 example ${name}`, () => {
      expect(preparePassword(input)).toBe(output);
      expect(prepareUsername(input)).toBe(output);
    });
  }

  it("maps non-ASCII spaces to U+0020 and zero-width characters to nothing; an empty result is refused", () => {
    expect(preparePassword("a\u2003b\u00a0c\u200bd")).toBe("a b c d"); // 2.1 non-ASCII space characters (C.1.2)
    expect(preparePassword("a\u200db\u2060c\ufeff")).toBe("abc"); // 2.1 commonly mapped to nothing (B.1)
    expect(preparePassword("\u00ad")).toBeUndefined();
  });

  it("a password is a stored string (unassigned code points refused), a user name a query (allowed)", () => {
    const unassigned = "a\u0221"; // unassigned in Unicode 3.2, the version stringprep is bound to
    expect(preparePassword(unassigned)).toBeUndefined();
    expect(prepareUsername(unassigned)).toBe(unassigned);
  });
});

const SCRAM = "SCRAM-SHA-256";
let broker: TestBroker;
const connected: ClientInfo[] = [];
const dir = mkdtempSync(join(tmpdir(), "quarkmq-saslprep-"));
beforeAll(async () => {
  // Stored for "IX" with a soft hyphen in the password: SASLprep removes it, so the keys are those of "password".
  const store = new Map([["IX", await scramEntry("pass\u00adword")]]);
  broker = await startBroker({ authMethods: { [SCRAM]: scramSha256((u) => store.get(u)) }, hooks: { onConnect: ({ client }) => void connected.push(client) } });
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const auth = (data: Buffer) => packet(T.AUTH, [0x18], props(P.authenticationMethod(SCRAM), P.authenticationData(data)));
const dataOf = (p: Buffer, offset: number) => readProperties(p, offset).find(([pid]) => pid === 0x16)?.[1].subarray(2);

describe("SCRAM-SHA-256 with SASLprep", () => {
  it("a client sending U+2168 (ROMAN NUMERAL NINE) and the password without the soft hyphen logs in as IX", async () => {
    const scram = new ScramClient("\u2168", "password");
    const c = await broker.open();
    c.send(connect({ level: 5, clientId: "nine", properties: props(P.authenticationMethod(SCRAM), P.authenticationData(scram.clientFirst())) }));
    const challenge = await c.expectType(T.AUTH);
    c.send(auth(scram.clientFinal(dataOf(challenge, 3)!)));
    const connack = await c.expectType(T.CONNACK);
    expect(hex(connack.subarray(2, 4))).toBe("00 00");
    expect(scram.verifyServerFinal(dataOf(connack, 4)!)).toBe(true);
    expect(connected.find((client) => client.clientId === "nine")?.username).toBe("IX");
    c.close();
  });

  it("a CONNECT password checked against SCRAM keys is prepared the same way; one SASLprep refuses never matches", async () => {
    const entry = await scramEntry("I\u00adX");
    expect(await verifyScramPassword(entry, Buffer.from("\u2168"))).toBe(true);
    expect(await verifyScramPassword(entry, Buffer.from("I\u0007X"))).toBe(false);
  });

  it("quarkmq passwd --scram refuses a name not in SASLprep form and a password SASLprep prohibits", async () => {
    const file = join(dir, "users.passwd");
    await expect(runPasswd(["-c", "--scram", "-b", file, "\u2168", "pw"])).rejects.toThrow(
      "user name \"\u2168\" is not in SASLprep (RFC 4013) form; SCRAM clients send it as \"IX\": use that");
    await expect(runPasswd(["-c", "--scram", "-b", file, "alice", "bell\u0007"])).rejects.toThrow(/SASLprep \(RFC 4013\) prohibits/);
    expect(await runPasswd(["-c", "--scram", "-b", file, "IX", "pass\u00adword"])).toBe(`added user "IX" in ${file}`);
    const stored = readFileSync(file, "utf8").trim().split(":")[1]!;
    expect(await verifyScramPassword(stored, Buffer.from("password"))).toBe(true);
  });
});
