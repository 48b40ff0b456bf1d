// SCRAM-SHA-256 credentials (RFC 5802 section 3, RFC 7677): the salted keys a server keeps instead of a password,
// stored as "scram-sha-256$<iterations>$<salt>$<StoredKey>$<ServerKey>" (base64) in a password-file line.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { preparePassword } from "../security/saslprep.ts";

export interface ScramCredentials {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const format = /^scram-sha-256\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
/** RFC 7677 section 4: at least 4096 iterations. */
export const scramIterations = 4096;

export function hmac(key: Buffer, text: Buffer | string): Buffer {
  return createHmac("sha256", key).update(text).digest();
}

export function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}

/** Hi(Normalize(password), salt, i) of RFC 5802 section 3: PBKDF2 with HMAC-SHA-256 over the SASLprep'd password.
 *  Rejects (ScramPasswordError) a password SASLprep refuses. */
export function saltedPassword(password: string | Buffer, salt: Buffer, iterations: number): Promise<Buffer> {
  const prepared = preparePassword(typeof password === "string" ? password : password.toString("utf8"));
  if (prepared === undefined) return Promise.reject(new ScramPasswordError());
  return new Promise((resolve, reject) => {
    pbkdf2(prepared, salt, iterations, 32, "sha256", (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A password SASLprep (RFC 4013) refuses: empty, a control or other prohibited character, or a broken bidi rule. */
export class ScramPasswordError extends Error {
  override name = "ScramPasswordError";
  constructor() {
    super("the password is empty or holds a character SASLprep (RFC 4013) prohibits, so it cannot have SCRAM keys");
  }
}

export async function deriveScram(password: string | Buffer, salt: Buffer, iterations: number): Promise<ScramCredentials> {
  const salted = await saltedPassword(password, salt, iterations);
  return { iterations, salt, storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
}

/** A new password-file value holding SCRAM keys for the password. */
export async function scramEntry(password: string): Promise<string> {
  const c = await deriveScram(password, randomBytes(16), scramIterations);
  return `scram-sha-256$${c.iterations}$${c.salt.toString("base64")}$${c.storedKey.toString("base64")}$${c.serverKey.toString("base64")}`;
}

export function isScramEntry(value: string): boolean {
  return format.test(value);
}

export function parseScramEntry(value: string): ScramCredentials | undefined {
  const match = format.exec(value);
  if (!match) return undefined;
  const iterations = Number(match[1]);
  if (iterations < 1 || iterations > 10_000_000) return undefined;
  return {
    iterations, salt: Buffer.from(match[2]!, "base64"),
    storedKey: Buffer.from(match[3]!, "base64"), serverKey: Buffer.from(match[4]!, "base64"),
  };
}

/** A password given in CONNECT checked against SCRAM keys: derive StoredKey from it and compare. */
export async function verifyScramPassword(value: string, password: Buffer): Promise<boolean> {
  const stored = parseScramEntry(value);
  if (stored === undefined) return false;
  const derived = await deriveScram(password, stored.salt, stored.iterations).catch(() => undefined);
  if (derived === undefined) return false; // SASLprep refused it: no stored keys can match
  return derived.storedKey.length === stored.storedKey.length && timingSafeEqual(derived.storedKey, stored.storedKey);
}
