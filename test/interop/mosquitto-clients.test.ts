// Debian's mosquitto_pub / mosquitto_sub against quarkmq started through its real binary: QoS 0/1/2 at
// 3.1 (MQIsdp), 3.1.1 and 5.0, retained messages, v5 properties passed through, and wills sent on an abnormal close.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const format = "%t|%p|%q|%r";
let broker: QuarkmqProcess;
let port = 0;
const children = new Set<ChildProcess>();

function requireBinary(name: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (!found) {
    throw new Error(`${name} not found on PATH: install Debian's mosquitto-clients (apt-get install -y mosquitto-clients; .ci/run does this)`);
  }
}

/** mosquitto_sub with debug output; `ready` resolves once its SUBACK arrived, `done` with its message lines. */
function subscribe(args: string[]) {
  // stdbuf: line-buffered stdout, so "received SUBACK" is seen when it happens, not when the process ends.
  const child = spawn("stdbuf", ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String(port), "-d", "-W", "15", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  let onSubAck: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onSubAck = resolve;
    child.on("exit", (code) => reject(new Error(`mosquitto_sub exited ${code} before its SUBACK:\n${out}\n${err}`)));
  });
  ready.catch(() => undefined); // awaited by the tests that need it
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    if (out.includes("received SUBACK")) onSubAck();
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
  const done = new Promise<{ code: number | null; lines: string[] }>((resolve) => {
    // "close", not "exit": exit can come before the last of stdout was read, which lost the message line under load.
    child.on("close", (code) => {
      children.delete(child);
      const lines = out.split("\n").filter((l) => l !== "" && !/^(Client |Subscribed \(mid)/.test(l));
      resolve({ code, lines });
    });
  });
  return { child, ready, done };
}

function publish(args: string[]): void {
  const result = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", timeout: 15_000 });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
}

let setupError: unknown;
beforeAll(async () => {
  try {
    requireBinary("mosquitto_pub");
    requireBinary("mosquitto_sub");
    requireBinary("stdbuf");
    ({ broker, port } = await startQuarkmq(["--port", "0"]));
  } catch (error) {
    setupError = error; // each test fails with it (a failing beforeAll would only mark them skipped)
  }
});

/** Throws the setup failure (a missing binary, a broker that did not start) in the test that needs it. */
function ready(): void {
  if (setupError) throw setupError;
}

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  if (broker) expect((await broker.stop()).code).toBe(0);
});

for (const version of ["mqttv31", "mqttv311", "mqttv5"] as const) {
  describe(`mosquitto clients ${version}`, () => {
    for (const qos of [0, 1, 2]) {
      it(`delivers a QoS ${qos} message at QoS ${qos}`, async () => {
        const topic = `interop/${version}/qos${qos}`;
        const sub = subscribe(["-V", version, "-t", topic, "-q", String(qos), "-C", "1", "-F", format]);
        await sub.ready;
        publish(["-V", version, "-t", topic, "-q", String(qos), "-m", `hello ${qos}`]);
        expect(await sub.done).toEqual({ code: 0, lines: [`${topic}|hello ${qos}|${qos}|0`] });
      });
    }

    it("downgrades to the subscription's QoS", async () => {
      ready();
      const topic = `interop/${version}/downgrade`;
      const sub = subscribe(["-V", version, "-t", topic, "-q", "1", "-C", "1", "-F", format]);
      await sub.ready;
      publish(["-V", version, "-t", topic, "-q", "2", "-m", "down"]);
      expect(await sub.done).toEqual({ code: 0, lines: [`${topic}|down|1|0`] });
    });

    it("keeps a retained message for a later subscriber, and clears it with an empty one", async () => {
      ready();
      const topic = `interop/${version}/retained`;
      publish(["-V", version, "-t", topic, "-q", "1", "-r", "-m", "kept"]);
      const first = subscribe(["-V", version, "-t", `interop/${version}/+`, "-q", "1", "-C", "1", "-F", format]);
      expect(await first.done).toEqual({ code: 0, lines: [`${topic}|kept|1|1`] });
      publish(["-V", version, "-t", topic, "-r", "-n"]);
      const second = subscribe(["-V", version, "-t", topic, "-E"]);
      expect(await second.done).toEqual({ code: 0, lines: [] });
    });

    it("publishes the will when a client goes away without DISCONNECT", async () => {
      ready();
      const willTopic = `interop/${version}/will`;
      const watcher = subscribe(["-V", version, "-t", willTopic, "-q", "1", "-C", "1", "-F", format]);
      await watcher.ready;
      const dying = subscribe(["-V", version, "-t", `interop/${version}/quiet`, "--will-topic", willTopic,
        "--will-payload", "gone", "--will-qos", "1"]);
      await dying.ready;
      dying.child.kill("SIGKILL");
      expect(await watcher.done).toEqual({ code: 0, lines: [`${willTopic}|gone|1|0`] });
    });
  });
}

describe("mosquitto clients mqttv5 properties", () => {
  it("passes user properties, content type and response topic through", async () => {
      ready();
    const topic = "interop/v5/properties";
    const sub = subscribe(["-V", "mqttv5", "-t", topic, "-q", "1", "-C", "1", "-F", "%t|%p|%P|%C|%R"]);
    await sub.ready;
    publish(["-V", "mqttv5", "-t", topic, "-q", "1", "-m", "p", "-D", "publish", "user-property", "k", "v",
      "-D", "publish", "content-type", "text/plain", "-D", "publish", "response-topic", "reply/here"]);
    expect(await sub.done).toEqual({ code: 0, lines: [`${topic}|p|k:v|text/plain|reply/here`] });
  });
});
