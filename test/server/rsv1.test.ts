// RSV1 marks a compressed message (RFC 7692), so a server that negotiated no compression refuses
// it with 1002 — even when a caller slips the engine's old `rsv1Allowed` switch into serve().

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { map } from '../../src/index.js';
import type { Message, MessageLike, ServeOptions } from '../../src/index.js';
import { RawClient, closePayload, withServer } from './support.js';

/** A text frame with RSV1 set (opcode byte 0x41 → first byte 0xC1) whose payload is not UTF-8. */
const RSV1_TEXT = 0x41;
const NOT_UTF8 = Uint8Array.of(0xff, 0xfe, 0x41);

async function sendRsv1Text(extra: Record<string, unknown>): Promise<{
  close: { code: number; reason: string };
  delivered: Message[];
}> {
  const delivered: Message[] = [];
  let close: { code: number; reason: string } | undefined;
  // Echoes what it gets, so a delivery shows on the wire at once instead of as a hang.
  const flow = map((message: Message): MessageLike => {
    delivered.push(message);
    return message;
  });
  await withServer({ ...extra, flow } as Partial<ServeOptions>, async (server) => {
    const client = await RawClient.connect(server.address.port);
    client.send(RSV1_TEXT, NOT_UTF8);
    const frame = await client.nextFrame();
    assert.equal(frame.opcode, 0x8, 'the answer is a Close frame');
    close = closePayload(frame.payload);
    await client.ended;
  });
  assert.ok(close !== undefined);
  return { close, delivered };
}

describe('an RSV1 text frame without negotiated compression', () => {
  it('is refused by serve() with 1002 and never delivered', async () => {
    const { close, delivered } = await sendRsv1Text({});
    assert.equal(close.code, 1002);
    assert.deepEqual(delivered, []);
  });

  it('is refused with 1002 even when `rsv1Allowed: true` is passed to serve()', async () => {
    const { close, delivered } = await sendRsv1Text({ rsv1Allowed: true });
    assert.equal(close.code, 1002);
    assert.deepEqual(delivered, []);
  });
});
