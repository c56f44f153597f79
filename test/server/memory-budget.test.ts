// A server's memory budget: 1,000 readers that stopped reading are shed with 1013 while the server
// sends to them, the fast ones get every message in order, and the process stays bounded (in a
// child process, so its RSS is its own); a handler that does not take its messages holds them
// against the budget too, and its client reads the 1013.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode, MemoryBudget, echo, fromSinkAndSource, serve } from '../../src/index.js';
import type { CloseOutcome, Connection, ConnectionClosed } from '../../src/index.js';
import { BUDGET_BYTES, FAST_READERS, ROUNDS, SLOW_READERS } from './memory-budget-load.js';
import type { LoadReport } from './memory-budget-load.js';
import { RawClient, closeBody, closePayload } from './support.js';

const LOAD = fileURLToPath(new URL('./memory-budget-load.js', import.meta.url));
const MiB = 1024 * 1024;

/** A source that sends nothing and never ends (the handler only listens). */
async function* silence(): AsyncIterable<string> {
  await new Promise<void>(() => undefined);
  yield '';
}

describe('memoryBudget', () => {
  it('sheds the slow readers of 1,000 with 1013, serves the fast ones, and bounds the process', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', LOAD, 'on'], {
      maxBuffer: 16 * MiB,
    });
    const report = JSON.parse(stdout) as LoadReport;
    const budget = report.budget as NonNullable<LoadReport['budget']>;
    assert.ok(budget.peak <= BUDGET_BYTES, `accounted ${budget.peak} bytes at most`);
    assert.ok(budget.mostSampled <= BUDGET_BYTES, `sampled ${budget.mostSampled} bytes`);
    // Without the budget the slow readers hold 1,000 x 48 x 8 KiB (384 MiB) by the end.
    const grown = report.rss.peak - report.rss.before;
    assert.ok(grown < BUDGET_BYTES + 128 * MiB, `RSS grew by ${Math.round(grown / MiB)} MiB`);
    assert.ok(report.shed.slow > SLOW_READERS / 2, `${report.shed.slow} slow readers shed`);
    assert.equal(report.shed.slow, budget.shed);
    assert.equal(report.shed.fast, 0, 'no fast reader was shed');
    assert.deepEqual(new Set(report.shed.closeCodes), new Set([1013]));
    const expected = Array.from({ length: ROUNDS }, (_, i) => i);
    assert.equal(report.fastReceived.length, FAST_READERS);
    for (const received of report.fastReceived) assert.deepEqual(received, expected);
  });

  it('is one budget for several servers, read as gauges (docs/operations.md)', async () => {
    // #region docs/operations.md
    const budget = new MemoryBudget({ bytes: 64 * 1024 * 1024 });
    const server = await serve({ port: 0, flow: echo(), memoryBudget: budget });
    const gauges = () => ({
      buffered: budget.bufferedBytes,
      peak: budget.peakBufferedBytes,
      shed: budget.shedConnections,
    });
    // #endregion
    const other = await serve({ port: 0, flow: echo(), memoryBudget: budget });
    try {
      assert.equal(server.memoryBudget, budget);
      assert.equal(other.memoryBudget, budget);
      const clients = [
        await RawClient.connect(server.address.port),
        await RawClient.connect(other.address.port),
      ];
      while (budget.connections < 2) await new Promise((resolve) => setImmediate(resolve));
      for (const client of clients) client.send(1, 'hello');
      for (const client of clients) assert.equal((await client.nextFrame()).opcode, 1);
      const { buffered, peak, shed } = gauges();
      assert.deepEqual({ buffered, shed }, { buffered: 0, shed: 0 });
      assert.ok(peak < 64, `an echo held ${peak} bytes at most`);
      for (const client of clients) client.send(8, closeBody(1000));
      await Promise.all(clients.map((client) => client.ended));
    } finally {
      await Promise.all([server.close(), other.close()]);
    }
    assert.equal(budget.connections, 0);
  });

  it('counts the messages a handler has not taken, and closes it with 1013 the client reads', async () => {
    let onEnded: (error: ConnectionClosed | undefined) => void = () => undefined;
    const ended = new Promise<ConnectionClosed | undefined>((resolve) => (onEnded = resolve));
    let outcome: Promise<CloseOutcome> | undefined;
    const budget = new MemoryBudget({ bytes: 256 * 1024 });
    const server = await serve({
      port: 0,
      memoryBudget: budget,
      handler: (upgrade) => {
        // Takes the first message and holds it until the end: the others wait in its queue.
        const connection: Connection = upgrade.handleMessages(
          fromSinkAndSource(() => connection.closed.then(() => undefined), silence()),
        );
        connection.onEnd(onEnded);
        outcome = connection.closed;
      },
    });
    assert.equal(server.memoryBudget, budget);
    try {
      const client = await RawClient.connect(server.address.port);
      const payload = 'x'.repeat(32 * 1024);
      for (let i = 0; i < 20; i++) client.send(1, payload);
      let frame = await client.nextFrame();
      while (frame.opcode !== 8) frame = await client.nextFrame();
      assert.deepEqual(closePayload(frame.payload), {
        code: 1013,
        reason: 'memory budget exceeded',
      });
      await client.ended;
      assert.equal(budget.shedConnections, 1);
      assert.equal(budget.bufferedBytes, 0);
      const cause = (await ended)?.cause as { code?: string; closeCode?: number } | undefined;
      assert.equal(cause?.code, ErrorCode.MemoryBudget);
      assert.equal(cause?.closeCode, 1013);
      const closeCause = (await outcome)?.cause;
      assert.equal(closeCause?.kind, 'budget');
      assert.deepEqual(closeCause?.limit, { name: 'memoryBudget.bytes', value: 256 * 1024 });
      assert.deepEqual(closeCause?.sent, { code: 1013, reason: 'memory budget exceeded' });
    } finally {
      await server.close();
    }
  });
});
