// wsflow/redis, resumable sessions' first piece: what a topic's stream still holds after a
// message ID, in order and once, or `gone` once the ID's entry was trimmed.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { replayAfter } from '../../src/redis/replay.js';
import { idOf, isPast, positionOf as parseMessageId } from '../../src/resume-wire.js';

const messageId = (entry: string, index: number): string => idOf({ entry, index });
const messageIsAfter = (a: string, b: string): boolean =>
  isPast(
    parseMessageId(a) as { entry: string; index: number },
    parseMessageId(b) as { entry: string; index: number },
  );
import { entryFields } from '../../src/redis/stream-entry.js';
import { connectClient } from './support.js';
import type { ClientConnection } from './support.js';

function texts(...values: string[]) {
  return values.map((value) => ({ kind: 'text' as const, data: Buffer.from(value) }));
}

describe('message IDs', () => {
  it('are an entry ID and an index, ordered like the stream', () => {
    assert.equal(messageId('17-3', 2), '17-3.2');
    assert.deepEqual(parseMessageId('17-3.2'), { entry: '17-3', index: 2 });
    assert.equal(parseMessageId('17-3'), undefined);
    assert.equal(messageIsAfter('17-3.2', '17-3.1'), true);
    assert.equal(messageIsAfter('18-0.0', '17-3.9'), true);
    assert.equal(messageIsAfter('17-3.1', '17-3.1'), false);
  });
});

describe('Redis backend: replay after a message ID', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  let client: ClientConnection;
  before(async () => {
    redis = await RedisServer.start();
    client = await connectClient('ioredis', redis.url);
  });
  after(async () => {
    await client?.close();
    await redis?.stop();
  });

  async function add(key: string, publisher: string, batch: number, ...values: string[]) {
    const fields = entryFields(publisher, batch, texts(...values));
    const id = await client.connection.send(['XADD', key, '*', ...fields]);
    return Buffer.from(id as Uint8Array).toString();
  }

  it('gives what follows an ID, in order, skipping a batch written twice', async () => {
    const key = 'replay:{a}';
    const first = await add(key, 'p', 0, 'a0', 'a1', 'a2');
    await add(key, 'p', 1, 'b0');
    await add(key, 'p', 1, 'b0'); // the same batch again: its reply was lost
    await add(key, 'q', 0, 'c0');
    const replay = await replayAfter(client.connection, key, messageId(first, 1), 100);
    assert.equal(replay.kind, 'messages');
    if (replay.kind !== 'messages') return;
    assert.deepEqual(
      replay.messages.map((m) => Buffer.from(m.data).toString()),
      ['a2', 'b0', 'c0'],
    );
    assert.equal(replay.messages[0].id, messageId(first, 2));
    assert.equal(replay.more, false);
    const none = await replayAfter(client.connection, key, replay.messages[2].id, 100);
    assert.deepEqual(none, { kind: 'messages', messages: [], more: false });
  });

  it('pages: at most the entries asked for, and whether more follow', async () => {
    const key = 'replay:{b}';
    const first = await add(key, 'p', 0, 'x');
    for (let i = 1; i <= 5; i++) await add(key, 'p', i, `m${i}`);
    const page = await replayAfter(client.connection, key, messageId(first, 0), 2);
    assert.ok(page.kind === 'messages' && page.more);
    assert.deepEqual(
      page.messages.map((m) => Buffer.from(m.data).toString()),
      ['m1', 'm2'],
    );
  });

  /** Every page after an ID, read as the hub reads them: `next`, or again after the last message. */
  async function allPages(key: string, afterId: string, pageEntries: number) {
    const pages: string[][] = [];
    let page = await replayAfter(client.connection, key, afterId, pageEntries);
    for (let i = 0; i < 100 && page.kind === 'messages'; i++) {
      pages.push(page.messages.map((m) => Buffer.from(m.data).toString()));
      const last = page.messages.at(-1);
      if (!page.more || (page.next === undefined && last === undefined)) break;
      page = await (page.next?.() ??
        replayAfter(client.connection, key, (last as { id: string }).id, pageEntries));
    }
    return pages;
  }

  it('skips a batch written twice whose copies are on two pages', async () => {
    const key = 'replay:{d}';
    const first = await add(key, 'p', 0, 'x');
    await add(key, 'p', 1, 'b0');
    await add(key, 'q', 0, 'c0'); // another node's entry ends the first page
    await add(key, 'p', 1, 'b0'); // the same batch again, on the second page
    await add(key, 'q', 1, 'c1');
    // (A full page may have more: the last finds nothing.)
    assert.deepEqual(await allPages(key, messageId(first, 0), 2), [['b0', 'c0'], ['c1'], []]);
  });

  it('goes on past a page with no message of its own', async () => {
    const key = 'replay:{e}';
    const first = await add(key, 'p', 0, 'x');
    await add(key, 'p', 1, 'b0');
    await client.connection.send(['XADD', key, '*', 'other', 'writer']); // not ours
    await add(key, 'p', 1, 'b0'); // written twice
    await add(key, 'p', 2, 'b1');
    // Pages of one entry: the second (the other writer's) and the third (the copy) have none.
    assert.deepEqual(await allPages(key, messageId(first, 0), 1), [['b0'], [], [], ['b1'], []]);
  });

  it('is gone once the entry of the ID was trimmed', async () => {
    const key = 'replay:{c}';
    const first = await add(key, 'p', 0, 'old');
    await add(key, 'p', 1, 'new');
    await client.connection.send(['XTRIM', key, 'MAXLEN', '1']);
    assert.deepEqual(await replayAfter(client.connection, key, messageId(first, 0), 10), {
      kind: 'gone',
    });
    assert.deepEqual(await replayAfter(client.connection, 'replay:{none}', '1-0.0', 10), {
      kind: 'gone',
    });
  });
});
