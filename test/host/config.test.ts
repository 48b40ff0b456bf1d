// Config resolution: real YAML/JSON files in a temporary directory, QUARKMQ_* environment overrides and
// flags, every error naming its source, key and expectation; users and ACL turned into hooks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../host/config/load.ts";
import { configDir, problems } from "../helpers/config-files.ts";
import { filterCovers } from "../../host/config/access.ts";
import { fileKeys, optionSpecs } from "../../host/config/schema.ts";
import { hashPassword } from "../../host/config/password-hash.ts";
import { defaultOptions } from "../../host/config/options.ts";
import type { ClientInfo } from "../../host/hooks.ts";

const { dir, file } = configDir("quarkmq-config-");

const client = (username?: string): ClientInfo => ({ clientId: "c", username, protocolLevel: 5 });

describe("config sources", () => {
  it("gives the defaults with no file, no environment and no flags", () => {
    const { options, configPath } = loadConfig({ env: {} });
    expect(configPath).toBeUndefined();
    expect(options).toMatchObject(defaultOptions);
    expect(options.tcp).toEqual({ port: 1883, host: "127.0.0.1" });
  });

  it("reads a YAML file", () => {
    const path = file("a.yaml", "tcp:\n  port: 18830\n  host: 0.0.0.0\nmaxPacketSize: 65536\nallowAnonymous: false\nlogLevel: warn\n");
    const { options, configPath } = loadConfig({ configPath: path, env: {} });
    expect(configPath).toBe(path);
    expect(options.tcp).toEqual({ port: 18830, host: "0.0.0.0" });
    expect(options.maxPacketSize).toBe(65536);
    expect(options.allowAnonymous).toBe(false);
    expect(options.logLevel).toBe("warn");
    expect(options.maxKeepAlive).toBe(defaultOptions.maxKeepAlive);
  });

  it("reads a JSON file", () => {
    const path = file("a.json", JSON.stringify({ tcp: { port: 1999 }, maximumQoS: 1, maxKeepAlive: 60 }));
    const { options } = loadConfig({ configPath: path, env: {} });
    expect(options.tcp).toEqual({ port: 1999, host: "127.0.0.1" });
    expect(options.maximumQoS).toBe(1);
    expect(options.maxKeepAlive).toBe(60);
  });

  it("takes the file from QUARKMQ_CONFIG", () => {
    const path = file("env.yaml", "maxKeepAlive: 30\n");
    expect(loadConfig({ env: { QUARKMQ_CONFIG: path } }).options.maxKeepAlive).toBe(30);
  });

  it("accepts tcp: false (in-process use)", () => {
    expect(loadConfig({ configPath: file("notcp.yaml", "tcp: false\n"), env: {} }).options.tcp).toBe(false);
  });

  it("accepts an empty file", () => {
    expect(loadConfig({ configPath: file("empty.yaml", ""), env: {} }).options.maxPacketSize).toBe(defaultOptions.maxPacketSize);
  });

  it("lets the environment override the file and flags override both", () => {
    const path = file("b.yaml", "tcp:\n  port: 1000\nmaxPacketSize: 1000\nlogLevel: error\n");
    const env = { QUARKMQ_PORT: "2000", QUARKMQ_MAX_PACKET_SIZE: "2000", QUARKMQ_ALLOW_ANONYMOUS: "no", PATH: "/bin" };
    const { options } = loadConfig({ configPath: path, env, flags: { port: "3000", logLevel: "debug" } });
    expect(options.tcp).toEqual({ port: 3000, host: "127.0.0.1" });
    expect(options.maxPacketSize).toBe(2000);
    expect(options.allowAnonymous).toBe(false);
    expect(options.logLevel).toBe("debug");
  });

  it("reads maxQueuedBytes from the file, QUARKMQ_MAX_QUEUED_BYTES and --max-queued-bytes, and refuses a negative one", () => {
    const path = file("queued.yaml", "maxQueuedBytes: 1048576\n");
    expect(loadConfig({ configPath: path, env: {} }).options.maxQueuedBytes).toBe(1 << 20);
    expect(loadConfig({ configPath: path, env: { QUARKMQ_MAX_QUEUED_BYTES: "2097152" } }).options.maxQueuedBytes).toBe(2 << 20);
    expect(loadConfig({ env: {}, flags: { maxQueuedBytes: "4096" } }).options.maxQueuedBytes).toBe(4096);
    expect(problems(() => loadConfig({ env: {}, flags: { maxQueuedBytes: "-1" } }))).toEqual([
      "--max-queued-bytes: expected an integer from 0 to 9007199254740991, got -1",
    ]);
  });

  it("reads QUARKMQ_HOST and QUARKMQ_LOG_LEVEL", () => {
    const { options } = loadConfig({ env: { QUARKMQ_HOST: "::1", QUARKMQ_LOG_LEVEL: "silent" } });
    expect(options.tcp).toEqual({ port: 1883, host: "::1" });
    expect(options.logLevel).toBe("silent");
  });
});

describe("config errors", () => {
  it("names the file, the key and the expectation for a wrong type", () => {
    const path = file("bad-type.yaml", "maxPacketSize: big\n");
    expect(problems(() => loadConfig({ configPath: path, env: {} }))).toEqual([
      `${path}: maxPacketSize: expected an integer from 2 to 268435460, got "big"`,
    ]);
  });

  it("refuses out-of-range values", () => {
    const path = file("range.yaml", "tcp:\n  port: 70000\nmaximumQoS: 3\nreceiveMaximum: 0\n");
    const found = problems(() => loadConfig({ configPath: path, env: {} }));
    expect(found).toEqual([
      `${path}: tcp.port: expected an integer from 0 to 65535, got 70000`,
      `${path}: maximumQoS: expected an integer from 0 to 2, got 3`,
      `${path}: receiveMaximum: expected an integer from 1 to 65535, got 0`,
    ]);
  });

  it("refuses unknown keys with a did-you-mean", () => {
    const path = file("typo.yaml", "maxPacketSise: 10\nmax_keep_alive: 5\nfrobnicate: 1\ntcp:\n  prot: 1\n");
    const found = problems(() => loadConfig({ configPath: path, env: {} }));
    expect(found).toContain(`${path}: unknown key "maxPacketSise" (did you mean "maxPacketSize"?)`);
    expect(found).toContain(`${path}: unknown key "max_keep_alive" (did you mean "maxKeepAlive"?)`);
    expect(found).toContain(`${path}: unknown key "frobnicate"`);
    expect(found).toContain(`${path}: tcp: unknown key "prot" (did you mean "port"?)`);
  });

  it("reports invalid YAML with the file name", () => {
    const path = file("broken.yaml", "tcp: [1, 2\n");
    const [problem] = problems(() => loadConfig({ configPath: path, env: {} }));
    expect(problem).toMatch(new RegExp(`^${path.replace(/[.]/g, "\\.")}: invalid YAML: `));
  });

  it("reports invalid JSON and a top level that is not a mapping", () => {
    expect(problems(() => loadConfig({ configPath: file("broken.json", "{"), env: {} }))[0]).toMatch(/broken\.json: invalid JSON: /);
    expect(problems(() => loadConfig({ configPath: file("list.yaml", "- 1\n"), env: {} }))[0]).toMatch(/list\.yaml: expected a mapping/);
  });

  it("reports a missing file and an unknown extension", () => {
    expect(problems(() => loadConfig({ configPath: join(dir, "nope.yaml"), env: {} }))[0]).toMatch(/nope\.yaml: cannot read config file/);
    expect(problems(() => loadConfig({ configPath: file("x.toml", ""), env: {} }))[0]).toMatch(/x\.toml: unknown config file extension ".toml"/);
  });

  it("ignores QUARKMQ_ variables of other tools with a warning", () => {
    const { warnings, options } = loadConfig({ env: { QUARKMQ_FUZZ_SEED: "7", QUARKMQ_BENCH_PORT: "1", QUARKMQ_PORT: "1999" } });
    expect(warnings).toEqual([
      "environment: QUARKMQ_FUZZ_SEED is not a quarkmq option; ignored",
      "environment: QUARKMQ_BENCH_PORT is not a quarkmq option; ignored",
    ]);
    expect(options.tcp).toEqual({ port: 1999, host: "127.0.0.1" });
  });

  it("names the environment variable and refuses near misses of QUARKMQ_ ones", () => {
    const found = problems(() => loadConfig({ env: { QUARKMQ_PORT: "http", QUARKMQ_MAX_PAKET_SIZE: "5", QUARKMQ_LOG_LEVEL: "loud" } }));
    expect(found).toEqual([
      'environment QUARKMQ_PORT: expected an integer from 0 to 65535, got "http"',
      'environment: unknown key "QUARKMQ_MAX_PAKET_SIZE" (did you mean "QUARKMQ_MAX_PACKET_SIZE"?)',
      'environment QUARKMQ_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  it("names the flag", () => {
    expect(problems(() => loadConfig({ env: {}, flags: { allowAnonymous: "maybe" } }))).toEqual([
      '--allow-anonymous: expected true or false, got "maybe"',
    ]);
  });

  it("checks users and acl entries", () => {
    const path = file("access-bad.yaml", "users:\n  - username: a\n  - name: b\n    password: x\nacl:\n  denySubscribe: x\n  denyPublsh: []\n  denySubscribeReasonCode: 0x8F\n");
    const found = problems(() => loadConfig({ configPath: path, env: {} }));
    expect(found).toEqual([
      `${path}: users[0].password: expected a string`,
      `${path}: users[1]: unknown key "name" (did you mean "username"?)`,
      `${path}: users[1].username: expected a non-empty string`,
      `${path}: acl.denySubscribe: expected a list of topic filters`,
      `${path}: acl: unknown key "denyPublsh" (did you mean "denyPublish"?)`,
      `${path}: acl.denySubscribeReasonCode: expected 0x80 or 0x87, got 143`,
    ]);
  });

  it("v5 [MQTT-4.7.1-1] [MQTT-4.7.1-2] v3.1.1 [MQTT-4.7.1-2] [MQTT-4.7.1-3] refuses ACL entries that are not valid topic filters", () => {
    const path = file("acl-bad.yaml", "acl:\n  denySubscribe: [\"a/#/b\", \"a+/b\", \"ok/+/#\"]\n  denyPublish: [\"x#\"]\n");
    const hint = "is not a valid topic filter (# only as the last level, + and # alone in their level)";
    expect(problems(() => loadConfig({ configPath: path, env: {} }))).toEqual([
      `${path}: acl.denySubscribe: "a/#/b" ${hint}`,
      `${path}: acl.denySubscribe: "a+/b" ${hint}`,
      `${path}: acl.denyPublish: "x#" ${hint}`,
    ]);
  });

  it("names the line of a bad password file", () => {
    const passwords = file("bad.passwd", "# users\nalice:secret\nbob\n");
    const path = file("pwfile-bad.yaml", `passwordFile: ${passwords}\n`);
    expect(problems(() => loadConfig({ configPath: path, env: {} }))).toEqual([
      `${path}: passwordFile: ${passwords}:3: expected "username:password", got "bob"`,
    ]);
  });
});

describe("quarkmq.example.yaml", () => {
  const example = new URL("../../quarkmq.example.yaml", import.meta.url).pathname;

  it("loads and equals the defaults", () => {
    const { options } = loadConfig({ configPath: example, env: {} });
    expect(options).toEqual({ ...defaultOptions, hooks: {} });
  });

  it("documents every key a config file may hold", () => {
    const text = readFileSync(example, "utf8");
    for (const key of fileKeys) expect(text).toMatch(new RegExp(`^#? ?${key}:`, "m"));
    for (const spec of optionSpecs) expect(text).toContain(spec.env);
  });
});

describe("access hooks", () => {
  it("has no hooks when the file sets no users and no acl", () => {
    expect(loadConfig({ env: {} }).options.hooks).toEqual({});
  });

  it("authenticates inline users and users from a password file (relative to the config file)", async () => {
    file("users.passwd", "# comment\ncarol:pa:ss\n");
    const path = file("users.yaml", "allowAnonymous: false\nusers:\n  - { username: alice, password: secret }\npasswordFile: users.passwd\n");
    const { hooks } = loadConfig({ configPath: path, env: {} }).options;
    const authenticate = hooks.authenticate!;
    expect(await authenticate({ client: client("alice"), password: Buffer.from("secret") })).toBe(true);
    expect(await authenticate({ client: client("carol"), password: Buffer.from("pa:ss") })).toBe(true);
    expect(await authenticate({ client: client("alice"), password: Buffer.from("wrong") })).toBe(0x86);
    expect(await authenticate({ client: client("mallory"), password: Buffer.from("secret") })).toBe(0x86);
    expect(await authenticate({ client: client("alice") })).toBe(0x86);
    expect(await authenticate({ client: client() })).toBe(0x87);
  });

  it("checks scrypt hashes (from --hash-password) inline and in a password file", async () => {
    const hash = await hashPassword("s3cret");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    file("hashed.passwd", `dave:${await hashPassword("pw:with:colons")}\n`);
    const path = file("hashed.yaml", `users:\n  - { username: erin, password: "${hash}" }\npasswordFile: hashed.passwd\n`);
    const authenticate = loadConfig({ configPath: path, env: {} }).options.hooks.authenticate!;
    expect(await authenticate({ client: client("erin"), password: Buffer.from("s3cret") })).toBe(true);
    expect(await authenticate({ client: client("erin"), password: Buffer.from("s3cre") })).toBe(0x86);
    expect(await authenticate({ client: client("erin"), password: Buffer.from(hash) })).toBe(0x86);
    expect(await authenticate({ client: client("dave"), password: Buffer.from("pw:with:colons") })).toBe(true);
    expect(await authenticate({ client: client("dave") })).toBe(0x86);
  });

  it("refuses anonymous clients once users are configured, unless allowAnonymous is set true", async () => {
    const path = file("users-anon.yaml", "users:\n  - { username: alice, password: secret }\n");
    const closed = loadConfig({ configPath: path, env: {} });
    expect(closed.anonymous).toBe(false);
    expect(await closed.options.hooks.authenticate!({ client: client() })).toBe(0x87);
    const open = loadConfig({ configPath: path, env: {}, flags: { allowAnonymous: "true" } });
    expect(open.anonymous).toBe(true);
    expect(await open.options.hooks.authenticate!({ client: client() })).toBe(true);
  });

  it("denies subscribing and publishing to the configured filters", async () => {
    const path = file("acl.yaml", "acl:\n  denySubscribe: [test/nosubscribe, secret/#]\n  denyPublish: [\"+/readonly\"]\n");
    const { hooks } = loadConfig({ configPath: path, env: {} }).options;
    const sub = (topicFilter: string) => hooks.authorizeSubscribe!({ client: client(), topicFilter, qos: 0 });
    const pub = (topicName: string) =>
      hooks.authorizePublish!({ client: client(), topicName, payload: Buffer.alloc(0), qos: 0, retain: false, properties: {} });
    expect(await sub("test/nosubscribe")).toBe(0x87);
    expect(await sub("$share/g/test/nosubscribe")).toBe(0x87);
    expect(await sub("secret/a/+")).toBe(0x87);
    expect(await sub("test/other")).toBe(true);
    expect(await sub("#")).toBe(true);
    expect(await pub("a/readonly")).toBe(0x87);
    expect(await pub("a/writable")).toBe(true);
  });

  it("refuses denied subscriptions with acl.denySubscribeReasonCode when set (0x80 Unspecified error)", async () => {
    const path = file("acl-0x80.yaml", "acl:\n  denySubscribe: [test/nosubscribe]\n  denySubscribeReasonCode: 0x80\n");
    const { hooks } = loadConfig({ configPath: path, env: {} }).options;
    expect(await hooks.authorizeSubscribe!({ client: client(), topicFilter: "test/nosubscribe", qos: 2 })).toBe(0x80);
    expect(await hooks.authorizeSubscribe!({ client: client(), topicFilter: "test/other", qos: 2 })).toBe(true);
  });

  it("matches filters the way MQTT does ($ topics, # covering its parent)", () => {
    expect(filterCovers("a/#", "a")).toBe(true);
    expect(filterCovers("a/+", "a/b")).toBe(true);
    expect(filterCovers("a/+", "a/b/c")).toBe(false);
    expect(filterCovers("a/+", "a/#")).toBe(false);
    expect(filterCovers("#", "$SYS/x")).toBe(false);
    expect(filterCovers("+/x", "$SYS/x")).toBe(false);
    expect(filterCovers("$SYS/#", "$SYS/x")).toBe(true);
  });
});
