// Test support: a local Redis Cluster of three masters (no replicas), each a Debian redis-server
// on free ports of 127.0.0.1 (its client port and its cluster bus port) with its files in a
// temporary folder of its own, joined with `redis-cli --cluster create`, stopped and removed
// after. Slots can be moved between masters, as a resharding does.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REDIS_CLI } from '../../interop/helpers/peers.js';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

/** How many times the cluster's state is asked for before giving up (a bounded wait). */
const STATE_TRIES = 200;

/** Three redis-server processes in cluster mode, joined into one cluster. */
export class RedisCluster {
  readonly masters: readonly RedisServer[];

  private constructor(masters: RedisServer[]) {
    this.masters = masters;
  }

  /** Starts three masters and creates the cluster (the slots split evenly, in port order). */
  static async start(): Promise<RedisCluster> {
    const masters: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        masters.push(
          await RedisServer.start({
            extraArgs: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-port',
              '{busPort}',
              '--cluster-node-timeout',
              '5000',
            ],
          }),
        );
      }
      const cluster = new RedisCluster(masters);
      await cluster.cli(
        '--cluster',
        'create',
        ...masters.map((master) => `127.0.0.1:${master.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      );
      await cluster.#settled();
      return cluster;
    } catch (error) {
      await Promise.all(masters.map((master) => master.stop()));
      throw error;
    }
  }

  /** The masters' URLs, for a cluster client's root nodes. */
  get urls(): string[] {
    return this.masters.map((master) => master.url);
  }

  /** Runs redis-cli with these arguments; its output. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(REDIS_CLI, args, { encoding: 'utf8' });
    return stdout;
  }

  /** A command on one master (by index); its output. */
  command(master: number, ...args: string[]): Promise<string> {
    return this.cli('-h', '127.0.0.1', '-p', String(this.masters[master].port), ...args);
  }

  /** The index of the master that serves a key's slot now. */
  async masterOf(key: string): Promise<number> {
    const slot = Number((await this.command(0, 'CLUSTER', 'KEYSLOT', key)).trim());
    for (let i = 0; i < this.masters.length; i++) {
      if (await this.#serves(i, slot)) return i;
    }
    throw new Error(`no master serves slot ${slot}`);
  }

  /** The keys each master holds (SCAN on each). */
  async keysByMaster(): Promise<string[][]> {
    return Promise.all(
      this.masters.map(async (_, i) =>
        (await this.command(i, '--scan')).split('\n').filter((key) => key !== ''),
      ),
    );
  }

  /**
   * Moves a slot, and its keys, to another master, as a resharding does: the target imports it,
   * the source migrates its keys there, then every master is told the slot's new owner.
   */
  async moveSlot(slot: number, to: number): Promise<void> {
    let from = -1;
    for (let i = 0; i < this.masters.length && from === -1; i++) {
      if (await this.#serves(i, slot)) from = i;
    }
    if (from === to) return;
    const ids = await Promise.all(
      this.masters.map(async (_, i) => (await this.command(i, 'CLUSTER', 'MYID')).trim()),
    );
    const s = String(slot);
    await this.command(to, 'CLUSTER', 'SETSLOT', s, 'IMPORTING', ids[from]);
    await this.command(from, 'CLUSTER', 'SETSLOT', s, 'MIGRATING', ids[to]);
    for (;;) {
      const keys = (await this.command(from, 'CLUSTER', 'GETKEYSINSLOT', s, '100'))
        .split('\n')
        .filter((key) => key !== '');
      if (keys.length === 0) break;
      const port = String(this.masters[to].port);
      await this.command(from, 'MIGRATE', '127.0.0.1', port, '', '0', '5000', 'KEYS', ...keys);
    }
    for (const i of [to, from, ...this.masters.keys()]) {
      await this.command(i, 'CLUSTER', 'SETSLOT', s, 'NODE', ids[to]);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.masters.map((master) => master.stop()));
  }

  /** Waits (a bounded number of tries) until every master sees the cluster ok. */
  async #settled(): Promise<void> {
    for (let tries = 0; tries < STATE_TRIES; tries++) {
      const states = await Promise.all(
        this.masters.map((_, i) => this.command(i, 'CLUSTER', 'INFO')),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the cluster did not settle');
  }

  /** Whether a master serves a slot, by its own line of CLUSTER NODES (its slot ranges last). */
  async #serves(master: number, slot: number): Promise<boolean> {
    const nodes = await this.command(master, 'CLUSTER', 'NODES');
    const mine = nodes.split('\n').find((line) => line.includes('myself'));
    if (mine === undefined) return false;
    return mine
      .split(' ')
      .slice(8)
      .some((range) => {
        if (range.startsWith('[')) return false; // a slot being imported or migrated
        const [low, high = low] = range.split('-').map(Number);
        return slot >= low && slot <= high;
      });
  }
}
