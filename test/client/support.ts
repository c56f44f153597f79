// Test support for the client layer: collecting received messages as text, sinks that record,
// and the shared certificate and request builders of the suites.

import type { Message } from '../../src/index.js';

/** The payload of a message as text: its text, or `bin:<hex>` for binary (Strict or Streamed). */
export async function describeMessage(message: Message): Promise<string> {
  if (message.isText) return (await message.toStrict(5000)).text;
  return `bin:${Buffer.from((await message.toStrict(5000)).data).toString('hex')}`;
}

/** A sink that records what it receives, described, and resolves `done` when its input ends. */
export function recordingSink(): {
  sink: WritableStream<Message>;
  received: string[];
  done: Promise<string[]>;
} {
  const received: string[] = [];
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<string[]>((resolve, reject) => {
    finish = () => resolve(received);
    fail = reject;
  });
  done.catch(() => undefined);
  const sink = new WritableStream<Message>({
    write: async (message) => void received.push(await describeMessage(message)),
    close: finish,
    abort: fail,
  });
  return { sink, received, done };
}

/** Reads a stream of messages to its end and describes each. */
export async function readAllMessages(stream: ReadableStream<Message>): Promise<string[]> {
  const received: string[] = [];
  const reader = stream.getReader();
  for (let step = await reader.read(); !step.done; step = await reader.read()) {
    received.push(await describeMessage(step.value));
  }
  return received;
}

/** Waits until `check` holds, letting the event loop run between tries (no timing involved). */
export async function until(check: () => boolean, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds && !check(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!check()) throw new Error('condition not reached');
}
