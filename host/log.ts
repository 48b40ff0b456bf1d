// Structured logs (pino, JSON lines to stdout). Every module takes a child logger from here.
// Writes are synchronous: pino's asynchronous stdout retries forever at exit once the reader is gone,
// which hung shutdown; the broker logs per connection event, never per message, so sync costs nothing.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, name = "quarkmq"): Logger {
  return pino({ name, level, base: { name } }, pino.destination({ dest: 1, sync: true }));
}
