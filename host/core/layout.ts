// The host's copy of assembly/layout.ts: the same numbers, checked against the core by test/core/layout.test.ts.
export const RECORD_WORDS = 16;
export const MAX_RECORDS = 1024;
export const FIELDS_WORDS = 65536;
export const MATCH_OUT_WORDS = 1 << 20;
export const SCRATCH_BYTES = 1 << 20;
export const ENCODE_OUT_BYTES = 1 << 20;
export const PROPS_IN_WORDS = 4096;
export const HEADER_WORDS = 64;

export const H_RECORDS = 0;
export const H_FIELDS = 1;
export const H_MATCH_OUT = 2;
export const H_SCRATCH_IN = 3;
export const H_ENCODE_OUT = 4;
export const H_INBOX = 5;
export const H_INBOX_CAPACITY = 6;
export const H_CONSUMED = 7;
export const H_NEED_LENGTH = 8;
export const H_FIELDS_USED = 9;
export const H_PROTOCOL_LEVEL = 10;
export const H_MATCH_SUB_IDS = 11;
export const H_PROPS_IN = 12;
export const H_ENCODED_PACKET_ID_AT = 13;
export const H_HEAP_BASE = 16;
export const H_HEAP_TOP = 17;
export const H_FREE_LISTS = 32;

export const R_TYPE = 0;
export const R_FLAGS = 1;
export const R_ERROR = 2;
export const R_START = 3;
export const R_LENGTH = 4;
export const R_PACKET_ID = 5;
export const R_TOPIC_OFFSET = 6;
export const R_TOPIC_LENGTH = 7;
export const R_PAYLOAD_OFFSET = 8;
export const R_PAYLOAD_LENGTH = 9;
export const R_PROPS_FIRST = 10;
export const R_PROPS_COUNT = 11;
export const R_ITEMS_FIRST = 12;
export const R_ITEMS_COUNT = 13;
export const R_REASON = 14;
export const R_EXTRA = 15;

export const PROP_WORDS = 5;

export const C_PROTOCOL_LEVEL = 0;
export const C_CONNECT_FLAGS = 1;
export const C_KEEP_ALIVE = 2;
export const C_CLIENT_ID_OFFSET = 3;
export const C_CLIENT_ID_LENGTH = 4;
export const C_WILL_PROPS_FIRST = 5;
export const C_WILL_PROPS_COUNT = 6;
export const C_WILL_TOPIC_OFFSET = 7;
export const C_WILL_TOPIC_LENGTH = 8;
export const C_WILL_PAYLOAD_OFFSET = 9;
export const C_WILL_PAYLOAD_LENGTH = 10;
export const C_USERNAME_OFFSET = 11;
export const C_USERNAME_LENGTH = 12;
export const C_PASSWORD_OFFSET = 13;
export const C_PASSWORD_LENGTH = 14;
export const CONNECT_WORDS = 15;

export const ITEM_WORDS = 3;

export const MATCH_WORDS = 4;
export const MATCH_SHARED_BIT = 0x80;
export const MATCH_RAP_BIT = 0x08;
