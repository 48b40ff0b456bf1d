// The `listeners` list: one entry per socket the broker opens (tcp, tls, ws, wss), each with its own
// options; the checker that turns a config-file value into that list, naming every problem it finds.
import { resolve } from "node:path";
import { identityFields, type IdentityField } from "../security/certificate-identity.ts";

export type ListenerType = "tcp" | "tls" | "ws" | "wss";

/** Port used when a listener of that type is declared without one. */
export const defaultPorts: Record<ListenerType, number> = { tcp: 1883, tls: 8883, ws: 8083, wss: 8084 };

/** TLS settings of a `tls` or `wss` listener. Files are paths, re-read by reloadCertificates() (SIGHUP). */
export interface TlsSettings {
  /** PEM certificate chain file. */
  cert: string;
  /** PEM private key file. */
  key: string;
  /** PEM file of the CAs client certificates are verified against. */
  ca?: string;
  passphrase?: string;
  /** Lowest TLS version accepted. Default TLSv1.2. */
  minVersion?: "TLSv1.2" | "TLSv1.3";
  /** OpenSSL cipher list (TLS 1.2 suites). Default: Node's. */
  ciphers?: string;
  /** Ask clients for a certificate (verified against `ca`). Default false. */
  requestCert?: boolean;
  /** Refuse clients without a valid certificate (implies requestCert). Default false. */
  requireCert?: boolean;
}

interface Common {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default by type: tcp 1883, tls 8883, ws 8083, wss 8084; 0 picks a free port (tests). */
  port?: number;
}

export interface TcpListenerConfig extends Common {
  type: "tcp";
  /** Expect a PROXY protocol v1 or v2 header first on every connection. Default false. */
  proxyProtocol?: boolean;
}

export interface TlsListenerConfig extends Common, TlsSettings {
  type: "tls";
  proxyProtocol?: boolean;
  /** The verified client certificate's CN, first subjectAltName DNS name or first e-mail address becomes the client's
   *  username (the ACL's %u, the authenticate hook's client.username); needs requireCert. A CONNECT with another
   *  username, or from a certificate without that field, is refused (0x86 / 3.1.1 0x04). */
  useIdentityAs?: IdentityField;
}

export interface WsSettings {
  /** URL path(s) upgraded to MQTT. Default "/mqtt". */
  path?: string | string[];
  /** Largest WebSocket message accepted, bytes (an MQTT packet may span messages). Default 16 MiB. */
  maxPayloadLength?: number;
}

export interface WsListenerConfig extends Common, WsSettings {
  type: "ws";
}

/** uWS's SSLApp takes files, passphrase and ciphers; it verifies a client certificate signed by `ca` when one is
 *  shown (without handing it to hooks) and accepts TLS 1.2 and up. */
export interface WssListenerConfig extends Common, WsSettings, Omit<TlsSettings, "minVersion" | "requestCert" | "requireCert"> {
  type: "wss";
}

export type ListenerConfig = TcpListenerConfig | TlsListenerConfig | WsListenerConfig | WssListenerConfig;

/** A listener with its host and port filled in. */
export type ResolvedListener = ListenerConfig & { host: string; port: number };

/** Where a listener listens, as broker.listen() reports it. */
export interface ListenerAddress {
  type: ListenerType;
  host: string;
  port: number;
}

type Rule = (value: unknown) => boolean;
const str: Rule = (v) => typeof v === "string" && v.length > 0;
const bool: Rule = (v) => typeof v === "boolean";
const port: Rule = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65_535;
const path: Rule = (v) => (typeof v === "string" && v.startsWith("/")) || (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === "string" && p.startsWith("/")));

const common: Record<string, [Rule, string]> = {
  type: [(v) => typeof v === "string" && v in defaultPorts, "one of tcp, tls, ws, wss"],
  host: [(v) => str(v) && !/\s/.test(v as string), "a host name or IP address"],
  port: [port, "an integer from 0 to 65535"],
};
const tls: Record<string, [Rule, string]> = {
  cert: [str, "a certificate file path"],
  key: [str, "a key file path"],
  ca: [str, "a CA file path"],
  passphrase: [(v) => typeof v === "string", "a string"],
  minVersion: [(v) => v === "TLSv1.2" || v === "TLSv1.3", "TLSv1.2 or TLSv1.3"],
  ciphers: [str, "an OpenSSL cipher list"],
  requestCert: [bool, "true or false"],
  requireCert: [bool, "true or false"],
};
const identity: Record<string, [Rule, string]> = {
  useIdentityAs: [(v) => identityFields.includes(v as IdentityField), `one of ${identityFields.join(", ")}`],
};
const ws: Record<string, [Rule, string]> = {
  path: [path, "a path starting with / or a list of them"],
  maxPayloadLength: [(v) => typeof v === "number" && Number.isInteger(v) && v >= 1024 && v <= 2 ** 30, "an integer from 1024 to 1073741824"],
};
const proxy: Record<string, [Rule, string]> = { proxyProtocol: [bool, "true or false"] };

function pick<T>(from: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, from[k]!]));
}

/** The keys each listener type takes, with their checks. */
export const listenerKeys: Record<ListenerType, Record<string, [Rule, string]>> = {
  tcp: { ...common, ...proxy },
  tls: { ...common, ...tls, ...identity, ...proxy },
  ws: { ...common, ...ws },
  wss: { ...common, ...pick(tls, ["cert", "key", "ca", "passphrase", "ciphers"]), ...ws },
};

/**
 * Checks a config file's `listeners` value; file paths are resolved against the config file's directory.
 * `unknownKey` formats an unknown key with a did-you-mean.
 */
export function readListeners(value: unknown, where: string, baseDir: string, problems: string[],
                              unknownKey: (where: string, key: string, candidates: string[]) => string): ListenerConfig[] {
  if (!Array.isArray(value)) {
    problems.push(`${where}: expected a list of { type, host, port, ... }`);
    return [];
  }
  const listeners: ListenerConfig[] = [];
  value.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${at}: expected a mapping with type, host and port`);
      return;
    }
    const raw = entry as Record<string, unknown>;
    if (!common.type![0](raw.type)) {
      problems.push(`${at}.type: expected one of tcp, tls, ws, wss, got ${JSON.stringify(raw.type)}`);
      return;
    }
    const type = raw.type as ListenerType;
    const keys = listenerKeys[type];
    let ok = true;
    for (const [k, v] of Object.entries(raw)) {
      const rule = keys[k];
      if (rule === undefined && k === "useIdentityAs") {
        problems.push(`${at}.useIdentityAs: works on tls listeners only (a ${type} listener hands no client certificate over)`);
        ok = false;
      } else if (rule === undefined) {
        problems.push(unknownKey(`${at} (${type})`, k, Object.keys(keys)));
        ok = false;
      } else if (!rule[0](v)) {
        problems.push(`${at}.${k}: expected ${rule[1]}, got ${JSON.stringify(v)}`);
        ok = false;
      }
    }
    if ((type === "tls" || type === "wss") && (raw.cert === undefined || raw.key === undefined)) {
      problems.push(`${at}: a ${type} listener needs cert and key`);
      ok = false;
    }
    const identityProblem = type === "tls" ? certificateIdentityProblem(raw as Partial<TlsListenerConfig>) : undefined;
    if (identityProblem !== undefined) {
      problems.push(`${at}: ${identityProblem}`);
      ok = false;
    }
    if (!ok) return;
    const listener = { ...raw } as unknown as ListenerConfig;
    for (const file of ["cert", "key", "ca"] as const) {
      if (typeof raw[file] === "string") (listener as TlsSettings)[file] = resolve(baseDir, raw[file] as string);
    }
    listeners.push(listener);
  });
  return listeners;
}

/** Why a tls listener's useIdentityAs cannot work (no requireCert, or no CA to verify against), or undefined. */
export function certificateIdentityProblem(listener: Partial<TlsListenerConfig>): string | undefined {
  if (listener.useIdentityAs === undefined) return undefined;
  if (listener.requireCert !== true) return "useIdentityAs needs requireCert: true (the identity must come from a verified certificate)";
  if (listener.ca === undefined) return "useIdentityAs needs ca (the CA file client certificates are verified against)";
  return undefined;
}

/** True when a listener takes the client's username from its certificate (allowAnonymous then defaults to false). */
export function usesCertificateIdentity(listeners: ListenerConfig[] | undefined): boolean {
  return listeners?.some((l) => l.type === "tls" && l.useIdentityAs !== undefined) ?? false;
}

/** The listeners a broker opens: the `listeners` list when given, else the `tcp` shorthand (none if false). */
export function effectiveListeners(options: { listeners?: ListenerConfig[]; tcp: { host: string; port: number } | false }): ResolvedListener[] {
  if (options.listeners !== undefined) {
    return options.listeners.map((l) => ({ ...l, host: l.host ?? "127.0.0.1", port: l.port ?? defaultPorts[l.type] }));
  }
  return options.tcp === false ? [] : [{ type: "tcp", host: options.tcp.host, port: options.tcp.port }];
}

/**
 * The listeners loadConfig() resolves: the file's list (or undefined, keeping the `tcp` shorthand), with
 * --host/--port applied to its first tcp listener, plus one listener per shorthand flag (--ws-port, ...).
 */
export function mergeShorthands(fileListeners: ListenerConfig[] | undefined, values: Map<string, unknown>,
                                problems: string[]): ListenerConfig[] | undefined {
  const host = values.get("host") as string | undefined;
  const cert = values.get("tlsCert") as string | undefined;
  const key = values.get("tlsKey") as string | undefined;
  const ca = values.get("tlsCa") as string | undefined;
  let listeners = fileListeners?.map((l) => ({ ...l }));
  const tcp = listeners?.find((l) => l.type === "tcp");
  if (tcp !== undefined) {
    if (host !== undefined) tcp.host = host;
    if (values.has("port")) tcp.port = values.get("port") as number;
  }
  const added: ListenerConfig[] = [];
  const tlsFiles = () => {
    if (cert === undefined || key === undefined) problems.push("--tls-port and --wss-port need --tls-cert and --tls-key (QUARKMQ_TLS_CERT, QUARKMQ_TLS_KEY)");
    return { cert: resolve(cert ?? ""), key: resolve(key ?? ""), ...(ca === undefined ? {} : { ca: resolve(ca), requestCert: true }) };
  };
  const identityAs = values.get("tlsIdentityAs") as IdentityField | undefined;
  if (identityAs !== undefined && (ca === undefined || !values.has("tlsPort"))) {
    problems.push("--tls-identity-as needs --tls-port and --tls-ca (QUARKMQ_TLS_PORT, QUARKMQ_TLS_CA): the identity comes from a certificate verified against that CA");
  }
  if (values.has("tlsPort")) {
    // The identity must come from a verified certificate: the flag makes one required on this listener.
    const identity = identityAs === undefined ? {} : { requireCert: true, useIdentityAs: identityAs };
    added.push({ type: "tls", host, port: values.get("tlsPort") as number, ...tlsFiles(), ...identity });
  }
  if (values.has("wsPort")) added.push({ type: "ws", host, port: values.get("wsPort") as number });
  if (values.has("wssPort")) {
    const { requestCert: _, ...files } = tlsFiles();
    added.push({ type: "wss", host, port: values.get("wssPort") as number, ...files });
  }
  if (added.length === 0) return listeners;
  if (listeners === undefined) {
    // The tcp shorthand stays open next to the added listeners.
    listeners = [{ type: "tcp", host, port: values.get("port") as number | undefined }];
  }
  return [...listeners, ...added];
}
