// Hub layer: what a hub tells about who is there — connections joining and leaving, and topics
// gaining and losing subscribers (uWebSockets.js' `subscription` handler, Socket.IO's adapter
// events `join-room` and `leave-room`). A backend spanning nodes builds cluster-wide counts on them.

import type { CloseOutcome } from '../protocol/events.js';
import type { HubMember } from './member.js';

/** A change in a hub's registry, told to `hub.onPresence` listeners as it happens. */
export type PresenceEvent =
  | { readonly type: 'opened'; readonly member: HubMember<never> }
  | { readonly type: 'closed'; readonly member: HubMember<never>; readonly outcome: CloseOutcome }
  | {
      readonly type: 'subscribed' | 'unsubscribed';
      readonly member: HubMember<never>;
      readonly topic: string;
      /** The topic's subscribers on this node after the change. */
      readonly subscribers: number;
    };

/** Listens to a hub's presence events; what it throws surfaces as an uncaught exception. */
export type PresenceListener = (event: PresenceEvent) => void;

/** Tells every listener, each in turn; a listener's error is thrown after the others ran. */
export function tellPresence(listeners: readonly PresenceListener[], event: PresenceEvent): void {
  for (const listener of listeners.slice()) {
    try {
      listener(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
