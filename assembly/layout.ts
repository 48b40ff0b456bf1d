// The memory map and record formats shared by the core and the host (host/core/layout.ts mirrors
// every number here; test/core/layout.test.ts asserts both sides agree).
//
// Linear memory is created by the host (env.memory) and laid out by init():
//
//   0 ─────────────► AssemblyScript static data (strings, tables), ends at __heap_base
//   HEADER          64 i32 words of control values (below); its address is init()'s return value
//   RECORDS         MAX_RECORDS records × RECORD_WORDS i32: one record per framed packet
//   FIELDS          FIELDS_WORDS i32: properties, CONNECT details, SUBSCRIBE entries of the records
//   MATCH_OUT       MATCH_OUT_WORDS i32: match() / retainedMatch() results; a match that needs more moves
//                   it to a larger heap block (H_MATCH_OUT, H_MATCH_OUT_WORDS say where it is now)
//   PROPS_IN        PROPS_IN_WORDS i32: property entries the host writes for an encoder (PROP_WORDS each,
//                   offsets into SCRATCH_IN)
//   SCRATCH_IN      SCRATCH_BYTES bytes the host writes arguments into (topics, property values,
//                   SUBACK reason codes) before calling an encoder or a trie function
//   ENCODE_OUT      ENCODE_OUT_BYTES bytes an encoder writes its packet (or header) into
//   heap ─────────► util/alloc.ts: power-of-two blocks for the inbox and the trie's columns,
//                   growing memory on demand. Its state lives in HEADER, not in globals.
//
// Every offset the core reports inside a record is relative to the inbox start, so the host can
// slice the same bytes from its own Buffer without touching linear memory again.

export const RECORD_WORDS: i32 = 16;
export const MAX_RECORDS: i32 = 1024;
export const FIELDS_WORDS: i32 = 65536;
export const MATCH_OUT_WORDS: i32 = 1 << 20;
export const SCRATCH_BYTES: i32 = 1 << 20;
export const ENCODE_OUT_BYTES: i32 = 1 << 20;
export const PROPS_IN_WORDS: i32 = 4096;
export const HEADER_WORDS: i32 = 64;

// HEADER words (i32 index from the header address).
export const H_RECORDS: i32 = 0; //        address of RECORDS
export const H_FIELDS: i32 = 1; //         address of FIELDS
export const H_MATCH_OUT: i32 = 2; //      address of MATCH_OUT (match() may move it: read it after each match)
export const H_SCRATCH_IN: i32 = 3; //     address of SCRATCH_IN
export const H_ENCODE_OUT: i32 = 4; //     address of ENCODE_OUT
export const H_INBOX: i32 = 5; //          address of the inbox (inboxReserve may move it)
export const H_INBOX_CAPACITY: i32 = 6; // its size in bytes
export const H_CONSUMED: i32 = 7; //       frame(): bytes of whole packets framed (the host keeps the rest as its tail)
export const H_NEED_LENGTH: i32 = 8; //    frame(): total length of the incomplete tail packet once its fixed header is known, else 0
export const H_FIELDS_USED: i32 = 9; //    frame(): FIELDS words written
export const H_PROTOCOL_LEVEL: i32 = 10; // frame(): protocol level after the call (a framed CONNECT sets it)
export const H_MATCH_SUB_IDS: i32 = 11; //  match(): word index in MATCH_OUT where the subscription-identifier list starts
export const H_PROPS_IN: i32 = 12; //       address of PROPS_IN
export const H_ENCODED_PACKET_ID_AT: i32 = 13; // encodePublish(): offset in ENCODE_OUT of the packet id's 2 bytes (-1 at QoS 0)
export const H_MATCH_OUT_WORDS: i32 = 14; // capacity of MATCH_OUT in words: MATCH_OUT_WORDS, more once a match moved it to the heap
export const H_HEAP_BASE: i32 = 16; //     alloc.ts: first heap byte
export const H_HEAP_TOP: i32 = 17; //      alloc.ts: bump pointer
export const H_FREE_LISTS: i32 = 32; //    alloc.ts: 32 words, head of the free list per power-of-two size class
export const H_TOPICS: i32 = 18; //         topics: address of the topics block, TOPIC_WORDS words (T_* below); 0 until first use
export const TOPIC_WORDS: i32 = 32;
// Words of the topics block: roots of the trie's tables ([address, capacity] pairs kept adjacent).
export const T_NODES: i32 = 0; // address of the record table's page directory (32-byte nodes and subscriptions)
export const T_NODE_CAP: i32 = 1; // its capacity in records
export const T_NODE_NEXT: i32 = 2; // next never-used record id (1 and 2 are the roots)
export const T_NODE_FREE: i32 = 3; // head of the free record ids
export const T_EDGES: i32 = 4; // address of the edge hash (u32 node ids keyed by parent and level)
export const T_EDGE_CAP: i32 = 5; // its slot count (a power of two)
export const T_EDGE_COUNT: i32 = 6; // edges stored
// words 7-10: unused (subscriptions are records of the node table)
export const T_SUB_HASH: i32 = 11; // address of the (owner node, subscriberId) -> subscription hash
export const T_SUB_HASH_CAP: i32 = 12; // its slot count
export const T_SUB_HASH_COUNT: i32 = 13; // entries stored
export const T_SEEN: i32 = 14; // address of the per-subscriber [epoch, entry] column for duplicate removal
export const T_SEEN_CAP: i32 = 15; // its capacity in subscriberIds
export const T_EPOCH: i32 = 16; // the current match epoch
export const T_STACK: i32 = 17; // address of the match stack
export const T_STACK_CAP: i32 = 18; // its capacity in [node, level] pairs
export const T_LEVELS: i32 = 19; // address of the level starts of the topic being matched
export const T_LEVELS_CAP: i32 = 20; // its capacity in words
export const T_IDS: i32 = 21; // address of the match's [subscriptionId, next] chain
export const T_IDS_CAP: i32 = 22; // its capacity in pairs
export const T_SUBSCRIPTION_COUNT: i32 = 23; // subscriptions stored
export const T_RETAINED_COUNT: i32 = 24; // retained topic names stored
export const T_EDGE_TOMBS: i32 = 25; // deleted-edge markers in the edge hash
export const T_SUB_HASH_TOMBS: i32 = 26; // deleted-entry markers in the subscription hash

// RECORD words: one record per packet, in the order the packets came.
export const R_TYPE: i32 = 0; //           control packet type 1..15
export const R_FLAGS: i32 = 1; //          low nibble of the first byte (PUBLISH: dup<<3 | qos<<1 | retain)
export const R_ERROR: i32 = 2; //          0, or a negative reason code (errors.ts); framing stops after such a record
export const R_START: i32 = 3; //          offset of the packet's first byte
export const R_LENGTH: i32 = 4; //         total packet length (fixed header included)
export const R_PACKET_ID: i32 = 5; //      packet identifier, 0 when the packet has none
export const R_TOPIC_OFFSET: i32 = 6; //   PUBLISH topic name
export const R_TOPIC_LENGTH: i32 = 7;
export const R_PAYLOAD_OFFSET: i32 = 8; // PUBLISH payload, AUTH/DISCONNECT: none
export const R_PAYLOAD_LENGTH: i32 = 9;
export const R_PROPS_FIRST: i32 = 10; //   word index in FIELDS of the first property entry
export const R_PROPS_COUNT: i32 = 11; //   number of property entries
export const R_ITEMS_FIRST: i32 = 12; //   word index in FIELDS of the packet's items (CONNECT block, SUBSCRIBE entries ...)
export const R_ITEMS_COUNT: i32 = 13; //   number of items
export const R_REASON: i32 = 14; //        reason code (acks, DISCONNECT, AUTH; 0 when absent)
export const R_EXTRA: i32 = 15; //         PUBLISH: topic alias property value or 0

// A property entry in FIELDS: PROP_WORDS words [id, a, b, c, d].
//   integer properties (byte, two-byte, four-byte, variable byte):  a = value
//   UTF-8 string / binary data:                                      a = offset, b = length
//   user property (0x26, a UTF-8 string pair):                       a = key offset, b = key length,
//                                                                    c = value offset, d = value length
export const PROP_WORDS: i32 = 5;

// The CONNECT item block in FIELDS (R_ITEMS_COUNT = 1), word offsets from R_ITEMS_FIRST.
// A field that is absent has offset -1 and length 0.
export const C_PROTOCOL_LEVEL: i32 = 0; // 3, 4 or 5
export const C_CONNECT_FLAGS: i32 = 1; //  the connect flags byte
export const C_KEEP_ALIVE: i32 = 2;
export const C_CLIENT_ID_OFFSET: i32 = 3;
export const C_CLIENT_ID_LENGTH: i32 = 4;
export const C_WILL_PROPS_FIRST: i32 = 5; // will properties (v5), same entry format as packet properties
export const C_WILL_PROPS_COUNT: i32 = 6;
export const C_WILL_TOPIC_OFFSET: i32 = 7;
export const C_WILL_TOPIC_LENGTH: i32 = 8;
export const C_WILL_PAYLOAD_OFFSET: i32 = 9;
export const C_WILL_PAYLOAD_LENGTH: i32 = 10;
export const C_USERNAME_OFFSET: i32 = 11;
export const C_USERNAME_LENGTH: i32 = 12;
export const C_PASSWORD_OFFSET: i32 = 13;
export const C_PASSWORD_LENGTH: i32 = 14;
export const CONNECT_WORDS: i32 = 15;

// SUBSCRIBE / UNSUBSCRIBE items: ITEM_WORDS words [filterOffset, filterLength, options]
// (options: the subscription options byte; 0 for UNSUBSCRIBE). SUBACK / UNSUBACK items: [reasonCode, 0, 0].
export const ITEM_WORDS: i32 = 3;

// MATCH_OUT after match(): count entries of MATCH_WORDS words
//   [subscriberId, options, subIdsFirst, subIdsCount]
//   options: bits 0-1 granted QoS (the highest of the subscriber's matching subscriptions),
//            bit 3 retain-as-published (any), bit 7 set when the entry comes from a shared subscription.
//   subIdsFirst: word index in MATCH_OUT of that entry's subscription identifiers (v5), subIdsCount of them.
// MATCH_OUT after retainedMatch(): count words, each a retainedId.
export const MATCH_WORDS: i32 = 4;
export const MATCH_SHARED_BIT: i32 = 0x80;
export const MATCH_RAP_BIT: i32 = 0x08;
