// Flow layer: which flows can run on many connections. A `{ writable, readable }` pair runs once;
// a function, a map flow, a flow made per connection, and control-message wrappers around
// either run on any number.

import { ConnectionBoundFlow } from './bound-flow.js';
import { ControlMessagesFlow } from './control-flow.js';
import { MapFlow } from './flow.js';
import type { MessageFlow } from './flow.js';

/**
 * Whether `flow` can run on many connections (a server's `flow` option, a route's answer).
 *
 * @param flow - the flow.
 * @returns `false` for a `{ writable, readable }` pair, which runs once.
 * @example
 * isReusableFlow(map((m) => m)); // true
 */
export function isReusableFlow(flow: MessageFlow): boolean {
  if (flow instanceof ControlMessagesFlow) return isReusableFlow(flow.flow as MessageFlow);
  if (flow instanceof ConnectionBoundFlow) return true;
  return typeof flow === 'function' || flow instanceof MapFlow;
}
