// A reference broker for checking the spec tests themselves: SPEC_BROKER=mosquitto runs them against a
// mosquitto process (loopback, port picked free, anonymous allowed) instead of quarkmq. Not used by CI.
import { spawn } from "node:child_process";
import net from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startMosquitto() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "spec-mosquitto-"));
  writeFileSync(join(dir, "m.conf"), `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
  const child = spawn("/usr/sbin/mosquitto", ["-c", join(dir, "m.conf")], { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: "127.0.0.1" }, () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    listen: async () => ({ host: "127.0.0.1", port }),
    close: async () => {
      child.kill();
    },
  };
}
