// Handshake cost of this build against another build of wsflow, side by side: the same server
// kinds started from both builds' echo servers (plus the plain TCP floor and ws), driven by the
// handshake benchmark's loops, rounds interleaved (the order reversed every other round) so that
// noise from the rest of the machine hits both builds alike. Reports the median server CPU per
// cycle of each, and its ratio to the TCP cycle's and to the other build's.
//   mkdir -p /tmp/before && git archive <commit> | tar -x -C /tmp/before
//   (cd /tmp/before && ln -s $OLDPWD/node_modules . && npx tsc)
//   node build/bench/handshake-compare.js --before /tmp/before [--kinds wsflow,wsflow-attach,wsflow-routed]
//     [--rounds 7] [--seconds 2.5] [--loops 8] [--cpu-prof DIR]

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, printTable } from './harness.js';
import { measureHandshakes } from './handshakes.js';
import { killAllChildren, pinLoadProcess, startServer } from './processes.js';
import type { ServerProcess } from './processes.js';
import { handshakePathOf } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    kinds: { type: 'string', default: 'wsflow,wsflow-attach,wsflow-routed' },
    rounds: { type: 'string', default: '7' },
    seconds: { type: 'string', default: '2.5' },
    loops: { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
  },
});
if (values.before === undefined) {
  console.error('usage: handshake-compare.js --before <dir of another build> [--kinds a,b]');
  process.exit(2);
}

/** One server under test: which build it comes from and its child. */
interface Contender {
  label: string;
  kind: ServerKind;
  server: ServerProcess;
  cpu: number[];
  rate: number[];
  failed: number;
}

const beforeScript = resolve(values.before, 'build/bench/echo-server.js');
const kinds = values.kinds.split(',') as ServerKind[];
const rounds = Number(values.rounds);
const durationMs = Number(values.seconds) * 1000;
const loops = Number(values.loops);
const cpuProfileDir = values['cpu-prof'];

async function contender(label: string, kind: ServerKind, script?: string): Promise<Contender> {
  const server = await startServer(kind, { script, cpuProfileDir });
  return { label, kind, server, cpu: [], rate: [], failed: 0 };
}

async function main(): Promise<void> {
  pinLoadProcess();
  const contenders: Contender[] = [await contender('tcp', 'tcp')];
  for (const kind of kinds) {
    contenders.push(await contender(`${kind} before`, kind, beforeScript));
    contenders.push(await contender(`${kind} after`, kind));
  }
  contenders.push(await contender('ws', 'ws'));
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) {
        const result = await measureHandshakes(c.server.port, durationMs, loops, {
          tcp: c.kind === 'tcp',
          path: handshakePathOf(c.kind),
          serverCpuMicros: () => c.server.cpuMicros(),
        });
        c.cpu.push(result.serverCpuPerCycle);
        c.rate.push(result.rate);
        c.failed += result.failed;
      }
      process.stderr.write(`round ${round + 1}/${rounds}\n`);
    }
  } finally {
    await Promise.all(contenders.map((c) => c.server.stop()));
  }
  const tcpCpu = median(contenders[0].cpu);
  const wsRate = median(contenders[contenders.length - 1].rate);
  const rows = contenders.map((c) => {
    const cpu = median(c.cpu);
    const pair = c.label.endsWith(' after')
      ? contenders.find((o) => o.label === `${c.kind} before`)
      : undefined;
    return [
      c.label,
      cpu.toFixed(1),
      `${(cpu / tcpCpu).toFixed(2)}x`,
      pair === undefined ? '' : `${(cpu / median(pair.cpu)).toFixed(2)}x`,
      `${(median(c.rate) / 1000).toFixed(1)}k`,
      `${(median(c.rate) / wsRate).toFixed(2)}x`,
      String(c.failed),
    ];
  });
  printTable(
    ['server', 'srv µs/cycle', 'vs tcp', 'vs before', 'cycles/s', 'vs ws', 'failed'],
    rows,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    killAllChildren();
    process.exit(1);
  },
);
