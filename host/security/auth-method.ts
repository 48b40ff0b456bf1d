// The API for an enhanced authentication method (MQTT 5 section 4.12): `authMethods: { name: handler }`. The
// handler starts one conversation per authentication (a CONNECT, or a re-authentication on a live connection);
// each step gets the client's Authentication Data and answers continue (AUTH 0x18), success or failure.
import type { ClientInfo } from "../hooks.ts";

export type AuthStep =
  /** Send AUTH 0x18 Continue authentication with this data and wait for the client's next AUTH. */
  | { continue: Buffer }
  /** Authenticated: CONNACK 0x00 (or AUTH 0x00 on re-authentication), with this data if any. `username`, when
   *  given, becomes the client's username (the identity ACLs see). */
  | { success: true; data?: Buffer; username?: string }
  /** Refused with this reason code (0x87 Not authorized, 0x86, 0x8C Bad authentication method...). */
  | { failure: number };

export interface AuthConversation {
  /** The client's next Authentication Data (the CONNECT's or re-authentication AUTH's first, then each AUTH 0x18's). */
  step(data: Buffer | undefined): AuthStep | Promise<AuthStep>;
}

export interface AuthStartEvent {
  client: ClientInfo;
  /** True for a re-authentication on a connected client (AUTH 0x19). */
  reauthenticate: boolean;
}

export type AuthMethodHandler = (event: AuthStartEvent) => AuthConversation;

export type AuthMethods = Record<string, AuthMethodHandler>;
