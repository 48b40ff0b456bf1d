// The core's one set of error constants: MQTT reason codes, declared positive. Every function that
// fails returns (or records in R_ERROR) the code negated, -code; the host maps it 1:1 to a reason code.
export const UNSPECIFIED: i32 = 0x80;
export const MALFORMED: i32 = 0x81;
export const PROTOCOL_ERROR: i32 = 0x82;
export const UNSUPPORTED_PROTOCOL_VERSION: i32 = 0x84;
export const TOPIC_FILTER_INVALID: i32 = 0x8f;
export const TOPIC_NAME_INVALID: i32 = 0x90;
export const PACKET_TOO_LARGE: i32 = 0x95;
export const QUOTA_EXCEEDED: i32 = 0x97;
/** Not a reason code: the FIELDS region is full; the host calls frame() again. */
export const FIELDS_FULL: i32 = 0x1000;
