// Connection lifecycle states. Transitions:
//
//   AwaitingConnect ──CONNECT──► Connecting ──accepted──► Connected ──DISCONNECT / error / close──► Closed
//          │                        │ (async authenticate)      │
//          │                        └──refused (CONNACK rc)──────┴──────────────────────────────────► Closed
//          └──timeout / bad first packet / socket closed────────────────────────────────────────────► Closed
//
// Only Connected accepts packets other than CONNECT; in Connecting further packets wait (reading is paused).
export enum Lifecycle {
  AwaitingConnect,
  Connecting,
  Connected,
  Closed,
}
