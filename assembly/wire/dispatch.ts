// Fixed-header flag rules (2.1.3) and the choice of body decoder by control packet type.
import { MALFORMED } from "./errors";
import { setFail } from "./reader";
import { decodeConnect } from "./connect";
import { decodePublish } from "./publish";
import { decodeSubscribe, decodeUnsubscribe, decodeSubAck } from "./subscribe";
import { decodeAck, decodeConnack, decodeDisconnectOrAuth, decodeEmpty } from "./ack";

/** The flags nibble every type but PUBLISH must carry. */
function requiredFlags(type: i32): i32 {
  return type == 6 || type == 8 || type == 10 ? 2 : 0;
}

export function decodeBody(type: i32, flags: i32, level: i32): void {
  if (type == 0) { setFail(MALFORMED); return; } // type 0 is reserved
  if (type != 3 && flags != requiredFlags(type)) { setFail(MALFORMED); return; } // v5 [MQTT-2.1.3-1] v3.1.1 [MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]
  const v = level == 0 ? 4 : level;
  switch (type) {
    case 1: decodeConnect(); break;
    case 2: decodeConnack(v); break;
    case 3: decodePublish(flags, v); break;
    case 4: case 5: case 6: case 7: decodeAck(type, v); break;
    case 8: decodeSubscribe(v); break;
    case 9: case 11: decodeSubAck(type, v); break;
    case 10: decodeUnsubscribe(v); break;
    case 12: case 13: decodeEmpty(); break;
    default: decodeDisconnectOrAuth(type, v);
  }
}
