// SASLprep (RFC 4013, the stringprep profile RFC 5802 / RFC 7677 require for SCRAM user names and passwords), from
// @mongodb-js/saslprep: non-ASCII spaces mapped to U+0020, "mapped to nothing" characters removed, NFKC, then the
// prohibited-output and bidi checks. Undefined where the string cannot be prepared (the exchange is then refused).
import saslprep from "@mongodb-js/saslprep";

function prepare(text: string, allowUnassigned: boolean): string | undefined {
  try {
    const prepared = saslprep(text, { allowUnassigned });
    return prepared === "" ? undefined : prepared;
  } catch {
    return undefined; // a prohibited character (RFC 4013 2.3) or a broken bidi rule (2.4)
  }
}

/** A user name as a "query" string (RFC 5802 5.1: unassigned code points allowed). */
export function prepareUsername(username: string): string | undefined {
  return prepare(username, true);
}

/** A password as a "stored string" (RFC 5802 2.2 Normalize(): unassigned code points prohibited). */
export function preparePassword(password: string): string | undefined {
  return prepare(password, false);
}
