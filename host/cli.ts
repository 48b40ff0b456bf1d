// The `quarkmq` binary: resolves the configuration, starts the broker, logs JSON lines to stdout, closes gracefully
// on SIGTERM/SIGINT and reloads certificates, the password file and the ACL file on SIGHUP; `quarkmq passwd`
// edits a password file. Exit codes: 0 clean stop, 1 configuration or start failure, 2 usage.
import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { pino } from "pino";
import { ConfigError, loadConfig, type ResolvedConfig } from "./config/load.ts";
import { helpText, packageVersion, parseCommandLine, UsageError } from "./config/cli-args.ts";
import type { Logger } from "./log.ts";
import { hashPassword } from "./config/password-hash.ts";
import { PasswdError, runPasswd } from "./config/passwd.ts";
import { reloadAccess } from "./config/reload.ts";
import { effectiveListeners } from "./config/listeners.ts";

/** Milliseconds a graceful close may take before the process exits anyway. */
const closeTimeout = 10_000;

function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/**
 * JSON lines written synchronously to stdout: lines are never lost at exit, and a reader that went away
 * (EPIPE) turns logging off instead of leaving an asynchronous flush retrying forever at exit.
 */
function stdoutLogger(level: string): Logger {
  return pino({ name: "quarkmq", level, base: { name: "quarkmq" } }, pino.destination({ dest: 1, sync: true }));
}

function fail(message: string, code: number): never {
  process.stderr.write(`quarkmq: ${message}\n`);
  process.exit(code);
}

function notices(config: ResolvedConfig, log: Logger): void {
  const listeners = effectiveListeners(config.options);
  const open = listeners.filter((l) => !isLoopback(l.host));
  if (config.configPath === undefined) {
    const loopback = open.length === 0 && listeners.length > 0;
    log.info({ host: listeners[0]?.host }, loopback
      ? "no config file given: listening on this machine only (loopback); pass --config or --host to change that"
      : "no config file given");
  } else {
    log.info({ configPath: config.configPath }, "config file loaded");
  }
  for (const warning of config.warnings) log.warn(warning);
  log.info({ allowAnonymous: config.options.allowAnonymous, reason: config.anonymousReason },
    config.options.allowAnonymous ? "clients without a username are accepted" : "clients without a username are refused");
  if (config.options.aclFile !== undefined) log.info({ aclFile: config.options.aclFile }, "ACL file in force: what it does not grant is denied");
  for (const path of config.secretFiles) {
    if ((statSync(path).mode & 0o004) !== 0) log.warn({ path }, "this file holds passwords and every user of this machine can read it; chmod 600 it");
  }
  const http = config.options.http;
  if (http !== false && !isLoopback(http.host)) {
    log.warn({ host: http.host, port: http.port }, "HTTP listening beyond this machine: /health and /metrics need no token; keep the port behind a firewall");
  }
  if (open.length > 0 && config.anonymous) {
    log.warn({ host: open[0]!.host },
      "listening beyond this machine with anonymous access allowed: any client that reaches this port can connect; set allowAnonymous: false and configure users");
  }
}

async function printHash(): Promise<void> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  const password = text.replace(/\r?\n$/, "");
  if (password === "") fail("--hash-password: give the password on stdin, e.g. echo -n 'secret' | quarkmq --hash-password", 2);
  process.stdout.write(`${await hashPassword(password)}\n`);
}

async function passwd(argv: string[]): Promise<void> {
  try {
    process.stderr.write(`${await runPasswd(argv)}\n`);
  } catch (error) {
    if (error instanceof PasswdError) fail(`passwd: ${error.message}`, error.exitCode);
    fail(`passwd: ${(error as Error).message}`, 1);
  }
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === "passwd") return passwd(argv.slice(1));
  let commandLine;
  try {
    commandLine = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\nTry 'quarkmq --help'.`, 2);
    throw error;
  }
  if (commandLine.help) return void process.stdout.write(helpText());
  if (commandLine.version) return void process.stdout.write(`${packageVersion()}\n`);
  if (commandLine.hashPassword) return printHash();

  let config: ResolvedConfig;
  try {
    config = loadConfig({ configPath: commandLine.configPath, flags: commandLine.flags });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 1);
    throw error;
  }
  const log = stdoutLogger(config.options.logLevel);
  notices(config, log);

  const { createBroker } = await import("./index.ts");
  const { setAsideDataDir, StoreOpenError } = await import("./store/data-dir.ts");
  const { lockDataDir, StoreLockedError } = await import("./store/data-dir-lock.ts");
  const { persistence, dataDir } = config.options;
  if (commandLine.resetStore && persistence) {
    try {
      if (existsSync(dataDir)) lockDataDir(dataDir)(); // never set aside the store of a broker still running on it
    } catch (error) {
      if (!(error instanceof StoreOpenError)) throw error;
      fail(`--reset-store: ${error.message}`, 1);
    }
    const renamed = setAsideDataDir(dataDir);
    if (renamed !== undefined) log.warn({ dataDir, renamedTo: renamed }, "--reset-store: the old store was set aside");
  }
  let broker;
  try {
    broker = await createBroker({ ...config.options, logger: log });
  } catch (error) {
    if (!(error instanceof StoreOpenError)) throw error;
    log.fatal({ dataDir: error.path, reason: error.reason }, "cannot open the store");
    if (error instanceof StoreLockedError) fail(error.message, 1); // --reset-store would rename a live broker's store
    fail(`${error.message}\nStart with --reset-store to set it aside (it is renamed, never deleted) and begin with an empty store.`, 1);
  }
  // Handlers go in before the "listening" line: whoever waits for that line may signal at once.
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, "closing");
    const timer = setTimeout(() => {
      log.error({ closeTimeout }, "graceful close took too long: exiting");
      process.exit(1);
    }, closeTimeout);
    timer.unref();
    broker.close().then(
      () => {
        log.info("closed");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "close failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("SIGHUP", () => {
    log.info("SIGHUP: reloading certificates, the password file and the ACL file");
    reloadAccess(config, broker, log);
    broker.reloadCertificates().catch((error: unknown) => log.error({ err: error }, "certificate reload failed: the old certificates stay in use"));
  });

  let address: Awaited<ReturnType<typeof broker.listen>>;
  try {
    address = await broker.listen();
  } catch (error) {
    log.fatal({ err: error }, "cannot listen");
    await broker.close().catch(() => undefined);
    process.exit(1);
  }
  log.info({ ...address, version: packageVersion(), pid: process.pid }, "quarkmq listening");
}

await main(process.argv.slice(2));
