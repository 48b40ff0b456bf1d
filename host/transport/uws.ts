// Loads uWebSockets.js on first use (a broker without ws/wss listeners never loads it). Where its native
// binary is missing the package falls back to a JS implementation without SSLApp: ws keeps working,
// wss cannot, and the broker says so once.
import type { Logger } from "../log.ts";

export type Uws = typeof import("uWebSockets.js");

let loaded: Promise<Uws> | undefined;
let told = false;

/** The module, and whether it is the native build (the fallback has no SSLApp). */
export async function loadUws(log: Logger): Promise<{ uws: Uws; native: boolean }> {
  // The native module is CommonJS; the fallback marks itself __esModule with a smaller `default`: take the
  // object that has the whole API, whichever way this loader interoperates.
  loaded ??= import("uWebSockets.js").then((module) => {
    const candidates = [(module as { default?: Uws }).default, module as unknown as Uws];
    return candidates.find((m) => typeof m?.us_socket_local_port === "function") ?? candidates[0]!;
  });
  const uws = await loaded;
  const native = typeof uws.SSLApp === "function";
  if (!native && !told) {
    told = true;
    log.warn({ node: process.versions.modules },
      "uWebSockets.js has no native binary for this Node.js: ws listeners are served by the `ws` package instead (slower), wss listeners are unavailable");
  }
  return { uws, native };
}
