// Bytes for the messages a session keeps beyond the chunk they arrived in (queued or in flight): small ones are cut
// from 64 KiB slabs of their own, since a fresh ArrayBuffer per message cost more than the rest of a QoS 1 delivery.
// They are acknowledged or dropped roughly in the order they came, so a slab is released soon after its last message.

const SLAB_BYTES = 64 << 10;
/** Larger copies get an ArrayBuffer of their own. */
const SMALL_BYTES = SLAB_BYTES >> 4;

let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

/** `size` bytes that pin nothing but their slab (at most 64 KiB shared with messages of the same moment). */
export function ownedBytes(size: number): Buffer {
  if (size > SMALL_BYTES) return Buffer.allocUnsafeSlow(size);
  if (slabUsed + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += (size + 7) & ~7;
  return bytes;
}
