// Will messages (spec 3.1.2.5): turning a CONNECT's will into a routed message, and the check made when it is sent
// (the client may have lost the right since it connected, or the broker restarted with other rules). When it goes
// out (now, after the Will Delay Interval, or never) is decided by Session.detach.
import type { Will } from "../core/packets.ts";
import type { ClientInfo, Decision, Hooks, PublishEvent } from "../hooks.ts";
import type { Logger } from "../log.ts";
import type { ClientAcl } from "../security/client-acl.ts";
import { Message, messageFrom } from "./message.ts";

export function willMessage(will: Will): Message {
  return messageFrom(will.topicName, will.payload, will.qos, will.retain,
    Object.keys(will.properties).length > 0 ? will.properties : undefined);
}

const allowed = (decision: Awaited<Decision>): boolean =>
  decision === true || (typeof decision === "number" && decision < 0x80);

/** Whether a will may go out now, as a PUBLISH of its client would: the ACL file's rules (`acl`, when one is
 *  configured), then the authorizePublish hook, which sees that decision and may override it. */
function authorizeWill(hooks: Hooks, will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined): boolean | Promise<boolean> {
  const aclDecision = acl?.mayPublishWill(will.topicName);
  const authorize = hooks.authorizePublish;
  if (authorize === undefined) return aclDecision ?? true;
  const event: PublishEvent = { client, topicName: will.topicName, payload: will.payload, qos: will.qos, retain: will.retain,
    properties: will.properties, will: true };
  if (acl !== undefined) event.aclDecision = aclDecision;
  const decision = authorize(event);
  return decision instanceof Promise ? decision.then(allowed) : allowed(decision);
}

/** Calls `send` with the will once authorizeWill allows it (at once when no hook is asynchronous); a failing hook
 *  keeps it back and is logged. */
export function sendIfAllowed(hooks: Hooks, will: Will, acl: ClientAcl | undefined, client: ClientInfo | undefined,
  send: (will: Will) => void, log: Logger): void {
  const decision = authorizeWill(hooks, will, acl, client);
  if (decision === true) send(will);
  else if (decision !== false) {
    decision.then((yes) => { if (yes) send(will); },
      (err: unknown) => log.error({ err, topicName: will.topicName }, "authorizePublish failed for a will: not sent"));
  }
}
