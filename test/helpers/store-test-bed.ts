// The shared setup of the process-level store tests: a temporary root for data directories, and the mqtt.js
// clients and quarkmq child processes a test opens, ended (SIGKILL) after each test; the root removed at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach } from "vitest";
import type { QuarkmqProcess } from "./quarkmq-process.ts";

export interface StoreTestBed {
  root: string;
  clients: MqttClient[];
  processes: QuarkmqProcess[];
}

/** Call once at the top of a test file: registers the cleanup hooks. */
export function storeTestBed(prefix: string): StoreTestBed {
  const bed: StoreTestBed = { root: mkdtempSync(join(tmpdir(), prefix)), clients: [], processes: [] };
  afterEach(async () => {
    for (const client of bed.clients.splice(0)) client.end(true);
    for (const broker of bed.processes.splice(0)) await broker.stop("SIGKILL");
  });
  afterAll(() => rmSync(bed.root, { recursive: true, force: true }));
  return bed;
}
