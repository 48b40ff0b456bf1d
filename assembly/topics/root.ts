// The topics block: TOPIC_WORDS words allocated on first use, its address in HEADER word H_TOPICS.
// Every root of the trie's tables lives here, so a second instance over the memory sees them.
import { H_TOPICS, TOPIC_WORDS } from "../layout";
import { getWord, setWord } from "../util/header";
import { alloc } from "../util/alloc";

/** Address of a topics-block word. */
@inline export function twAt(index: i32): usize {
  return <usize>getWord(H_TOPICS) + (<usize>index << 2);
}

@inline export function tw(index: i32): i32 {
  return load<i32>(twAt(index));
}

@inline export function setTw(index: i32, value: i32): void {
  store<i32>(twAt(index), value);
}

/** True once the topics block exists. */
@inline export function hasTopics(): bool {
  return getWord(H_TOPICS) != 0;
}

/** Creates the topics block on first use; false when memory is exhausted. */
export function ensureTopics(): bool {
  if (hasTopics()) return true;
  const block = alloc(TOPIC_WORDS << 2);
  if (block == 0) return false;
  memory.fill(block, 0, <usize>(TOPIC_WORDS << 2));
  setWord(H_TOPICS, <i32>block);
  return true;
}
