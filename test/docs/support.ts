// Shared by the docs tests: what a wsflow client learns of a refused handshake.

import assert from 'node:assert/strict';
import { HandshakeError } from '../../src/index.js';

/** The status of a refused handshake; fails the test when the upgrade was accepted. */
export async function refusal(opening: Promise<unknown>): Promise<number | undefined> {
  const error = await opening.then(
    () => assert.fail('the upgrade was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HandshakeError);
  return error.status;
}
