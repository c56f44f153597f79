// Routing layer: the matcher. Patterns share a tree of segments; a path is walked once, segment
// by segment, keeping every tree node it can still be in (a set of states, never a backtrack),
// so matching costs at most (path segments x routes) steps and no RegExp is involved. Among the
// routes that match, the most specific wins: at the first segment where two differ, a literal
// beats a parameter, and a parameter beats a catch-all.

import { BadTarget } from './decode.js';
import type { CompiledPattern } from './pattern.js';

/** One node of the tree: what a path may continue with after the segments leading here. */
class TreeNode<T> {
  readonly literals = new Map<string, TreeNode<T>>();
  param: TreeNode<T> | undefined;
  /** Routes whose pattern ends here. */
  readonly ends: Leaf<T>[] = [];
  /** Routes whose pattern ends here with a catch-all tail. */
  readonly tails: Leaf<T>[] = [];
}

/** A route's value, with the names of its parameters in path order. */
interface Leaf<T> {
  readonly value: T;
  readonly names: readonly string[];
}

/** Where a walk may be: a node, the parameter values read so far, and how specific it is. */
interface State<T> {
  readonly node: TreeNode<T>;
  readonly values: readonly string[];
  /** One character per segment: '0' literal, '1' parameter, '2' catch-all; smaller wins. */
  readonly rank: string;
}

/** The most specific routes found so far; `tail` is where a catch-all's part of the path starts. */
interface Best<T> {
  readonly leaves: Leaf<T>[];
  readonly values: readonly string[];
  readonly rank: string;
  readonly tail: number | undefined;
}

const NO_VALUES: readonly string[] = [];

/** The more specific of `best` and routes found at `rank` (a smaller rank wins; ties: first). */
function better<T>(
  best: Best<T> | undefined,
  leaves: Leaf<T>[],
  values: readonly string[],
  rank: string,
  tail: number | undefined,
): Best<T> {
  return best === undefined || rank < best.rank ? { leaves, values, rank, tail } : best;
}

/** A route that matched, with its parameters by name. */
export interface TreeMatch<T> {
  readonly value: T;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The routes of a router, by pattern.
 *
 * @example
 * const tree = new RouteTree<string>();
 * tree.add(compilePattern('/chat/:room'), 'chat');
 * tree.match(['chat', 'lobby']); // [{ value: 'chat', params: { room: 'lobby' } }]
 */
export class RouteTree<T> {
  readonly #root = new TreeNode<T>();

  /**
   * Adds a route. Several values may share one pattern (routes for different subprotocols).
   *
   * @param pattern - The compiled pattern.
   * @param value - What a match on it returns.
   */
  add(pattern: CompiledPattern, value: T): void {
    let node = this.#root;
    const names: string[] = [];
    for (const segment of pattern.segments) {
      if (segment.kind === 'tail') {
        names.push(segment.name);
        node.tails.push({ value, names });
        return;
      }
      if (segment.kind === 'param') {
        names.push(segment.name);
        node = node.param ??= new TreeNode<T>();
      } else {
        let next = node.literals.get(segment.text);
        if (next === undefined) node.literals.set(segment.text, (next = new TreeNode<T>()));
        node = next;
      }
    }
    node.ends.push({ value, names });
  }

  /**
   * Finds the most specific routes for a decoded path.
   *
   * @param segments - The path's decoded segments.
   * @returns The routes of the winning pattern (several when they differ by subprotocol), in the
   *   order they were added; empty when no route matches.
   * @throws {BadTarget} When a catch-all would take a segment holding an encoded slash.
   */
  match(segments: readonly string[]): TreeMatch<T>[] {
    let states: State<T>[] = [{ node: this.#root, values: NO_VALUES, rank: '' }];
    let best: Best<T> | undefined;
    for (let i = 0; i < segments.length && states.length > 0; i++) {
      const segment = segments[i];
      const next: State<T>[] = [];
      for (const { node, values, rank } of states) {
        if (node.tails.length > 0) best = better(best, node.tails, values, rank + '2', i);
        const literal = node.literals.get(segment);
        if (literal !== undefined) next.push({ node: literal, values, rank: rank + '0' });
        if (node.param !== undefined && segment !== '') {
          next.push({ node: node.param, values: [...values, segment], rank: rank + '1' });
        }
      }
      states = next;
    }
    for (const { node, values, rank } of states) {
      if (node.ends.length > 0) best = better(best, node.ends, values, rank, undefined);
      if (node.tails.length > 0) {
        best = better(best, node.tails, values, rank + '2', segments.length);
      }
    }
    if (best === undefined) return [];
    let values = best.values;
    if (best.tail !== undefined) {
      const rest = segments.slice(best.tail);
      if (rest.some((segment) => segment.includes('/'))) {
        throw new BadTarget('an encoded slash in the part of the path a catch-all takes');
      }
      values = [...values, rest.join('/')];
    }
    return best.leaves.map(({ value, names }) => {
      // No prototype: a parameter named like an Object.prototype member is only data.
      const params = Object.create(null) as Record<string, string>;
      for (let i = 0; i < names.length; i++) params[names[i]] = values[i];
      return { value, params };
    });
  }
}
