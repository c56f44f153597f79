// Tests for spawn(): in-process actors with a bounded mailbox, one message at a time, in order,
// each overflow strategy, PoisonPill-style stop, and failures that stop the actor.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, spawn } from '../../src/index.js';
import type { ActorStopped } from '../../src/index.js';

/** Waits for a number of turns of the event loop (never for a time). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('spawn', () => {
  it('handles messages one at a time, in order, async handlers holding the next', async () => {
    const handled: number[] = [];
    let running = 0;
    let most = 0;
    const actor = spawn<number>(() => ({
      async onMessage(n) {
        most = Math.max(most, ++running);
        await turns(n % 3);
        running--;
        handled.push(n);
      },
    }));
    for (let n = 0; n < 50; n++) assert.equal(actor.tell(n), true);
    actor.stop();
    await actor.stopped;
    assert.deepEqual(
      handled,
      Array.from({ length: 50 }, (_, n) => n),
    );
    assert.equal(most, 1);
  });

  it('onStart comes first, onStop last; stop() is a PoisonPill: later tells are refused', async () => {
    const log: string[] = [];
    const actor = spawn<string>(({ self }) => ({
      onStart: () => void log.push('start'),
      onMessage: (message) => {
        log.push(message);
        if (message === 'first') self.tell('told to itself');
      },
      onStop: (stopped) =>
        void log.push(`stop ${stopped.error === undefined ? 'clean' : 'failed'}`),
    }));
    actor.tell('first');
    actor.stop();
    assert.equal(actor.tell('too late'), false);
    await actor.stopped;
    assert.deepEqual(log, ['start', 'first', 'told to itself', 'stop clean']);
  });

  it('a tell inside a handler waits for the handler to return', () => {
    const log: string[] = [];
    const actor = spawn<string>(({ self }) => ({
      onMessage(message) {
        if (message === 'outer') self.tell('inner');
        log.push(message);
      },
    }));
    actor.tell('outer');
    assert.deepEqual(log, ['outer', 'inner']);
  });

  it('dropNew (default): a full mailbox refuses the new message', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const actor = spawn<number>(
      () => ({
        async onMessage(n) {
          if (n === 0) await gate;
          handled.push(n);
        },
      }),
      { mailboxSize: 3 },
    );
    const accepted = [0, 1, 2, 3, 4, 5].map((n) => actor.tell(n));
    assert.deepEqual(accepted, [true, true, true, true, false, false]);
    release();
    actor.stop();
    await actor.stopped;
    assert.deepEqual(handled, [0, 1, 2, 3]);
  });

  it('dropHead: a full mailbox drops its oldest waiting message', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const actor = spawn<number>(
      () => ({
        async onMessage(n) {
          if (n === 0) await gate;
          handled.push(n);
        },
      }),
      { mailboxSize: 3, overflow: 'dropHead' },
    );
    for (let n = 0; n < 7; n++) assert.equal(actor.tell(n), true);
    release();
    actor.stop();
    await actor.stopped;
    assert.deepEqual(handled, [0, 4, 5, 6]);
  });

  it('fail: a full mailbox stops the actor with WSFLOW_ERR_MAILBOX_FULL', async () => {
    const errors: unknown[] = [];
    let stopped: ActorStopped | undefined;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const actor = spawn<number>(
      () => ({
        onMessage: async (n) => {
          await gate;
          handled.push(n);
        },
        onStop: (how) => void (stopped = how),
      }),
      { mailboxSize: 2, overflow: 'fail', onError: (error) => errors.push(error) },
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => actor.tell(n)),
      [true, true, true, false],
    );
    assert.equal(actor.tell(4), false);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as { code: string }).code, ErrorCode.MailboxFull);
    release(); // the message being handled finishes; the waiting ones are dropped
    await actor.stopped;
    assert.deepEqual(handled, [0]);
    assert.equal(stopped?.error, errors[0]);
  });

  it('a handler that throws stops the actor: onError and onStop are told', async () => {
    const boom = new Error('boom');
    const errors: unknown[] = [];
    const log: string[] = [];
    const actor = spawn<string>(
      () => ({
        onMessage(message) {
          if (message === 'bad') throw boom;
          log.push(message);
        },
        onStop: ({ error }) => void log.push(`stopped: ${(error as Error).message}`),
      }),
      { onError: (error) => errors.push(error) },
    );
    actor.tell('good');
    actor.tell('bad');
    assert.equal(actor.tell('after'), false);
    await actor.stopped;
    assert.deepEqual(log, ['good', 'stopped: boom']);
    assert.deepEqual(errors, [boom]);
  });

  it('refuses bad bounds and strategies', () => {
    const behavior = () => ({ onMessage: () => undefined });
    assert.throws(() => spawn(behavior, { mailboxSize: 0 }), RangeError);
    assert.throws(() => spawn(behavior, { mailboxSize: 1.5 }), RangeError);
    assert.throws(() => spawn(behavior, { overflow: 'dropAll' as 'dropNew' }), RangeError);
  });
});
