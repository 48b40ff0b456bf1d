// Structured logs (pino, JSON lines to stdout). Every module takes a child logger from here.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, name = "quarkmq"): Logger {
  return pino({ name, level, base: { name } });
}
