// Client layer: Akka's singleWebSocketRequest — connect now, run a flow on the connection, and
// hand back the upgrade response, the flow's materialized value and how the connection ended.

import { connectFlow } from '../flow/flow.js';
import type { MessageFlow } from '../flow/flow.js';
import type { CloseOutcome } from '../protocol/events.js';
import { requestUpgrade } from './connect.js';
import type { ClientOptions } from './connect.js';
import { resolveRequest } from './request.js';
import type { WebSocketRequest } from './request.js';
import type { WebSocketUpgradeResponse } from './response.js';

/**
 * A flow together with the value it hands back to whoever runs it (Akka's materialized value):
 * typically a promise the flow's sink settles, such as the last message received.
 */
export interface MaterializedFlow<M> {
  /** The flow to run on the connection. */
  readonly flow: MessageFlow;
  /** What the flow produces for its caller. */
  readonly materialized: M;
}

/** What {@link singleWebSocketRequest} returns at once. */
export interface SingleWebSocketRequest<M> {
  /**
   * Resolves with the server's answer: a ValidUpgrade once connected, or an
   * InvalidUpgradeResponse (a 404 with its body, a bad 101). Rejects with a HandshakeError when
   * no answer came: `_NETWORK` (refused, DNS, TLS) or `_TIMEOUT`.
   */
  readonly upgradeResponse: Promise<WebSocketUpgradeResponse>;
  /** The flow's materialized value; undefined for a plain flow. */
  readonly materialized: M;
  /**
   * Resolves with how the connection ended. Rejects with the flow's error (after closing with
   * 1011), or with the HandshakeError when the upgrade failed.
   */
  readonly closed: Promise<CloseOutcome>;
}

/**
 * Connects right away and runs `flow` on the connection (Akka's `Http().singleWebSocketRequest`).
 * When the flow's output completes, the close handshake starts (1000); the connection ends after
 * the server's Close or the close timeout (3 s). Keep the output open with `maybe()` to only
 * receive (see the half-closed scenarios in docs/client.md). When the upgrade fails, a
 * `{ writable, readable }` flow is failed with the error, so its sink's promise settles.
 *
 * @param request - The request, or just its URL.
 * @param flow - The flow to run, or a {@link MaterializedFlow} with its value.
 * @param options - Connection options and the refusal body bound.
 * @returns The upgrade response, the materialized value and the close outcome.
 * @throws {TypeError} For a request that does not check (bad URL, header, subprotocol).
 * @example
 * const { upgradeResponse, closed } = singleWebSocketRequest(
 *   'ws://127.0.0.1:8080/echo',
 *   fromSinkAndSource((m) => console.log(m.isText && m.isStrict ? m.text : '<other>'), ['hello']),
 * );
 * const response = await upgradeResponse;
 * if (!response.valid) console.log(`failed: ${response.status} ${response.body}`);
 * else console.log('closed with', (await closed).code);
 */
export function singleWebSocketRequest(
  request: WebSocketRequest | string | URL,
  flow: MessageFlow,
  options?: ClientOptions,
): SingleWebSocketRequest<undefined>;
export function singleWebSocketRequest<M>(
  request: WebSocketRequest | string | URL,
  flow: MaterializedFlow<M>,
  options?: ClientOptions,
): SingleWebSocketRequest<M>;
export function singleWebSocketRequest<M>(
  request: WebSocketRequest | string | URL,
  flow: MessageFlow | MaterializedFlow<M>,
  options: ClientOptions = {},
): SingleWebSocketRequest<M | undefined> {
  const resolved = resolveRequest(request);
  const { flow: messageFlow, materialized } = isMaterialized(flow)
    ? flow
    : { flow, materialized: undefined };
  const upgrade = requestUpgrade(resolved, options);
  const upgradeResponse = upgrade.then((result) => result.response);
  const closed = upgrade.then(
    (result) =>
      result.connection === undefined
        ? failFlow(messageFlow, result.response.cause)
        : result.connection.runUntilClosed(messageFlow),
    (error: unknown) => failFlow(messageFlow, error),
  );
  return { upgradeResponse: handled(upgradeResponse), materialized, closed: handled(closed) };
}

/** True for a {@link MaterializedFlow} (a flow is a function or a `{ writable, readable }` pair). */
function isMaterialized<M>(flow: MessageFlow | MaterializedFlow<M>): flow is MaterializedFlow<M> {
  return typeof flow === 'object' && flow !== null && 'materialized' in flow && 'flow' in flow;
}

/**
 * The connection never opened: a pair's sink is aborted and its source cancelled with `error`,
 * so whatever they promised settles. A function flow is not called at all.
 */
function failFlow(flow: MessageFlow, error: unknown): Promise<never> {
  if (typeof flow !== 'function') {
    try {
      const incoming = new ReadableStream({ start: (controller) => controller.error(error) });
      const { output, input } = connectFlow(flow, incoming);
      input.catch(() => undefined);
      output.cancel(error).catch(() => undefined);
    } catch {
      // Not a usable pair: there is nothing of it to settle.
    }
  }
  return Promise.reject(error);
}

/**
 * Marks a promise as handled, so that ignoring it does not end the process with an unhandled
 * rejection; awaiting it still throws.
 *
 * @param promise - A promise the caller may not await.
 * @returns The same promise.
 * @example
 * return { closed: handled(closed) };
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
