// What both WebSocket listeners (uWS and its fallback) agree on: the paths served and the subprotocol chosen.
import type { WsSettings } from "../config/listeners.ts";

/** The subprotocols MQTT over WebSocket uses, in our order of preference: "mqtt" [MQTT-6.0.0-4], then MQTT 3.1's "mqttv3.1". */
const SUBPROTOCOLS = ["mqtt", "mqttv3.1"];

/** The first subprotocol the client offers (a Sec-WebSocket-Protocol header) that MQTT speaks, or undefined. */
export function pickSubprotocol(header: string): string | undefined {
  const offered = header.split(",").map((p) => p.trim().toLowerCase());
  return SUBPROTOCOLS.find((p) => offered.includes(p));
}

/** The URL paths upgraded to MQTT (default /mqtt). */
export function wsPaths(config: WsSettings): string[] {
  return config.path === undefined ? ["/mqtt"] : Array.isArray(config.path) ? config.path : [config.path];
}
