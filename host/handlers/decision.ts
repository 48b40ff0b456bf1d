// Turns a hook's Decision into a reason code: 0 to go ahead, >= 0x80 to refuse.
import type { Decision } from "../hooks.ts";

export function decisionCode(decision: Awaited<Decision>, refusal: number): number {
  if (decision === true) return 0;
  if (decision === false) return refusal;
  return decision >= 0x80 ? decision : 0;
}
