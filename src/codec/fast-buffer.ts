// Codec layer: the cheapest Buffer view over existing memory. `Buffer[Symbol.species]` is Node's
// internal FastBuffer class: it makes a view without `Buffer.from`'s argument checks, which the
// hot path (parser payloads, serializer output, the native mask call) creates per frame.

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
