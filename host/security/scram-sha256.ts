// SCRAM-SHA-256 (RFC 5802 / RFC 7677) as an enhanced authentication method: client-first (in CONNECT or AUTH),
// server-first (AUTH 0x18), client-final (AUTH 0x18), server-final (in CONNACK / AUTH 0x00). No channel binding.
// An unknown user gets a made-up salt and fails only at the proof, so the exchange does not reveal who exists.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hmac, parseScramEntry, scramIterations, sha256 } from "../config/scram-credentials.ts";
import type { AuthConversation, AuthMethodHandler, AuthStep } from "./auth-method.ts";
import { prepareUsername } from "./saslprep.ts";

const NotAuthorized = 0x87;
const secret = randomBytes(32);

/** `name=value` attributes of a SCRAM message, in order. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(",")) {
    if (part.length < 2 || part[1] !== "=") continue;
    if (!map.has(part[0]!)) map.set(part[0]!, part.slice(2));
  }
  return map;
}

/** RFC 5802 section 5.1: '=2C' and '=3D' stand for ',' and '='; any other '=' is malformed. */
function decodeName(value: string): string | undefined {
  if (/=(?!2C|3D)/.test(value)) return undefined;
  return value.replaceAll("=2C", ",").replaceAll("=3D", "=");
}

const printableNonce = /^[\x21-\x2b\x2d-\x7e]+$/;

/** The method: `lookup` gives a user's stored SCRAM entry (from `quarkmq passwd --scram`), or undefined. */
export function scramSha256(lookup: (username: string) => string | undefined): AuthMethodHandler {
  return () => new ScramConversation(lookup);
}

class ScramConversation implements AuthConversation {
  private stage: "first" | "final" | "done" = "first";
  private username = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private gs2Header = "";
  private nonce = "";
  private storedKey: Buffer | undefined;
  private serverKey: Buffer | undefined;

  constructor(private readonly lookup: (username: string) => string | undefined) {}

  step(data: Buffer | undefined): AuthStep {
    if (data === undefined) return { failure: NotAuthorized };
    const text = data.toString("utf8");
    if (this.stage === "first") return this.first(text);
    if (this.stage === "final") return this.final(text);
    return { failure: NotAuthorized };
  }

  private first(text: string): AuthStep {
    // gs2-header: "n,," (no channel binding) or "y,," (client supports it, thinks we don't); "p=" is refused.
    const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
    if (!match) return { failure: NotAuthorized };
    this.gs2Header = text.slice(0, text.length - match[3]!.length);
    this.clientFirstBare = match[3]!;
    const a = attributes(this.clientFirstBare);
    const given = decodeName(a.get("n") ?? "");
    const name = given === undefined ? undefined : prepareUsername(given); // RFC 5802 5.1: SASLprep, as a query string
    const clientNonce = a.get("r") ?? "";
    if (!name || !printableNonce.test(clientNonce) || this.clientFirstBare.startsWith("m=")) return { failure: NotAuthorized };
    this.username = name;
    const stored = parseScramEntry(this.lookup(name) ?? "");
    const salt = stored?.salt ?? createHmac("sha256", secret).update(name).digest().subarray(0, 16);
    const iterations = stored?.iterations ?? scramIterations;
    this.storedKey = stored?.storedKey;
    this.serverKey = stored?.serverKey;
    this.nonce = clientNonce + randomBytes(18).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${salt.toString("base64")},i=${iterations}`;
    this.stage = "final";
    return { continue: Buffer.from(this.serverFirst) };
  }

  private final(text: string): AuthStep {
    this.stage = "done";
    const proofAt = text.lastIndexOf(",p=");
    if (proofAt < 0) return { failure: NotAuthorized };
    const withoutProof = text.slice(0, proofAt);
    const a = attributes(withoutProof);
    if (a.get("c") !== Buffer.from(this.gs2Header).toString("base64")) return { failure: NotAuthorized };
    if (a.get("r") !== this.nonce) return { failure: NotAuthorized }; // a replayed or altered nonce
    const proof = Buffer.from(text.slice(proofAt + 3), "base64");
    if (this.storedKey === undefined || this.serverKey === undefined || proof.length !== 32) return { failure: NotAuthorized };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.storedKey)) return { failure: NotAuthorized };
    const serverSignature = hmac(this.serverKey, authMessage);
    return { success: true, data: Buffer.from(`v=${serverSignature.toString("base64")}`), username: this.username };
  }
}
