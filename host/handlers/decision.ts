// Turns a hook's Decision into a reason code: 0 to go ahead, >= 0x80 to refuse; and a Refusal's diagnostics
// (Reason String, User Properties) into the v5 properties of the packet that carries the refusal.
import type { Properties } from "../core/packets.ts";
import type { Decision } from "../hooks.ts";

export function decisionCode(decision: Awaited<Decision>, refusal: number): number {
  if (decision === true) return 0;
  if (decision === false) return refusal;
  if (typeof decision === "object") return decision.reasonCode >= 0x80 ? decision.reasonCode : refusal;
  return decision >= 0x80 ? decision : 0;
}

/** The Reason String and User Properties of a Refusal, for a v5 reply; undefined for any other decision. */
export function refusalProperties(decision: Awaited<Decision>): Properties | undefined {
  if (typeof decision !== "object") return undefined;
  const { reasonString, userProperties } = decision;
  if (reasonString === undefined && userProperties === undefined) return undefined;
  return { reasonString, userProperties };
}
