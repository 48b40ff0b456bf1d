// scrypt password hashes for the config's users: "scrypt$N$r$p$<salt>$<key>" (base64), made by
// `quarkmq --hash-password`. Verified asynchronously, so a CONNECT never blocks the event loop on it.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const format = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const keyLength = 32;

function derive(password: Buffer | string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** True when the value is a hash made by hashPassword() (rather than a password in plain text). */
export function isPasswordHash(value: string): boolean {
  return format.test(value);
}

export async function hashPassword(password: string): Promise<string> {
  const options = { N: 16_384, r: 8, p: 1 };
  const salt = randomBytes(16);
  const key = await derive(password, salt, options, keyLength);
  return `scrypt$${options.N}$${options.r}$${options.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Checks a password against a hash; false for a malformed hash. */
export async function verifyPassword(hash: string, password: Buffer): Promise<boolean> {
  const match = format.exec(hash);
  if (!match) return false;
  const [, n, r, p, salt, key] = match;
  const expected = Buffer.from(key!, "base64");
  const given = await derive(password, Buffer.from(salt!, "base64"), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(given, expected);
}
