// The username a verified client certificate stands for, on a tls listener with `useIdentityAs`: its subject CN,
// its first DNS name or its first e-mail address in subjectAltName. Undefined when the certificate has no such field.
import type { PeerCertificate } from "node:tls";

/** The certificate fields `useIdentityAs` may name. */
export const identityFields = ["cn", "san-dns", "san-email"] as const;
export type IdentityField = (typeof identityFields)[number];

/** Node's subjectaltname entry names for the two SAN kinds. */
const sanKind: Record<Exclude<IdentityField, "cn">, string> = { "san-dns": "DNS", "san-email": "email" };

/**
 * The entries of Node's `subjectaltname` text: `DNS:a, email:b@c, IP Address:1.2.3.4`. Since Node 17 a value holding
 * a comma, a quote or another unsafe character is written as a JSON string (`DNS:"a, b"`), so a naive split by ", "
 * would let a crafted name forge a second entry; quoted values are read as JSON.
 */
export function subjectAltNames(text: string): Array<[kind: string, value: string]> {
  const entries: Array<[string, string]> = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(":", i);
    if (colon < 0) break;
    const kind = text.slice(i, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === "\"") {
      let end = colon + 2;
      while (end < text.length && text[end] !== "\"") end += text[end] === "\\" ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      } catch {
        return entries; // not Node's format: keep what was read before it
      }
      next = text.indexOf(", ", end + 1);
    } else {
      next = text.indexOf(", ", colon + 1);
      value = text.slice(colon + 1, next < 0 ? text.length : next);
    }
    entries.push([kind, value]);
    if (next < 0) break;
    i = next + 2;
  }
  return entries;
}

/** A usable username: non-empty, no U+0000 (a CN with an embedded NUL must not pass for its prefix, as in Mosquitto). */
function usable(value: string | undefined): string | undefined {
  return value === undefined || value === "" || value.includes("\u0000") ? undefined : value;
}

/** The identity `field` of `certificate`, or undefined when it has none (the CONNECT is then refused). The first of
 *  several values is taken (a certificate with two CNs or two DNS names stands for the one written first). */
export function certificateIdentity(certificate: PeerCertificate | undefined, field: IdentityField): string | undefined {
  if (certificate === undefined) return undefined;
  if (field === "cn") {
    const cn = certificate.subject?.CN as string | string[] | undefined;
    return usable(Array.isArray(cn) ? cn[0] : cn);
  }
  const kind = sanKind[field];
  const entry = subjectAltNames(certificate.subjectaltname ?? "").find(([k]) => k === kind);
  return usable(entry?.[1]);
}
