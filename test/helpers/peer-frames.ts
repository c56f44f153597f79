// Test helpers: frames as the peer of a given side would put them on the wire — masked with the
// RFC 6455 example key 37 fa 21 3d when they go to a server, unmasked when they go to a client —
// so that one fixture serves both twins of a rule.
import { applyMask } from '../../src/codec/mask.js';
import type { Side } from '../../src/protocol/events.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { RecordingHandler } from './recording-handler.js';

export const SIDES: readonly Side[] = ['server', 'client'];
export const EXAMPLE_KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

/** Options for {@link peerFrame}: header bits beyond the first byte. */
export interface PeerFrameOptions {
  /** Force the MASK bit (default: masked exactly when the receiver is a server). */
  masked?: boolean;
  /** Force the length form: 7, 16 or 64 bits (default: minimal). */
  lengthBits?: 7 | 16 | 64;
}

/**
 * One frame as received by `receiver`: `firstByte` is FIN|RSV1-3|opcode (e.g. 0x81 for a final
 * text frame), `payload` a string (UTF-8) or bytes.
 */
export function peerFrame(
  receiver: Side,
  firstByte: number,
  payload: string | Uint8Array = '',
  options: PeerFrameOptions = {},
): Buffer {
  const data = Buffer.from(typeof payload === 'string' ? Buffer.from(payload) : payload);
  const masked = options.masked ?? receiver === 'server';
  const bits = options.lengthBits ?? (data.length < 126 ? 7 : data.length < 65536 ? 16 : 64);
  const length = Buffer.alloc(bits === 7 ? 0 : bits === 16 ? 2 : 8);
  if (bits === 16) length.writeUInt16BE(data.length);
  if (bits === 64) length.writeBigUInt64BE(BigInt(data.length));
  const second = (masked ? 0x80 : 0) | (bits === 7 ? data.length : bits === 16 ? 126 : 127);
  if (masked) applyMask(data, 0, data.length, Buffer.from(EXAMPLE_KEY).readInt32LE(0), 0);
  return Buffer.concat([
    Uint8Array.of(firstByte, second),
    length,
    masked ? EXAMPLE_KEY : new Uint8Array(0),
    data,
  ]);
}

/** A Protocol for `side` with a recording handler; masks are deterministic for clients. */
export function recordingProtocol(
  side: Side,
  options: Partial<ConstructorParameters<typeof Protocol>[0]> = {},
): { protocol: Protocol; handler: RecordingHandler } {
  const handler = new RecordingHandler();
  const protocol = new Protocol({
    side,
    handler,
    maskGenerator: (mask) => mask.set([1, 2, 3, 4]),
    ...options,
  });
  return { protocol, handler };
}

/** Decodes what `protocol` wants to send, as its peer would see it (events of a fresh peer). */
export function peerView(protocol: Protocol): RecordingHandler {
  const peerSide: Side = protocol.side === 'client' ? 'server' : 'client';
  const { protocol: peer, handler } = recordingProtocol(peerSide);
  for (const bytes of protocol.takeOutgoing()) peer.receiveData(Buffer.from(bytes));
  return handler;
}
