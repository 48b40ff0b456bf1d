// Unique clientIds and topic names per test file, so tests sharing one broker never see each other's state.
let n = 0;
export const uniqueId = (prefix: string) => () => `${prefix}${++n}x${process.pid % 1000}`;
