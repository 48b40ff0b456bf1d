// Debian's python3-paho-mqtt (run with /usr/bin/python3, not a pyenv python) against quarkmq started
// through its binary: connect, subscribe and publish at QoS 0-2, retained, and v5 user properties.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQuarkmq, type QuarkmqProcess } from "../helpers/quarkmq-process.ts";

const python = "/usr/bin/python3";
const script = fileURLToPath(new URL("./paho-client.py", import.meta.url));
let broker: QuarkmqProcess;
let port = 0;

interface Message {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
  userProperties?: string[][];
}

interface Run {
  version: string;
  connack: { rc: number; sessionPresent: number };
  granted: number[][];
  published: boolean[];
  messages: Message[];
  retained: Message[];
  properties?: Message[];
}

function requirePaho(): void {
  if (!existsSync(python)) throw new Error(`${python} not found: Debian's python3 with python3-paho-mqtt is needed (.ci/run installs it)`);
  const check = spawnSync(python, ["-c", "import paho.mqtt.client"], { encoding: "utf8" });
  if (check.status !== 0) {
    throw new Error(`${python} cannot import paho.mqtt: install Debian's python3-paho-mqtt (apt-get install -y python3-paho-mqtt; .ci/run does this)\n${check.stderr}`);
  }
}

function runClient(version: "311" | "5"): Run {
  const result = spawnSync(python, [script, "127.0.0.1", String(port), version], { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`paho-client.py ${version} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Run;
}

let setupError: unknown;
beforeAll(async () => {
  try {
    requirePaho();
    ({ broker, port } = await startQuarkmq(["--port", "0"]));
  } catch (error) {
    setupError = error; // each test fails with it (a failing beforeAll would only mark them skipped)
  }
});

afterAll(async () => {
  if (broker) expect((await broker.stop()).code).toBe(0);
});

for (const version of ["311", "5"] as const) {
  describe(`paho-mqtt (Python) ${version === "5" ? "v5" : "v3.1.1"}`, () => {
    let run: Run;
    let runError: unknown;
    beforeAll(() => {
      try {
        if (setupError) throw setupError;
        run = runClient(version);
      } catch (error) {
        runError = error;
      }
    }, 90_000);
    const result = (): Run => {
      if (runError) throw runError;
      return run;
    };

    it("connects with a successful CONNACK and no session present", () => {
      expect(result().connack).toEqual({ rc: 0, sessionPresent: 0 });
    });

    it("is granted QoS 0, 1 and 2 subscriptions", () => {
      expect(result().granted).toEqual([[0], [1], [2]]);
    });

    it("publishes and receives at QoS 0, 1 and 2", () => {
      expect(result().published).toEqual([true, true, true]);
      expect(result().messages).toEqual([0, 1, 2].map((qos) => ({ topic: `paho/${version}/q${qos}`, payload: `m${qos}`, qos, retain: false })));
    });

    it("gets a retained message on a later subscription", () => {
      expect(result().retained).toEqual([{ topic: `paho/${version}/retained`, payload: "kept", qos: 1, retain: true }]);
    });

    if (version === "5") {
      it("receives the publisher's user properties", () => {
        expect(result().properties).toEqual([{ topic: "paho/5/props", payload: "p", qos: 1, retain: false, userProperties: [["k", "v"]] }]);
      });
    }
  });
}
