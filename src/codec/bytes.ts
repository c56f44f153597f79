// Codec layer: shared byte values. The cheapest Buffer view over existing memory:
// `Buffer[Symbol.species]` is Node's internal FastBuffer class, which makes a view without
// `Buffer.from`'s argument checks (the hot path creates one per frame: parser payloads,
// serializer output, the native mask call). And the one empty payload every layer shares.

/** A constructor of Buffer views: `new FastBuffer(arrayBuffer, byteOffset, length)`. */
export type BufferView = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => Buffer;

/** Node's internal Buffer subclass constructor; views, never copies. */
export const FastBuffer: BufferView = (Buffer as unknown as { [Symbol.species]: BufferView })[
  Symbol.species
];

/** The empty payload: shared, since nothing can be written to zero bytes. */
export const EMPTY: Uint8Array = Buffer.alloc(0);
