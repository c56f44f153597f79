// Micro-benchmark: what an async generator costs per message by itself, without a socket, a
// parser or a writer. The same messages go through four shapes of the same echo, in one process
// and run: a function called per message (what `map` does), the queue's async iterator pulled
// by wsflow's output pump with no generator between them, the README's generator
// (`for await (const m of incoming) yield m`) between the same iterator and pump, and that
// generator with `yield*` of each batch of messages at hand (a source of arrays).
// Prints ns per message, the ratio to the function and the generator's own cost.
//   npm run build:all && node build/bench/generator-floor.js [messages per round]

import { fileURLToPath } from 'node:url';
import { median, printTable } from './harness.js';

const MESSAGES = Number(process.argv[2] ?? 200_000);
const ROUNDS = 15;
/** Messages handed over per read, as a socket read of 64 frames of 32 B would. */
const BATCH = 64;

interface Item {
  readonly id: number;
}

const DONE: IteratorResult<Item> = Object.freeze({ done: true, value: undefined });

/**
 * A source shaped like the connection's incoming iterator when messages are waiting: `next()`
 * hands one over at once, as an already resolved promise.
 */
class QueueIterator implements AsyncIterableIterator<Item> {
  #next = 0;
  readonly #items: readonly Item[];

  constructor(items: readonly Item[]) {
    this.#items = items;
  }

  next(): Promise<IteratorResult<Item>> {
    const items = this.#items;
    if (this.#next === items.length) return Promise.resolve(DONE);
    return Promise.resolve({ done: false, value: items[this.#next++] });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Item> {
    return this;
  }
}

/** The same messages in batches of {@link BATCH}, one array per `next()`. */
class BatchIterator implements AsyncIterableIterator<readonly Item[]> {
  #next = 0;
  readonly #items: readonly Item[];

  constructor(items: readonly Item[]) {
    this.#items = items;
  }

  next(): Promise<IteratorResult<readonly Item[]>> {
    const items = this.#items;
    if (this.#next === items.length) return Promise.resolve({ done: true, value: undefined });
    const batch = items.slice(this.#next, this.#next + BATCH);
    this.#next += batch.length;
    return Promise.resolve({ done: false, value: batch });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<readonly Item[]> {
    return this;
  }
}

/**
 * Pulls an async iterator as wsflow's output pump does: a reaction made once, then per step the
 * iterator's promise and one `then`; resolves with the number of messages taken.
 */
function pump(iterator: AsyncIterator<Item>, sink: (item: Item) => void): Promise<number> {
  return new Promise((resolve) => {
    let count = 0;
    const onStep = (step: IteratorResult<Item>): void => {
      if (step.done === true) {
        resolve(count);
        return;
      }
      count++;
      sink(step.value);
      void iterator.next().then(onStep);
    };
    void iterator.next().then(onStep);
  });
}

async function* echoGenerator(incoming: AsyncIterable<Item>): AsyncGenerator<Item> {
  for await (const message of incoming) yield message;
}

async function* batchEchoGenerator(incoming: AsyncIterable<readonly Item[]>): AsyncGenerator<Item> {
  for await (const batch of incoming) yield* batch;
}

type Shape = (items: readonly Item[], sink: (item: Item) => void) => Promise<number>;

const SHAPES: readonly (readonly [string, Shape])[] = [
  [
    'function per message (map)',
    (items, sink) => {
      const echo = (item: Item): Item => item;
      for (let i = 0; i < items.length; i++) sink(echo(items[i]));
      return Promise.resolve(items.length);
    },
  ],
  ['iterator → pump, no generator', (items, sink) => pump(new QueueIterator(items), sink)],
  [
    'iterator → async generator → pump',
    (items, sink) => pump(echoGenerator(new QueueIterator(items)), sink),
  ],
  [
    'batches → yield* generator → pump',
    (items, sink) => pump(batchEchoGenerator(new BatchIterator(items)), sink),
  ],
];

async function main(): Promise<void> {
  const items = Array.from({ length: MESSAGES }, (_, id) => ({ id }));
  let taken = 0;
  const sink = (item: Item): void => {
    taken += item.id & 1;
  };
  const times: number[][] = SHAPES.map(() => []);
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const [i, [, shape]] of SHAPES.entries()) {
      const start = performance.now();
      const count = await shape(items, sink);
      const ms = performance.now() - start;
      if (count !== MESSAGES) throw new Error(`${SHAPES[i][0]} took ${count} messages`);
      if (round >= 2) times[i].push(ms); // two warm-up rounds
    }
  }
  const nsPerMessage = times.map((t) => (median(t) * 1e6) / MESSAGES);
  console.log(
    `node ${process.version}; ${MESSAGES} messages per round, median of ${ROUNDS} rounds ` +
      `(checksum ${taken})`,
  );
  printTable(
    ['shape', 'ns/msg', 'vs function'],
    SHAPES.map(([name], i) => [
      name,
      nsPerMessage[i].toFixed(0),
      `${(nsPerMessage[i] / nsPerMessage[0]).toFixed(1)}x`,
    ]),
  );
  const own = nsPerMessage[2] - nsPerMessage[1];
  console.log(`\nthe generator's own for-await and yield: ${own.toFixed(0)} ns per message`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
