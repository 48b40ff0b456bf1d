// Loads uWebSockets.js on first use (a broker without ws/wss listeners never loads it). Where its native
// binary is missing the package falls back to a JS implementation without SSLApp: ws keeps working,
// wss cannot, and the broker says so once.
import type { Logger } from "../log.ts";

export type Uws = typeof import("uWebSockets.js");

let loaded: Promise<Uws> | undefined;
let told = false;

/** The module, and whether it is the native build (the fallback has no SSLApp). */
export async function loadUws(log: Logger): Promise<{ uws: Uws; native: boolean }> {
  loaded ??= import("uWebSockets.js").then((module) => (module as { default?: Uws }).default ?? module);
  const uws = await loaded;
  const native = typeof uws.SSLApp === "function";
  if (!native && !told) {
    told = true;
    log.warn({ node: process.versions.modules },
      "uWebSockets.js has no native binary for this Node.js: ws listeners use its JS fallback (slower), wss listeners are unavailable");
  }
  return { uws, native };
}
