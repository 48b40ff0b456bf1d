// Opt-in conformance run: the Eclipse Paho interoperability suite (a checkout of eclipse/paho.mqtt.testing,
// given on the command line, never copied into this repository) against quarkmq started through its binary.
// Usage: npm run test:paho -- /path/to/paho.mqtt.testing [--markdown results.md] [--only test_a,test_b]
// [--log broker.log]. Exit 0 when all pass.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startQuarkmq } from "../helpers/quarkmq-process.ts";

const python = "/usr/bin/python3";
const runner = fileURLToPath(new URL("./paho-suite-runner.py", import.meta.url));
const modules = [
  { name: "client_test", version: "3.1.1" },
  { name: "client_test5", version: "5.0" },
];
/** A whole module may take this long (its keep-alive and will-delay tests sleep; each test has 120 s). */
const moduleTimeout = 30 * 60_000;

interface Result {
  module: string;
  test: string;
  outcome: "pass" | "fail" | "error";
  seconds: number;
  detail: string;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nUsage: npm run test:paho -- /path/to/paho.mqtt.testing [--markdown results.md] [--only test_a,test_b] [--log broker.log]\n` +
    "Get the suite with: git clone https://github.com/eclipse/paho.mqtt.testing\n");
  process.exit(2);
}

/** The assertion or exception line of a failure, the part worth reading. */
function reason(detail: string): string {
  const lines = detail.trim().split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1) ?? "";
  const assertion = [...lines].reverse().find((l) => /^\s*(assert|self\.assert)/.test(l));
  return `${last.trim()}${assertion ? ` at \`${assertion.trim()}\`` : ""}`.slice(0, 300);
}

function runModule(suiteDir: string, module: string, port: number, only: string): Promise<Result[]> {
  return new Promise((done) => {
    const results: Result[] = [];
    const child = spawn(python, [runner, suiteDir, module, "127.0.0.1", String(port), only], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), moduleTimeout);
    let buffered = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      buffered += text;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines.filter((l) => l.startsWith("PAHO-RESULT "))) {
        const result = JSON.parse(line.slice("PAHO-RESULT ".length)) as Result;
        results.push(result);
        process.stdout.write(`  ${result.outcome.padEnd(5)} ${result.test} (${result.seconds}s)\n`);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (results.length === 0 && !(only !== "" && code === 0)) {
        results.push({ module, test: "(module)", outcome: "error", seconds: 0, detail: `runner exited ${code ?? signal}:\n${stderr}` });
      }
      done(results);
    });
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { markdown: { type: "string" }, only: { type: "string" }, log: { type: "string" } } });
  if (positionals.length !== 1) usage("quarkmq paho suite: give the path of a paho.mqtt.testing checkout");
  const suiteDir = resolve(positionals[0]!);
  for (const m of modules) {
    if (!existsSync(join(suiteDir, "interoperability", `${m.name}.py`))) {
      usage(`quarkmq paho suite: ${join(suiteDir, "interoperability", `${m.name}.py`)} not found`);
    }
  }
  if (!existsSync(python)) usage(`quarkmq paho suite: ${python} not found (Debian's python3 is needed)`);

  const dir = mkdtempSync(join(tmpdir(), "quarkmq-paho-"));
  const config = join(dir, "paho.yaml");
  writeFileSync(config, [
    "tcp: { host: 127.0.0.1, port: 0 }",
    "maxKeepAlive: 60",
    // The suite's client allocates packet ids by a linear search, so test_flow_control2 (which sends
    // Receive Maximum + 1 QoS 2 messages) would take hours against 65,535; 20 is Mosquitto's default.
    "receiveMaximum: 20",
    `logLevel: ${values.log ? "debug" : "info"}`,
    "acl:",
    "  denySubscribe: [test/nosubscribe]",
    "",
  ].join("\n"));

  const all: Result[] = [];
  try {
    for (const m of modules) {
      const { broker, port } = await startQuarkmq(["--config", config]);
      process.stdout.write(`${m.name} (MQTT ${m.version}) against quarkmq on 127.0.0.1:${port}\n`);
      try {
        all.push(...(await runModule(suiteDir, m.name, port, values.only ?? "")));
      } finally {
        const { code } = await broker.stop();
        if (values.log) appendFileSync(values.log, broker.stdout);
        if (code !== 0) process.stdout.write(`  quarkmq exited ${code} on SIGTERM\n${broker.stderr}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const passed = all.filter((r) => r.outcome === "pass").length;
  const table = [
    "| module | test | result | why it failed |",
    "|---|---|---|---|",
    ...all.map((r) => `| ${r.module} | ${r.test} | ${r.outcome} | ${r.outcome === "pass" ? "" : reason(r.detail).replace(/\|/g, "\\|")} |`),
    "",
    `${passed} of ${all.length} passed.`,
  ].join("\n");
  process.stdout.write(`\n${table}\n`);
  if (values.markdown) writeFileSync(values.markdown, `${table}\n`);
  process.exit(passed === all.length ? 0 : 1);
}

await main();
