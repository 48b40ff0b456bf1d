// How one tick's queued writes reach the transport: copied together into one buffer, or into a few slabs
// when large (Node's writev of thousands of small buffers costs far more CPU than copying them).

/** Concatenate a tick's writes into one buffer up to this size; above it, writev. */
export const CONCAT_BYTES = 1 << 20;
/** Buffers at least this large are written without copying. */
const LARGE_BYTES = 64 << 10;

/** A tick's writes as few buffers: small ones copied together into slabs of up to CONCAT_BYTES, large ones
 *  kept as they are (a writev of thousands of small buffers costs far more than copying them). */
export function slabs(out: Buffer[]): Buffer[] {
  const result: Buffer[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i <= out.length; i++) {
    const buf = out[i];
    if (buf !== undefined && buf.length < LARGE_BYTES && size + buf.length <= CONCAT_BYTES) {
      size += buf.length;
      continue;
    }
    if (i > start) result.push(i - start === 1 ? out[start]! : Buffer.concat(out.slice(start, i), size));
    if (buf === undefined) break;
    if (buf.length >= LARGE_BYTES) {
      result.push(buf);
      start = i + 1;
      size = 0;
    } else {
      start = i;
      size = buf.length;
    }
  }
  return result;
}
