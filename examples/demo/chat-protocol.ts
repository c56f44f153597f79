// The chat's wire format: what a page may send (checked by a zod schema, any Standard Schema
// validator works) and what the server sends back. Room and user names are checked here too, so
// the page route and the socket route agree on them.

import { z } from 'zod';
import { json } from '../../src/index.js';

/** A room name as it appears in the path: lowercase letters, digits and dashes, 1 to 32. */
export const ROOM_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** A user name: 1 to 24 letters, digits, spaces, dots, dashes or underscores. */
export const UserName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N} ._-]{1,24}$/u, 'a name is 1 to 24 letters, digits, spaces, . _ or -');

/** What a page sends: a line to say, or a new name for itself. */
export const ChatCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('say'), text: z.string().trim().min(1).max(500) }),
  z.object({ type: z.literal('rename'), name: UserName }),
]);
export type ChatCommand = z.infer<typeof ChatCommand>;

/** Someone in a room, as presence lists them. */
export interface Person {
  readonly id: string;
  readonly name: string;
}

/** A line of the room's log: something said, or someone arriving, leaving, or renamed. */
export type ChatLine =
  | { type: 'said'; at: number; from: Person; text: string }
  | { type: 'joined' | 'left'; at: number; who: Person }
  | { type: 'renamed'; at: number; who: Person; was: string };

/** What the server sends a page. */
export type ChatEvent =
  | ChatLine
  | { type: 'welcome'; room: string; you: Person; history: ChatLine[] }
  | { type: 'presence'; room: string; people: Person[] };

/**
 * The chat's transformer: JSON both ways, commands checked by the schema. Text that is not JSON,
 * or JSON the schema refuses, closes the socket with 1007 and a reason naming the first failing
 * field; a message over 16 KiB closes with 1009. The handler never sees either.
 */
export const chatMessages = json<ChatEvent>({ maxBytes: 16 * 1024 }).validate(ChatCommand);
