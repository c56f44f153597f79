// Play's actor-stopwatch: the stopwatch as an actor. The client sends "start", "stop" or
// "reset"; while running, the actor sends the count once per tick. The ticks are messages the
// actor tells itself, so they are handled one at a time with the commands: no shared state.
//
//   npm run example actor-stopwatch   (TICK_MS=200 for faster ticks)

import { actorFlow, serve, text } from '../src/index.js';
import type { Clock, MessageFlow, TimerHandle } from '../src/index.js';
import { announce, intervalFromEnv, isEntryPoint, listenOptions } from './lib/env.js';

const intervalMs = intervalFromEnv('TICK_MS', 1000);

/** What the actor tells itself each period; no client message can be it. */
const TICK = Symbol('tick');

/** One stopwatch actor per connection; its ticks run on `clock` (a test's virtual clock). */
export function actorStopwatch(clock: Clock = realClock): MessageFlow {
  return text().transform(
    actorFlow<string | typeof TICK, string>(({ out, self }) => {
      let running = false;
      let counter = 0;
      let timer: TimerHandle = undefined;
      const schedule = (): void => {
        timer = clock.setTimeout(() => {
          if (self.tell(TICK)) schedule(); // false once the actor stopped
        }, intervalMs);
      };
      return {
        onStart: schedule,
        onMessage(message) {
          if (message === TICK) {
            if (running) out.tell(String(counter++));
          } else if (message === 'start') running = true;
          else if (message === 'stop') running = false;
          else if (message === 'reset') counter = 0;
        },
        onStop: () => clock.clearTimeout(timer), // Play's postStop: cancel the schedule
      };
    }),
  );
}

/** Node's own timers, as a Clock. */
const realClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

if (isEntryPoint(import.meta.url)) {
  const server = await serve({
    ...listenOptions(),
    maxMessageBytes: 1024, // commands are short: anything longer closes with 1009
    flow: actorStopwatch(),
  });
  announce('actor-stopwatch', server);
}
