// Resolves BrokerOptions from, in rising precedence: the defaults, a config file (YAML or JSON, by
// extension), QUARKMQ_* environment variables and CLI flags. Every value is checked; every problem is
// reported at once in one ConfigError naming where it came from, the key and what was expected.
import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { BrokerOptions } from "./options.ts";
import { defaultOptions } from "./options.ts";
import type { Hooks } from "../hooks.ts";
import { accessHooks, UserTable, type Acl, type User } from "./access.ts";
import { readAcl, readUsers, unknownKey } from "./access-readers.ts";
import { readAclFile } from "./acl-file.ts";
import { scramSha256 } from "../security/scram-sha256.ts";
import { readPasswordFile } from "./password-file.ts";
import { didYouMean, fileKeys, fromText, httpKeys, listenerShorthands, optionSpecs, type OptionSpec } from "./schema.ts";
import { mergeShorthands, readListeners, usesCertificateIdentity, type ListenerConfig } from "./listeners.ts";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigInput {
  /** Config file path (.yaml, .yml or .json). QUARKMQ_CONFIG is used when absent. */
  configPath?: string;
  /** Environment to read QUARKMQ_* from; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Option key (as in optionSpecs, e.g. "port", "maxPacketSize") → the flag's text. */
  flags?: Record<string, string>;
}

export interface ResolvedConfig {
  options: BrokerOptions;
  /** The config file read, if any (absolute path). */
  configPath?: string;
  /** Things worth a log line that are not errors: QUARKMQ_* variables that are no option and no typo of one. */
  warnings: string[];
  /** Files holding passwords (the config file with `users`, the password file), for a permissions check. */
  secretFiles: string[];
  /** True when a client without a username gets in: allowAnonymous with no users, or users and allowAnonymous. */
  anonymous: boolean;
  /** Why allowAnonymous is what it is, for the start log. */
  anonymousReason: string;
  users?: User[];
  /** The users the authenticate hook checks; reloadable (host/config/reload.ts). */
  userTable?: UserTable;
  /** Users written in the config file itself (kept across a reload of the password file). */
  inlineUsers: User[];
  /** The password file (absolute path), if any. */
  passwordFile?: string;
  acl?: Acl;
}

const specByKey = new Map(optionSpecs.map((s) => [s.key, s]));
const specByEnv = new Map(optionSpecs.map((s) => [s.env, s]));
const otherEnv = new Set(["QUARKMQ_CONFIG"]);

/** Reads a config file into a plain object; throws ConfigError naming the file. */
export function readConfigFile(path: string): Record<string, unknown> {
  const ext = extname(path).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    throw new ConfigError([`${path}: unknown config file extension "${ext}"; expected .yaml, .yml or .json`]);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`${path}: cannot read config file: ${(error as Error).message}`]);
  }
  let data: unknown;
  try {
    data = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path}: invalid ${ext === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`]);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([`${path}: expected a mapping of option names to values at the top level`]);
  }
  return data as Record<string, unknown>;
}

/** Resolves every source into BrokerOptions plus the access hooks; throws ConfigError listing every problem. */
export function loadConfig(input: ConfigInput = {}): ResolvedConfig {
  const env = input.env ?? process.env;
  const problems: string[] = [];
  const warnings: string[] = [];
  const secretFiles: string[] = [];
  const values = new Map<string, unknown>();
  const set = (spec: OptionSpec, raw: unknown, where: string) => {
    const result = spec.check(raw);
    if ("expected" in result) problems.push(`${where}: expected ${result.expected}, got ${JSON.stringify(raw)}`);
    else values.set(spec.key, result.value);
  };

  const configPath = input.configPath ?? env.QUARKMQ_CONFIG;
  const file = configPath === undefined ? undefined : resolve(configPath);
  let users: User[] | undefined;
  let inlineUsers: User[] = [];
  let passwordFile: string | undefined;
  let aclFile: string | undefined;
  let acl: Acl | undefined;
  let tcpOff = false;
  let listeners: ListenerConfig[] | undefined;
  let httpOn = false;
  if (file !== undefined) {
    const data = readConfigFile(file);
    for (const [key, value] of Object.entries(data)) {
      const where = `${file}: ${key}`;
      if (key === "tcp") {
        if (value === false) tcpOff = true;
        else if (value === null || typeof value !== "object" || Array.isArray(value)) {
          problems.push(`${where}: expected a mapping with port and host, or false`);
        } else {
          for (const [k, v] of Object.entries(value)) {
            const s = k === "port" || k === "host" ? specByKey.get(k)! : undefined;
            if (s) set(s, v, `${where}.${k}`);
            else problems.push(unknownKey(`${file}: tcp`, k, ["port", "host"]));
          }
        }
      } else if (key === "listeners") {
        if ("tcp" in data) problems.push(`${where}: give either tcp (a single TCP listener) or listeners, not both`);
        listeners = readListeners(value, where, dirname(file), problems, unknownKey);
      } else if (key === "http") {
        if (value === false) continue;
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          problems.push(`${where}: expected a mapping with port, host and adminToken, or false`);
          continue;
        }
        httpOn = true;
        if ("adminToken" in value) secretFiles.push(file);
        for (const [k, v] of Object.entries(value)) {
          const s = Object.hasOwn(httpKeys, k) ? specByKey.get(httpKeys[k]!)! : undefined;
          if (s) set(s, v, `${where}.${k}`);
          else problems.push(unknownKey(`${file}: http`, k, Object.keys(httpKeys)));
        }
      } else if (key === "users") {
        inlineUsers = readUsers(value, where, problems);
        users = [...(users ?? []), ...inlineUsers];
        if (users.length > 0) secretFiles.push(file);
      } else if (key === "passwordFile") {
        if (typeof value !== "string" || value === "") problems.push(`${where}: expected a file path`);
        else {
          const path = resolve(dirname(file), value);
          passwordFile = path;
          try {
            const read = readPasswordFile(path);
            users = [...(users ?? []), ...read.users];
            warnings.push(...read.warnings);
            secretFiles.push(path);
          } catch (error) {
            problems.push(`${where}: ${(error as Error).message}`);
          }
        }
      } else if (key === "aclFile") {
        if (typeof value !== "string" || value === "") problems.push(`${where}: expected a file path`);
        else {
          aclFile = resolve(dirname(file), value);
          problems.push(...readAclFile(aclFile).errors);
        }
      } else if (key === "acl") {
        acl = readAcl(value, where, problems);
      } else {
        const s = fileKeys.includes(key) ? specByKey.get(key) : undefined;
        if (s) set(s, value, where);
        else problems.push(unknownKey(file, key, fileKeys));
      }
    }
  }

  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith("QUARKMQ_") || text === undefined || otherEnv.has(name)) continue;
    const s = specByEnv.get(name);
    const known = [...specByEnv.keys(), ...otherEnv];
    if (s) set(s, fromText(s, text), `environment ${name}`);
    // A near miss of an option is a typo (an error); anything else may belong to another tool (a warning).
    else if (didYouMean(name.slice(8), known.map((k) => k.slice(8)), false)) problems.push(unknownKey("environment", name, known));
    else warnings.push(`environment: ${name} is not a quarkmq option; ignored`);
  }

  for (const [key, text] of Object.entries(input.flags ?? {})) {
    const s = specByKey.get(key);
    if (s) set(s, fromText(s, text), `--${s.flag}`);
    else problems.push(`unknown option --${key}`);
  }

  listeners = mergeShorthands(listeners, values, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  httpOn ||= values.has("httpPort") || values.has("httpHost");
  const built = build(values, tcpOff, httpOn, listeners, users, acl);
  if (aclFile !== undefined) built.options.aclFile = aclFile;
  return { ...built, configPath: file, warnings, secretFiles, inlineUsers, passwordFile };
}

function build(values: Map<string, unknown>, tcpOff: boolean, httpOn: boolean, listeners?: ListenerConfig[], users?: User[], acl?: Acl) {
  const sectionFields = new Set(["port", "host", ...Object.values(httpKeys)]);
  const rest = Object.fromEntries([...values].filter(([k]) => !sectionFields.has(k) && !(k in listenerShorthands)));
  const base = defaultOptions.tcp === false ? { port: 1883, host: "127.0.0.1" } : defaultOptions.tcp;
  const tcp = tcpOff && !values.has("port") && !values.has("host")
    ? false as const
    : { port: (values.get("port") as number) ?? base.port, host: (values.get("host") as string) ?? base.host };
  // The HTTP listener is off unless its section, port or host is given; the admin token alone does not open it.
  const adminToken = values.get("adminToken") as string | undefined;
  const http = httpOn
    ? { port: (values.get("httpPort") as number) ?? 8081, host: (values.get("httpHost") as string) ?? "127.0.0.1", ...(adminToken ? { adminToken } : {}) }
    : false as const;
  const options = { ...defaultOptions, ...rest, tcp, http, ...(listeners === undefined ? {} : { listeners }) } as BrokerOptions;
  if (users?.length === 0) users = undefined;
  let anonymousReason = values.has("allowAnonymous") ? "allowAnonymous set in the configuration" : "the default with no users configured";
  const identity = usesCertificateIdentity(listeners);
  if ((users !== undefined || identity) && !values.has("allowAnonymous")) {
    options.allowAnonymous = false;
    const what = users === undefined ? "a certificate identity (useIdentityAs) is" : identity ? "users and a certificate identity (useIdentityAs) are" : "users are";
    anonymousReason = `${what} configured, so clients without a username are refused unless allowAnonymous is set`;
  }
  const userTable = users === undefined ? undefined : new UserTable(users);
  if (userTable !== undefined) options.authMethods = { "SCRAM-SHA-256": scramSha256((name) => userTable.scramEntry(name)) };
  const hooks: Hooks = accessHooks(userTable, acl, options.allowAnonymous);
  options.hooks = hooks;
  return { options, anonymous: options.allowAnonymous, anonymousReason, users, userTable, acl };
}
