// The `quarkmq` command line: flags (one per option in config-schema.ts, plus --config, --help, --version)
// parsed into what loadConfig() takes, and the --help text generated from the same table.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { didYouMean, optionSpecs } from "./schema.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface CommandLine {
  help: boolean;
  version: boolean;
  /** --hash-password: print a scrypt hash of the password read from stdin, for `users`/passwordFile. */
  hashPassword: boolean;
  /** --reset-store: set the data directory aside (renamed with a timestamp) and start with an empty store. */
  resetStore: boolean;
  configPath?: string;
  /** Option key → the flag's text, for loadConfig({ flags }). */
  flags: Record<string, string>;
}

const short: Record<string, string> = { port: "p" };

export function parseCommandLine(argv: string[]): CommandLine {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    config: { type: "string", short: "c" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "v" },
    "hash-password": { type: "boolean" },
    "no-persistence": { type: "boolean" },
    "reset-store": { type: "boolean" },
  };
  for (const spec of optionSpecs) {
    options[spec.flag] = short[spec.key] ? { type: "string", short: short[spec.key] } : { type: "string" };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const hint = didYouMean(unknown.replace(/^-+/, ""), Object.keys(options));
      throw new UsageError(`unknown option ${unknown}${hint ? ` (did you mean --${hint}?)` : ""}`);
    }
    throw new UsageError(message.split(". ")[0]!.replace(/\.$/, ""));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flags: Record<string, string> = {};
  for (const spec of optionSpecs) {
    const value = values[spec.flag];
    if (typeof value === "string") flags[spec.key] = value;
  }
  if (values["no-persistence"] === true) flags.persistence = "false";
  return {
    help: values.help === true,
    version: values.version === true,
    hashPassword: values["hash-password"] === true,
    resetStore: values["reset-store"] === true,
    configPath: typeof values.config === "string" ? values.config : undefined,
    flags,
  };
}

/** The package version, read from package.json (host/config/ and dist/config/ both sit two levels below it). */
export function packageVersion(): string {
  const json = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return json.version;
}

export function helpText(): string {
  const lines = [
    `quarkmq ${packageVersion()} - an MQTT 3.1/3.1.1/5.0 broker`,
    "",
    "Usage: quarkmq [--config quarkmq.yaml] [options]",
    "",
    "Precedence: flags > QUARKMQ_* environment variables > config file > defaults.",
    "",
    "  -c, --config <file>   (env QUARKMQ_CONFIG)",
    "        config file (.yaml, .yml or .json)",
    "  -h, --help",
    "        print this help",
    "  -v, --version",
    "        print the version",
    "      --hash-password",
    "        read a password on stdin, print its scrypt hash (usable as a password in users or passwordFile)",
    "      --no-persistence",
    "        keep sessions, queues and retained messages in memory only (same as --persistence false)",
    "      --reset-store",
    "        rename the data directory to <dir>.<timestamp> (never deleted) and start with an empty store",
  ];
  for (const spec of optionSpecs) {
    const flag = `${short[spec.key] ? `-${short[spec.key]}, ` : "    "}--${spec.flag} <${spec.kind === "integer" ? "n" : spec.kind === "boolean" ? "true|false" : "value"}>`;
    lines.push(`  ${flag}   (env ${spec.env})`, `        ${spec.help}`);
  }
  lines.push("", "Logs are JSON lines (pino) on stdout. SIGTERM or SIGINT closes the broker gracefully; SIGHUP re-reads TLS certificates.");
  return lines.join("\n") + "\n";
}
