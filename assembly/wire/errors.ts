// Reason codes the codec returns negated (-code) in R_ERROR; the host maps them 1:1 to MQTT reason codes.
export const MALFORMED: i32 = 0x81;
export const PROTOCOL_ERROR: i32 = 0x82;
export const UNSUPPORTED_PROTOCOL_VERSION: i32 = 0x84;
export const TOPIC_FILTER_INVALID: i32 = 0x8f;
export const TOPIC_NAME_INVALID: i32 = 0x90;
export const PACKET_TOO_LARGE: i32 = 0x95;
/** Not a reason code: the FIELDS region is full; the host calls frame() again. */
export const FIELDS_FULL: i32 = 0x1000;
