// Routing layer: guards, checks that run before a route's handler (Akka HTTP's directives that
// reject, such as `authenticateBasic`, in front of `handleWebSocketMessages`). A guard passes,
// adding typed fields to the request (the user), or refuses with a plain HTTP response.

import { isPromiseLike } from '../util/thenable.js';
import type { RouteRejected } from './answers.js';
import type { RouteRequest } from './route-request.js';

/** A guard's pass: the fields it adds to the request, e.g. `{ user }`. */
export interface GuardPassed<Added extends object = object> {
  readonly kind: 'pass';
  readonly added: Added;
}

/** What a guard answers: {@link pass} (with fields for the handler) or `reject(status, init)`. */
export type GuardOutcome<Added extends object = object> = GuardPassed<Added> | RouteRejected;

/**
 * A check before a route's handler. It sees the request and answers `pass(added)`, whose fields
 * the handler then reads on its request, typed (`request.user`), or `reject(status, init)`,
 * which answers the upgrade without calling the handler. Synchronous, or a promise.
 *
 * @example
 * const apiKey: Guard<{ tenant: string }> = (request) => {
 *   const tenant = tenants.get(request.headers['x-api-key'] ?? '');
 *   return tenant === undefined ? reject(403) : pass({ tenant });
 * };
 * router.route('/feed', (request) => accept(feed(request.tenant)), { guards: [apiKey] });
 */
export type Guard<Added extends object = object> = (
  request: RouteRequest,
) => GuardOutcome<Added> | PromiseLike<GuardOutcome<Added>>;

/**
 * The fields a list of guards adds to the request: the intersection of what each one passes.
 *
 * @example
 * type Added = GuardsAdded<[Guard<{ user: string }>, Guard<{ tenant: number }>]>;
 * // { user: string } & { tenant: number }
 */
export type GuardsAdded<G extends readonly Guard<object>[]> = G extends readonly [
  Guard<infer First>,
  ...infer Rest extends readonly Guard<object>[],
]
  ? First & GuardsAdded<Rest>
  : G extends readonly [] // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    ? {}
    : G extends readonly Guard<infer A>[] // a list, not a tuple: what all of its guards add
      ? A
      : object;

const NOTHING: GuardPassed<Record<never, never>> = { kind: 'pass', added: {} };

/**
 * Lets the request through to the handler, adding nothing.
 *
 * @returns The answer to return from a guard.
 * @example
 * const weekdays: Guard = () => (new Date().getDay() % 6 === 0 ? reject(503) : pass());
 */
export function pass(): GuardPassed<Record<never, never>>;
/**
 * Lets the request through to the handler, adding `added`'s fields to it.
 *
 * @param added - Fields for the handler's request, e.g. `{ user }`. A name the request already
 *   has (`origin`, `params`, ...) cannot be added.
 * @returns The answer to return from a guard.
 * @example
 * const apiKey: Guard<{ tenant: Tenant }> = (request) => {
 *   const tenant = tenants.get(request.headers['x-api-key'] ?? '');
 *   return tenant === undefined ? reject(403) : pass({ tenant });
 * };
 */
export function pass<Added extends object>(added: Added): GuardPassed<Added>;
export function pass(added?: object): GuardPassed {
  return added === undefined ? NOTHING : { kind: 'pass', added };
}

/**
 * Runs guards in order on a request, adding what each passes to it. Stays synchronous while
 * the guards are.
 *
 * @param guards - The guards of a route.
 * @param request - Its request; the fields guards add are set on it.
 * @returns undefined when all passed, else the first refusal; a promise once a guard answered
 *   with one.
 * @throws {TypeError} When a guard answers neither `pass()` nor `reject()`, or adds a field the
 *   request already has.
 */
export function runGuards(
  guards: readonly Guard[],
  request: RouteRequest,
  from = 0,
): RouteRejected | undefined | Promise<RouteRejected | undefined> {
  for (let index = from; index < guards.length; index++) {
    const outcome = guards[index](request);
    if (isPromiseLike(outcome)) {
      return Promise.resolve(outcome).then((settled) => {
        const refusal = apply(settled, request);
        return refusal ?? runGuards(guards, request, index + 1);
      });
    }
    const refusal = apply(outcome, request);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/** Adds a pass's fields to the request, or returns the refusal. */
function apply(outcome: GuardOutcome, request: RouteRequest): RouteRejected | undefined {
  if (outcome?.kind === 'reject') return outcome;
  if (outcome?.kind !== 'pass') {
    throw new TypeError('A guard answered neither pass() nor reject()');
  }
  for (const name of Object.keys(outcome.added)) {
    if (name in request) {
      throw new TypeError(`A guard added ${JSON.stringify(name)}, which the request already has`);
    }
    (request as unknown as Record<string, unknown>)[name] = (
      outcome.added as Record<string, unknown>
    )[name];
  }
  return undefined;
}
