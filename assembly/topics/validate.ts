// The topic index's entry points to the Topic Name and Topic Filter rules of MQTT 4.7 and 4.8.2,
// over SCRATCH_IN. The rules themselves are wire/topic-check.ts (one implementation for codec and index).
import { H_SCRATCH_IN } from "../layout";
import { getWord } from "../util/header";
import { checkTopicName as checkName, checkTopicFilter as checkFilter } from "../wire/topic-check";

/** checkName over SCRATCH_IN[offset, +length): 0 or -TOPIC_NAME_INVALID. */
export function checkTopicName(offset: i32, length: i32): i32 {
  return checkName(<usize>(getWord(H_SCRATCH_IN) + offset), length);
}

/** checkFilter over SCRATCH_IN[offset, +length): 0 or -TOPIC_FILTER_INVALID. */
export function checkTopicFilter(offset: i32, length: i32): i32 {
  return checkFilter(<usize>(getWord(H_SCRATCH_IN) + offset), length);
}
