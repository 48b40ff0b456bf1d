// `quarkmq passwd` run as an operator runs it (the real binary): create, add, change, delete, the three ways
// to give a password (a hidden prompt on a pseudo-terminal, --stdin, -b), mode 0600, and the file it writes
// used by a broker that refuses the wrong password with the exact CONNACK.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../host/config/password-hash.ts";
import { verifyScramPassword } from "../../host/config/scram-credentials.ts";
import { binPath, startQuarkmq } from "../helpers/quarkmq-process.ts";
import { RawClient } from "../helpers/raw-client.ts";
import { connect, type ConnectFields } from "../helpers/packets.ts";

const dir = mkdtempSync(join(tmpdir(), "quarkmq-passwd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passwd(args: string[], input?: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARKMQ_")));
  return spawnSync(process.execPath, [binPath, "passwd", ...args], { input, encoding: "utf8", timeout: 20_000, env });
}

function entries(path: string): Map<string, string> {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("quarkmq passwd", { timeout: 90_000 }, () => {
  it("creates (-c, -b), adds (--stdin), changes and deletes (-D) users; the file is always 0600 and never half-written", async () => {
    const path = join(dir, "users.passwd");
    expect(passwd(["-b", path, "alice", "a1"]).status).toBe(1); // no file without -c
    expect(existsSync(path)).toBe(false);

    const created = passwd(["-c", "-b", path, "alice", "a1"]);
    expect(created.status, created.stderr).toBe(0);
    expect(mode(path)).toBe(0o600);
    expect(await verifyPassword(entries(path).get("alice")!, Buffer.from("a1"))).toBe(true);

    chmodSync(path, 0o644);
    writeFileSync(path, `# devices\n${readFileSync(path, "utf8")}`);
    const added = passwd(["--stdin", path, "bob"], "b2 with spaces\nignored second line\n");
    expect(added.status, added.stderr).toBe(0);
    expect(mode(path)).toBe(0o600); // rewritten, not edited in place
    expect(readFileSync(path, "utf8").startsWith("# devices\n")).toBe(true); // other lines kept
    expect(await verifyPassword(entries(path).get("bob")!, Buffer.from("b2 with spaces"))).toBe(true);

    const before = entries(path).get("alice");
    expect(passwd(["-b", path, "alice", "new"]).status).toBe(0);
    expect(entries(path).get("alice")).not.toBe(before);
    expect(await verifyPassword(entries(path).get("alice")!, Buffer.from("new"))).toBe(true);
    expect([...entries(path).keys()]).toEqual(["alice", "bob"]);

    expect(passwd(["-D", path, "alice"]).status).toBe(0);
    expect([...entries(path).keys()]).toEqual(["bob"]);
    expect(passwd(["-D", path, "alice"]).status).toBe(1); // no such user
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses usage errors and bad names without touching the file", () => {
    const path = join(dir, "refuse.passwd");
    expect(passwd(["-c", "-b", path, "u", "p"]).status).toBe(0);
    const text = readFileSync(path, "utf8");
    expect(passwd(["-b", path, "a:b", "p"]).status).toBe(1);
    expect(passwd(["-b", path, "u"]).status).toBe(2);
    expect(passwd(["-D", "-c", path, "u"]).status).toBe(2);
    expect(passwd(["--stdin", path, "u"], "\n").status).toBe(1); // empty password
    expect(passwd(["--bogus", path, "u"]).status).toBe(2);
    const prompt = passwd([path, "u"], "typed\n"); // a prompt needs a terminal
    expect(prompt.status).toBe(2);
    expect(prompt.stderr).toContain("--stdin");
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("prompts twice on a terminal without echoing the password, and refuses two different answers", () => {
    const path = join(dir, "tty.passwd");
    const script = `
import os, pty, sys, time
def run(answers):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], [sys.argv[1], sys.argv[2], "passwd", "-c", sys.argv[3], "carol"])
    out = b""
    for answer in answers:
        deadline = time.time() + 15
        while b"assword: " not in out[-20:] and time.time() < deadline:
            try: out += os.read(fd, 1024)
            except OSError: break
        os.write(fd, answer.encode() + b"\\r")
        out = out + b"|"
    while True:
        try:
            chunk = os.read(fd, 1024)
            if not chunk: break
            out += chunk
        except OSError: break
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")
code1, out1 = run(["s3cret-typed", "s3cret-typed"])
code2, out2 = run(["first-x", "second-y"])
print(code1); print(code2); print(("s3cret-typed" in out1) or ("first-x" in out2))
`;
    const result = spawnSync("/usr/bin/python3", ["-c", script, process.execPath, binPath, path], { encoding: "utf8", timeout: 55_000 });
    const [code1, code2, echoed] = result.stdout.trim().split("\n");
    expect(code1, result.stderr).toBe("0");
    expect(code2).toBe("1");
    expect(echoed).toBe("False");
    expect(mode(path)).toBe(0o600);
    return verifyPassword(entries(path).get("carol")!, Buffer.from("s3cret-typed")).then((ok) => expect(ok).toBe(true));
  });

  it("--scram stores SCRAM-SHA-256 keys, which also check a CONNECT password", async () => {
    const path = join(dir, "scram.passwd");
    expect(passwd(["-c", "--scram", "-b", path, "dave", "d4"]).status).toBe(0);
    const value = entries(path).get("dave")!;
    expect(value).toMatch(/^scram-sha-256\$4096\$/);
    expect(await verifyScramPassword(value, Buffer.from("d4"))).toBe(true);
    expect(await verifyScramPassword(value, Buffer.from("d5"))).toBe(false);
  });

  it("[MQTT-3.1.4-2] a broker using the file it writes accepts the right password and refuses others (0x04 / 0x86); plain text is warned about", async () => {
    const path = join(dir, "broker.passwd");
    expect(passwd(["-c", "-b", path, "eve", "e5"]).status).toBe(0);
    expect(passwd(["-b", "--scram", path, "sam", "s6"]).status).toBe(0);
    writeFileSync(path, `${readFileSync(path, "utf8")}plain:text\n`);
    const config = join(dir, "broker.yaml");
    writeFileSync(config, `tcp: { port: 0 }\npasswordFile: ${path}\n`);
    const { broker, port } = await startQuarkmq(["--config", config]);
    try {
      const warning = broker.logs.find((l) => l.msg.includes("plain text"));
      expect(warning?.msg).toContain(`${path}:3:`);
      const attempt = async (fields: Partial<ConnectFields>) => {
        const raw = await RawClient.open(port);
        raw.send(connect({ level: 4, clientId: "passwd-check", ...fields }));
        const reply = [...(await raw.packet())];
        raw.close();
        return reply;
      };
      expect(await attempt({ username: "eve", password: Buffer.from("e5") })).toEqual([0x20, 0x02, 0x00, 0x00]);
      expect(await attempt({ username: "sam", password: Buffer.from("s6") })).toEqual([0x20, 0x02, 0x00, 0x00]);
      expect(await attempt({ username: "eve", password: Buffer.from("e6") })).toEqual([0x20, 0x02, 0x00, 0x04]);
      expect(await attempt({ level: 5, username: "eve", password: Buffer.from("nope") })).toEqual([0x20, 0x03, 0x00, 0x86, 0x00]);
    } finally {
      await broker.stop();
    }
  });
});
