// The client side of SCRAM-SHA-256 (RFC 5802), written from the RFC for tests: client-first, then the proof
// for the server-first, then the server signature to check. Independent of the broker's implementation.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

export class ScramClient {
  readonly nonce = randomBytes(12).toString("base64");
  readonly clientFirstBare: string;
  private authMessage = "";
  private saltedPassword = Buffer.alloc(0);

  constructor(readonly username: string, private readonly password: string) {
    this.clientFirstBare = `n=${username.replaceAll("=", "=3D").replaceAll(",", "=2C")},r=${this.nonce}`;
  }

  clientFirst(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  /** The client-final message for the server-first; `tamper` flips a bit of the proof, `nonce` replaces the nonce. */
  clientFinal(serverFirst: Buffer, options: { tamper?: boolean; nonce?: string } = {}): Buffer {
    const text = serverFirst.toString();
    const fields = new Map(text.split(",").map((p) => [p[0]!, p.slice(2)]));
    const nonce = options.nonce ?? fields.get("r")!;
    this.saltedPassword = pbkdf2Sync(this.password, Buffer.from(fields.get("s")!, "base64"), Number(fields.get("i")), 32, "sha256");
    const clientKey = hmac(this.saltedPassword, "Client Key");
    const storedKey = createHash("sha256").update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    this.authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const signature = hmac(storedKey, this.authMessage);
    const proof = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    if (options.tamper) proof[0]! ^= 1;
    return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`);
  }

  /** True when the server-final message proves the server knows the keys. */
  verifyServerFinal(serverFinal: Buffer): boolean {
    const serverKey = hmac(this.saltedPassword, "Server Key");
    return serverFinal.toString() === `v=${hmac(serverKey, this.authMessage).toString("base64")}`;
  }
}
