// What a connection needs from whatever carries its bytes (TCP now; TLS and WebSocket later), so no
// protocol code knows the transport. A transport delivers chunks to one sink and takes writes.
export interface TransportSink {
  /** A chunk of bytes, owned by the sink from now on (it may keep slices of it). */
  onData(chunk: Buffer): void;
  /** The write buffer drained below its high-water mark after write() returned false. */
  onDrain(): void;
  /** The transport closed (error set when it closed on an error). Called once. */
  onClose(error?: Error): void;
}

export interface Transport {
  readonly remoteAddress: string;
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
  close(): Promise<void>;
}
