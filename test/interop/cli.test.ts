// The `quarkmq` binary as an operator runs it: flags, a YAML config, the loopback notice, the warning for
// anonymous access beyond loopback, refusals with clear errors and exit codes, graceful stop on signals.
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../host/config/password-hash.ts";
import { binPath, QuarkmqProcess, startQuarkmq } from "../helpers/quarkmq-process.ts";

const dir = mkdtempSync(join(tmpdir(), "quarkmq-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function runOnce(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARKMQ_")));
  return spawnSync(process.execPath, [binPath, ...args], { encoding: "utf8", timeout: 20_000, env });
}

/** A TCP connection to the port succeeds (something is listening). */
function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("quarkmq binary", () => {
  it("prints its version and help", () => {
    const version = runOnce(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = runOnce(["--help"]);
    expect(help.status).toBe(0);
    for (const text of ["--config", "--port", "--host", "--log-level", "--max-packet-size", "QUARKMQ_PORT"]) {
      expect(help.stdout).toContain(text);
    }
  });

  it("prints a scrypt hash of the password given on stdin (--hash-password)", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARKMQ_")));
    const result = spawnSync(process.execPath, [binPath, "--hash-password"], { input: "pa ss\n", encoding: "utf8", timeout: 20_000, env });
    expect(result.status).toBe(0);
    const hash = result.stdout.trim();
    expect(await verifyPassword(hash, Buffer.from("pa ss"))).toBe(true);
    expect(await verifyPassword(hash, Buffer.from("pa ss\n"))).toBe(false);
  });

  it("starts with a YAML config, logs JSON lines, and exits 0 on SIGTERM", async () => {
    const config = file("ok.yaml", "tcp:\n  host: 127.0.0.1\n  port: 0\nlogLevel: info\nmaxKeepAlive: 60\n");
    const { broker, port } = await startQuarkmq(["--config", config]);
    expect(await reachable(port)).toBe(true);
    expect(broker.logs.find((l) => l.msg === "config file loaded")?.configPath).toBe(config);
    expect(broker.logs.every((l) => typeof l.level === "number" && typeof l.time === "number")).toBe(true);
    expect(await broker.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(broker.logs.some((l) => l.msg === "closed")).toBe(true);
    expect(await reachable(port)).toBe(false);
  });

  it("binds loopback only without a config file, says so, and exits 0 on SIGINT", async () => {
    const { broker, port } = await startQuarkmq(["--port", "0"]);
    const notice = broker.logs.find((l) => l.msg.startsWith("no config file given"));
    expect(notice?.host).toBe("127.0.0.1");
    expect(broker.logs.find((l) => l.msg === "quarkmq listening")?.host).toBe("127.0.0.1");
    expect(await reachable(port)).toBe(true);
    expect(await broker.stop("SIGINT")).toEqual({ code: 0, signal: null });
  });

  it("takes the port and log level from QUARKMQ_* variables", async () => {
    const { broker, port } = await startQuarkmq([], { QUARKMQ_PORT: "0", QUARKMQ_LOG_LEVEL: "debug" });
    expect(port).toBeGreaterThan(0);
    expect(await broker.stop()).toEqual({ code: 0, signal: null });
  });

  it("warns about anonymous access beyond loopback, and exits 1 when it cannot listen", async () => {
    // 192.0.2.1 (TEST-NET-1) is not an address of this machine: the warning is logged, then listen fails.
    const broker = new QuarkmqProcess(["--host", "192.0.2.1", "--port", "0"]);
    const { code } = await broker.exited;
    expect(code).toBe(1);
    const warning = broker.logs.find((l) => l.level === 40);
    expect(warning?.msg).toMatch(/anonymous access allowed/);
    expect(broker.logs.find((l) => l.msg.startsWith("no config file given"))?.msg).toBe("no config file given");
    expect(broker.logs.some((l) => l.level === 60 && l.msg === "cannot listen")).toBe(true);
  });

  it("does not warn beyond loopback when anonymous access is off", async () => {
    const config = file("closed.yaml", "tcp: { host: 192.0.2.1, port: 0 }\nallowAnonymous: false\nusers: [{ username: a, password: b }]\n");
    chmodSync(config, 0o600);
    const broker = new QuarkmqProcess(["--config", config]);
    expect((await broker.exited).code).toBe(1);
    expect(broker.logs.some((l) => l.level === 40)).toBe(false);
  });

  it("stops on SIGTERM after whoever read its stdout died", async () => {
    // A parent that reads the binary's logs, prints its pid once it listens, then gets killed.
    const parentCode = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, [${JSON.stringify(binPath)}, "--port", "0"], { stdio: ["ignore", "pipe", "ignore"] });
      child.stdout.on("data", (d) => { if (String(d).includes("quarkmq listening")) console.log(child.pid); });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", parentCode], { stdio: ["ignore", "pipe", "ignore"] });
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (d) => resolve(String(d)))));
    parent.kill("SIGKILL");
    await new Promise((resolve) => parent.on("exit", resolve));
    process.kill(pid, "SIGTERM");
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    if (alive) process.kill(pid, "SIGKILL");
    expect(alive).toBe(false);
  });

  it("warns when a file holding passwords is readable by everyone, about plain-text passwords, and about foreign QUARKMQ_ variables", async () => {
    const passwords = file("open.passwd", "a:b\n");
    chmodSync(passwords, 0o644);
    const config = file("open.yaml", "tcp: { port: 0 }\npasswordFile: open.passwd\n");
    const { broker } = await startQuarkmq(["--config", config], { QUARKMQ_FUZZ_SEED: "1" });
    expect(await broker.stop()).toEqual({ code: 0, signal: null });
    const warnings = broker.logs.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual([
      `${passwords}:1: the password of "a" is in plain text; replace it with quarkmq passwd ${passwords} a`,
      "environment: QUARKMQ_FUZZ_SEED is not a quarkmq option; ignored",
      "this file holds passwords and every user of this machine can read it; chmod 600 it",
    ]);
    expect(warnings[2]!.path).toBe(passwords);
  });

  it("refuses an invalid config with an error naming the file and key, exit code 1", () => {
    const config = file("bad.yaml", "tcp:\n  port: 99999\nmaxPaketSize: 10\n");
    const result = runOnce(["--config", config]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${config}: tcp.port: expected an integer from 0 to 65535, got 99999`);
    expect(result.stderr).toContain(`${config}: unknown key "maxPaketSize" (did you mean "maxPacketSize"?)`);
  });

  it("refuses a missing config file and a bad flag value, exit code 1", () => {
    const missing = runOnce(["--config", join(dir, "absent.yaml")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/absent\.yaml: cannot read config file/);
    const flag = runOnce(["--port", "http"]);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain('--port: expected an integer from 0 to 65535, got "http"');
  });

  it("refuses an unknown flag with a did-you-mean, exit code 2", () => {
    const result = runOnce(["--max-packet-sise", "10"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option --max-packet-sise (did you mean --max-packet-size?)");
  });
});
