// What a connection needs from whatever carries its bytes (tcp, tls, ws, wss), so no protocol code
// knows the transport. A transport delivers chunks to one sink and takes writes.
import type { PeerCertificate } from "node:tls";
import type { Logger } from "../log.ts";
import type { IdentityField } from "../security/certificate-identity.ts";

export type TransportKind = "tcp" | "tls" | "ws" | "wss";
export interface TransportSink {
  /** A chunk of bytes, owned by the sink from now on (it may keep slices of it). */
  onData(chunk: Buffer): void;
  /** The write buffer drained below its high-water mark after write() returned false. */
  onDrain(): void;
  /** The transport closed (error set when it closed on an error). Called once. */
  onClose(error?: Error): void;
}

export interface Transport {
  readonly kind: TransportKind;
  /** The client's address (the one a PROXY protocol header gave, on such a listener). */
  readonly remoteAddress: string;
  /** The client certificate, when one was verified against the listener's CA. */
  readonly certificate?: PeerCertificate;
  /** The certificate field that is the client's username (a tls listener's useIdentityAs). */
  readonly identityAs?: IdentityField;
  /** Starts delivering to `sink`. */
  bind(sink: TransportSink): void;
  /** Queues bytes; false means the buffer is over its high-water mark (wait for onDrain). */
  write(buf: Uint8Array): boolean;
  /** Queues several buffers as one batch (one writev where the transport can). */
  writev(bufs: Uint8Array[]): boolean;
  /** Bytes queued and not yet handed to the OS. */
  readonly writableLength: number;
  /** Stops / restarts delivering chunks (while an async hook decides). */
  pause(): void;
  resume(): void;
  /** Flushes what is queued, then closes. */
  end(): void;
  /** Closes now, dropping what is queued. */
  destroy(): void;
}

/** A listener accepting transports. */
export interface Listener {
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting; open connections stay (the broker ends them). */
  close(): Promise<void>;
  /** Re-reads certificate and key files for new connections; open connections keep theirs. */
  reloadCertificates?(): Promise<void>;
}

/** What a listener needs from the broker. */
export interface ListenerContext {
  accept(transport: Transport): void;
  /** A connection refused before MQTT (bad PROXY header, failed TLS handshake, text frame): counted, logged once a reason. */
  refuse(reason: string, remoteAddress: string | undefined): void;
  log: Logger;
  /** Milliseconds a connection has for what comes before MQTT (a PROXY header). */
  headerTimeout: number;
}
