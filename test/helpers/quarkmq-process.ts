// Runs the real `quarkmq` binary (bin/quarkmq.mjs) as a child process for interop tests: collects its
// JSON log lines, waits for "quarkmq listening" to learn the port (start it with --port 0) and stops it.
// Unless told where (--data-dir, --no-persistence, QUARKMQ_DATA_DIR...), its store goes in a fresh temporary
// directory, removed when it exits.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../bin/quarkmq.mjs", import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export class QuarkmqProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  /** `shell`: run through /bin/sh with these commands first (e.g. a ulimit), then exec the binary. */
  constructor(args: string[], env: Record<string, string> = {}, shell?: string) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARKMQ_")));
    const storeGiven = args.some((a) => /^--(data-dir|no-persistence|persistence)\b/.test(a))
      || env.QUARKMQ_DATA_DIR !== undefined || env.QUARKMQ_PERSISTENCE !== undefined;
    const temporary = storeGiven ? undefined : mkdtempSync(join(tmpdir(), "quarkmq-test-data-"));
    const full = { ...clean, ...(temporary === undefined ? {} : { QUARKMQ_DATA_DIR: temporary }), ...env };
    this.child = shell === undefined
      ? spawn(process.execPath, [binPath, ...args], { env: full, stdio: ["ignore", "pipe", "pipe"] })
      : spawn("/bin/sh", ["-c", `${shell}; exec "$0" "$@"`, process.execPath, binPath, ...args], { env: full, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      const start = this.stdout.lastIndexOf("\n") + 1;
      this.stdout += text;
      const whole = this.stdout.slice(start, this.stdout.lastIndexOf("\n") + 1);
      for (const line of whole.split("\n").filter(Boolean)) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: 0, msg: `(not JSON) ${line}` });
        }
      }
      this.wake();
    });
    this.child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves with the first log line matching; rejects after `ms` or when the process exits first. */
  async waitForLog(match: (line: LogLine) => boolean, ms = 20_000): Promise<LogLine> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`quarkmq exited (${this.child.exitCode ?? this.child.signalCode}) before the expected log line.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching log line within ${ms} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for "quarkmq listening" and returns the port. */
  async listening(): Promise<number> {
    const line = await this.waitForLog((l) => l.msg === "quarkmq listening");
    return line.port as number;
  }

  /** Sends the signal and waits for the exit (SIGKILL after 15 s, so no test leaves a broker behind). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** Starts the binary with the given arguments (add --port 0) and waits until it listens. */
export async function startQuarkmq(args: string[], env?: Record<string, string>): Promise<{ broker: QuarkmqProcess; port: number }> {
  const broker = new QuarkmqProcess(args, env);
  try {
    return { broker, port: await broker.listening() };
  } catch (error) {
    await broker.stop("SIGKILL");
    throw error;
  }
}
