import { describe, it, expect } from "vitest";
import { Core } from "../../host/core/core.ts";
import { TopicIndex } from "../../host/core/topics.ts";
import { SCRATCH_BYTES } from "../../host/core/layout.ts";

// TopicIndex copies API strings into SCRATCH_IN: one longer than any Topic Name or Filter may be is
// refused as invalid and never written, so nothing past SCRATCH_IN (ENCODE_OUT, the heap) is touched.
describe("topic length limit of the topic index", () => {
  const huge = "a".repeat(SCRATCH_BYTES * 2);
  const marked = () => {
    const core = new Core();
    core.bytes.fill(0x5a, core.encodeOut, core.encodeOut + 64);
    return { core, topics: new TopicIndex(core) };
  };
  const intact = (core: Core) => core.bytes.subarray(core.encodeOut, core.encodeOut + 64).every((b) => b === 0x5a);

  it("[MQTT-4.7.3-3] a 2 MiB string is refused as invalid without overwriting memory after SCRATCH_IN", () => {
    const { core, topics } = marked();
    expect(topics.checkTopicName(huge)).toBe(-0x90);
    expect(topics.checkTopicFilter(huge)).toBe(-0x8f);
    expect(topics.subscribe(1, huge, 0, 0)).toBe(-0x8f);
    expect(topics.unsubscribe(1, huge)).toBe(false);
    expect(topics.retainedSet(huge, 1)).toBe(-0x90);
    expect(topics.retainedDelete(huge)).toBe(-1);
    expect(topics.match(huge, -1)).toBe(0);
    expect(intact(core)).toBe(true);
  });

  it("[MQTT-4.7.3-3] bytes longer than 65535 are refused; a name of 65535 multi-byte UTF-8 bytes is kept", () => {
    const { core, topics } = marked();
    expect(topics.match(new Uint8Array(SCRATCH_BYTES + 1).fill(0x61), -1)).toBe(0);
    expect(topics.retainedSet(new Uint8Array(65536).fill(0x61), 1)).toBe(-0x90);
    const longest = "é".repeat(32767) + "a"; // 65535 bytes
    expect(topics.subscribe(1, longest, 0, 0)).toBe(0);
    expect(topics.match(longest, -1)).toBe(1);
    expect(topics.subscribe(1, longest + "a", 0, 0)).toBe(-0x8f);
    expect(intact(core)).toBe(true);
  });
});
