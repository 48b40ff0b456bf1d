// Fixed-header flag rules (2.1.3) and the choice of body decoder by control packet type.
import { RESERVED_TYPE, CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, FLAGS_0010, PUBLISH_DUP } from "./packet-type";
import { MALFORMED } from "./errors";
import { setFail } from "./reader";
import { decodeConnect } from "./connect";
import { decodePublish } from "./publish";
import { decodeSubscribe, decodeUnsubscribe, decodeSubAck } from "./subscribe";
import { decodeAck, decodeConnack, decodeDisconnectOrAuth, decodeEmpty } from "./ack";

/** The flags nibble every type but PUBLISH must carry. */
function requiredFlags(type: i32): i32 {
  return type == PUBREL || type == SUBSCRIBE || type == UNSUBSCRIBE ? FLAGS_0010 : 0;
}

/** MQTT 3.1 (level 3) has a client set DUP on a PUBREL, SUBSCRIBE or UNSUBSCRIBE it sends again (3.1 "DUP"):
 *  first bytes 0x6A, 0x8A, 0xAA are accepted there and DUP ignored. 3.1.1 and 5.0 keep the flags mandatory. */
function allowedFlags(type: i32, flags: i32, level: i32): bool {
  const required = requiredFlags(type);
  if (flags == required) return true;
  return level == 3 && required == FLAGS_0010 && flags == (FLAGS_0010 | PUBLISH_DUP);
}

export function decodeBody(type: i32, flags: i32, level: i32): void {
  if (type == RESERVED_TYPE) { setFail(MALFORMED); return; } // type 0 is reserved
  if (type != PUBLISH && !allowedFlags(type, flags, level)) { setFail(MALFORMED); return; } // v5 [MQTT-2.1.3-1] v3.1.1 [MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]
  const v = level == 0 ? 4 : level;
  switch (type) {
    case CONNECT: decodeConnect(); break;
    case CONNACK: decodeConnack(v); break;
    case PUBLISH: decodePublish(flags, v); break;
    case PUBACK: case PUBREC: case PUBREL: case PUBCOMP: decodeAck(type, v); break;
    case SUBSCRIBE: decodeSubscribe(v); break;
    case SUBACK: case UNSUBACK: decodeSubAck(type, v); break;
    case UNSUBSCRIBE: decodeUnsubscribe(v); break;
    case PINGREQ: case PINGRESP: decodeEmpty(); break;
    default: decodeDisconnectOrAuth(type, v);
  }
}
