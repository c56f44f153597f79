// Hub layer: topics and broadcast. Connections join and subscribe to named topics; a publish
// goes through the backend and comes back as one message per topic, framed once and written to
// every local subscriber, each under its bound for slow reading. Also the registry: who is in,
// what each follows, how many follow each topic, and presence events.

import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectionBoundFlow } from '../flow/bound-flow.js';
import { closeForCause, frameOutputOf, negotiatedDeflateOf } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import { InvalidStateError } from '../errors.js';
import type { Flow, MessageFlow } from '../flow/flow.js';
import type { MessageLike } from '../message/message.js';
import { ProtocolState } from '../protocol/protocol.js';
import type { CloseOutcome } from '../protocol/events.js';
import type { MessageFlowTransformer } from '../transform/transformer.js';
import { inProcessBackend } from './backend.js';
import type { HubBackend, HubSink, TopicReplay } from './backend.js';
import { HubMember } from './member.js';
import { memberResumeOf } from './member-resume.js';
import type { HeldMessage, MemberResume } from './member-resume.js';
import { idOf, positionOf } from '../resume-wire.js';
import type { MessagePosition } from '../resume-wire.js';
import { MemberState } from './member-state.js';
import type { MemberOwner } from './member-state.js';

/** A member as the hub keeps it. */
type Member = MemberState;

/** The public face of a member. */
function faceOf(state: Member): HubMember<never> {
  return state.member as HubMember<never>;
}
import { tellPresence } from './presence.js';
import type { PresenceEvent, PresenceListener } from './presence.js';
import { resolveSubscriberLimits } from './subscriber-limits.js';
import type { ResolvedSubscriberLimits, SubscriberLimits } from './subscriber-limits.js';
import { Topic } from './topic.js';
import type { PendingMessage } from './topic.js';
import { TopicFrames, sharedDeflateOf } from './topic-frames.js';
import { goneFrame, resumeUnits } from './resume-frames.js';
import type { DueMessage, ResumeUnit } from './resume-frames.js';
import type { TopicMessage } from './topic-message.js';
import { toTopicMessage } from './topic-message.js';

/** Options of {@link Hub}. */
export interface HubOptions {
  /** Where messages travel; default {@link inProcessBackend} (this process only). */
  backend?: HubBackend;
  /** Every member's bound and slow-consumer policy, unless it joins with its own. */
  limits?: SubscriberLimits;
}

/** Options of {@link Hub.publish}. */
export interface PublishOptions {
  /** A member (or its connection) that does not get the message: the sender, typically. */
  except?: HubMember<never> | Connection;
}

/** Options of {@link Hub.join} and {@link Hub.member}. */
export interface JoinOptions {
  /** This member's bound and policy, over the hub's. */
  limits?: SubscriberLimits;
}

/** A hub's registry in numbers. */
export interface HubStats {
  /** Members (open connections in the hub). */
  readonly members: number;
  /** Topics with at least one local subscriber. */
  readonly topics: number;
  /** Subscriptions: the sum of every topic's subscribers. */
  readonly subscriptions: number;
  /** Bytes waiting for members now, counted per member (a shared frame counts once per member). */
  readonly bufferedBytes: number;
  /** Messages members did not get because they read too slowly. */
  readonly droppedMessages: number;
  /** Members closed for reading too slowly. */
  readonly closedSlow: number;
}

/** How often a replay looks whether its member has read enough for the next page. */
const REPLAY_DRAIN_POLL_MS = 5;

/** Calls a hub's private end-of-tick write (a `process.nextTick` callback, no closure per tick). */
let writeHub: (hub: Hub) => void;

/**
 * Topics with frame-once fan-out (uWebSockets.js' and Bun's topics, Socket.IO's rooms), over a
 * backend that a distributed one (Redis) can replace. A connection joins with {@link Hub.join}
 * (in a route's `accept`) or {@link Hub.member}; a publish frames the message once, compresses it
 * once for subscribers that allow it, writes the same bytes to every subscriber in the order
 * published, and never waits for a slow one: past its `maxBufferedBytes`, its policy drops or
 * closes. A connection that closes leaves every topic.
 *
 * @example
 * ```ts
 * const hub = new Hub();
 * const router = new Router().route('/chat/:room', (request) =>
 *   accept(
 *     hub.join(text(), (member) => {
 *       member.subscribe(request.params.room);
 *       return map((line) => hub.publish(request.params.room, line));
 *     }),
 *   ),
 * );
 * setInterval(() => hub.publish('lobby', 'tick'), 1000); // from outside a handler too
 * ```
 */
export class Hub implements HubSink {
  readonly #backend: HubBackend;
  readonly #limits: ResolvedSubscriberLimits;
  readonly #members = new Map<Connection, Member>();
  readonly #topics = new Map<string, Topic>();
  /** Topics with messages not yet written, in the order their batch opened. */
  #dirty: Topic[] = [];
  #writeScheduled = false;
  /** Numbers the messages taken since the hub last wrote, across topics. */
  #seq = 0;
  readonly #node = randomBytes(6).toString('base64url');
  #nextId = 0;
  #listeners: PresenceListener[] = [];
  #closed = false;
  #departedDropped = 0;
  #closedSlow = 0;
  /** What members call: the hub's own side of subscribe, unsubscribe and publish. */
  readonly #owner: MemberOwner = {
    subscribe: (member, topic) => this.#subscribe(member, topic),
    unsubscribe: (member, topic) => this.#unsubscribe(member, topic),
    publish: (topic, message, except) => this.#publish(topic, message, except),
    writePending: (member) => this.#writePending(member),
  };

  /** @param options - The backend and every member's default limits. */
  constructor(options: HubOptions = {}) {
    this.#limits = resolveSubscriberLimits(options.limits);
    this.#backend = options.backend ?? inProcessBackend();
    this.#backend.open(this);
  }

  /**
   * A flow that makes `connection` a member when it starts, then runs the flow `make` builds
   * for it (accept it in a route, or serve it). With a transformer, `make` builds a flow of its
   * values, and the member publishes and sends them, encoded once per publish.
   *
   * @param make - Builds the connection's flow, given its member.
   * @param options - The member's own limits.
   * @returns The flow; a transformer goes inside it (`hub.join(json(), ...)`), not around it.
   * @example
   * ```ts
   * accept(hub.join((member) => (member.subscribe('news'), map(() => undefined))));
   * ```
   */
  join(make: (member: HubMember) => MessageFlow, options?: JoinOptions): MessageFlow;
  join<In, Out>(
    transformer: MessageFlowTransformer<In, Out>,
    make: (member: HubMember<Out>) => Flow<In, Out>,
    options?: JoinOptions,
  ): MessageFlow;
  join<In, Out>(
    first: MessageFlowTransformer<In, Out> | ((member: HubMember) => MessageFlow),
    second?: ((member: HubMember<Out>) => Flow<In, Out>) | JoinOptions,
    third?: JoinOptions,
  ): MessageFlow {
    if (typeof first === 'function') {
      const options = second as JoinOptions | undefined;
      return new ConnectionBoundFlow<Connection>((connection) =>
        first(this.#add<MessageLike>(connection, options, identity)),
      );
    }
    const transformer = first;
    const make = second as (member: HubMember<Out>) => Flow<In, Out>;
    const encode = (value: Out): MessageLike => transformer.encode(value);
    return new ConnectionBoundFlow<Connection>((connection) =>
      transformer.transform(make(this.#add(connection, third, encode))),
    );
  }

  /**
   * The member of a server connection, made (and told as `opened`) the first time: for
   * connections started without {@link Hub.join} (`serve({ onConnection })`, `attachWebSocket`).
   *
   * @param connection - An open server connection.
   * @param options - Its own limits (used only when the member is made).
   * @returns Its member.
   * @throws InvalidStateError for a closed connection or a closed hub; TypeError for a client's.
   */
  member(connection: Connection, options?: JoinOptions): HubMember {
    return this.#add<MessageLike>(connection, options, identity);
  }

  /** The member of a connection, if it is in this hub. */
  memberOf(connection: Connection): HubMember | undefined {
    const state = this.#members.get(connection);
    return state === undefined ? undefined : (faceOf(state) as HubMember);
  }

  /** Every member: the open connections in this hub. */
  *members(): IterableIterator<HubMember> {
    for (const state of this.#members.values()) yield faceOf(state) as HubMember;
  }

  /** The topics with at least one subscriber here. */
  topics(): IterableIterator<string> {
    return this.#topics.keys();
  }

  /** How many members here are subscribed to `topic` (Bun's `subscriberCount`). */
  subscriberCount(topic: string): number {
    return this.#topics.get(topic)?.members.length ?? 0;
  }

  /**
   * Subscribes a connection to a topic (making it a member first).
   *
   * @returns false when it was already subscribed.
   */
  subscribe(connection: Connection, topic: string): boolean {
    return this.member(connection).subscribe(topic);
  }

  /**
   * Unsubscribes a connection from a topic.
   *
   * @returns false when it was not subscribed.
   */
  unsubscribe(connection: Connection, topic: string): boolean {
    return this.memberOf(connection)?.unsubscribe(topic) ?? false;
  }

  /**
   * Publishes a message to every subscriber of `topic` (uWebSockets.js' `app.publish`,
   * Socket.IO's `io.to(room).emit`): framed once, compressed once per deflate setting that can
   * share it, the same bytes written to each, in order with what each connection sends itself.
   * Returns at once; a subscriber over its bound is handled by its policy.
   *
   * @param topic - The topic.
   * @param message - A string (text), a Uint8Array (binary) or a Strict message. Bytes are
   *   shared, not copied: do not change them afterwards.
   * @param options - `except`: a member (or connection) to skip, the sender typically.
   * @throws TypeError for a Streamed message, a Ping or a Pong; InvalidStateError once closed.
   * @example
   * ```ts
   * hub.publish('news', JSON.stringify({ headline: 'Frame once, write many' }));
   * ```
   */
  publish(topic: string, message: MessageLike, options?: PublishOptions): void {
    const except = options?.except;
    const exceptId =
      except === undefined
        ? undefined
        : except instanceof HubMember
          ? except.id
          : this.#members.get(except)?.id;
    this.#publish(topic, message, exceptId);
  }

  /**
   * Listens to presence: members opened and closed, topics subscribed and unsubscribed.
   *
   * @param listener - Called synchronously with each event.
   * @returns A function that removes the listener.
   * @example
   * ```ts
   * hub.onPresence((event) => {
   *   if (event.type === 'subscribed') console.log(`${event.topic}: ${event.subscribers}`);
   * });
   * ```
   */
  onPresence(listener: PresenceListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((other) => other !== listener);
    };
  }

  /** The registry in numbers (it walks every member: for metrics, not for every message). */
  stats(): HubStats {
    let subscriptions = 0;
    for (const topic of this.#topics.values()) subscriptions += topic.members.length;
    let bufferedBytes = 0;
    let droppedMessages = this.#departedDropped;
    for (const member of this.#members.values()) {
      bufferedBytes += member.output.bufferedBytes;
      droppedMessages += member.droppedMessages;
    }
    return {
      members: this.#members.size,
      topics: this.#topics.size,
      subscriptions,
      bufferedBytes,
      droppedMessages,
      closedSlow: this.#closedSlow,
    };
  }

  /**
   * Closes the hub: every member leaves every topic (their connections stay open), and the
   * backend is closed. Publishing afterwards throws.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const member of [...this.#members.values()]) this.#leave(member);
    await this.#backend.close();
  }

  /**
   * HubSink: a message arrived on a topic. It is framed once and written to each subscriber at
   * the end of the tick, with the topic's other messages of the tick: one buffer, shared by every
   * subscriber that takes them all (a connection that sends a message of its own meanwhile gets
   * what was published before it first, so order holds).
   */
  deliver(topicName: string, message: TopicMessage): void {
    const topic = this.#topics.get(topicName);
    if (topic === undefined) return;
    const pending: PendingMessage = {
      frames: new TopicFrames(message),
      except: message.except,
      seq: this.#seq++,
    };
    if (!topic.add(pending)) return;
    this.#dirty.push(topic);
    if (!this.#writeScheduled) {
      this.#writeScheduled = true;
      process.nextTick(writeHub, this);
    }
    for (const member of topic.members) member.output.pendingFrames = member;
  }

  static {
    writeHub = (hub) => hub.#writeAll();
  }

  /** Writes every pending message to the members that have not had it (end of tick). */
  #writeAll(): void {
    this.#writeScheduled = false;
    this.#seq = 0;
    const dirty = this.#dirty;
    this.#dirty = [];
    let slow: Member[] | undefined;
    for (const topic of dirty) {
      const pending = topic.pending;
      if (pending === undefined) continue;
      const { members, cursors } = topic;
      // Backwards, so a member closed on the way could be taken out of the list without a skip.
      for (let i = members.length - 1; i >= 0; i--) {
        const member = members[i];
        if (member.output.pendingFrames === member) member.output.pendingFrames = undefined;
        if (cursors[i] >= pending.length || member.gone) continue;
        if (!this.#catchUp(member, topic, i)) (slow ??= []).push(member);
      }
    }
    for (const topic of dirty) topic.endBatch();
    if (slow !== undefined) for (const member of slow) this.#closeSlow(member);
  }

  /**
   * Writes to a member what it has not had of a topic's pending messages: all of them in one
   * shared buffer when it can, else one by one (it is left out of some, subscribed late, is
   * near its bound, or other topics of its have messages pending, which keep their order).
   *
   * @returns false when the member must be closed (policy 'close').
   */
  #catchUp(member: Member, topic: Topic, index: number): boolean {
    if (member.resume !== undefined) return this.#catchUpResuming(member, topic, index);
    if (member.slots.size > 1) return this.#catchUpAll(member);
    const pending = topic.pending as PendingMessage[];
    const from = topic.cursors[index];
    topic.cursors[index] = pending.length;
    if (from === 0 && topic.excepted?.has(member.id) !== true) {
      const whole = topic.whole(member.deflate);
      if (member.fits(whole.length)) {
        member.output.writeFrames(whole, pending.length);
        return true;
      }
    }
    for (let k = from; k < pending.length; k++) {
      const message = pending[k];
      if (message.except === member.id) continue;
      if (!member.offer(message.frames.for(member.deflate))) return false;
    }
    return true;
  }

  /**
   * {@link Hub.#catchUp} for a resuming member: the topic's shared buffer with markers when it
   * takes every pending message, else message by message.
   */
  #catchUpResuming(member: Member, topic: Topic, index: number): boolean {
    const pending = topic.pending as PendingMessage[];
    if (
      member.slots.size === 1 &&
      topic.cursors[index] === 0 &&
      topic.excepted?.has(member.id) !== true &&
      !(member.resume as MemberResume).holds(topic.name)
    ) {
      const whole = topic.resumeWhole(member.deflate);
      if (member.fits(whole.length)) {
        topic.cursors[index] = pending.length;
        member.output.writeFrames(whole, pending.length);
        return true;
      }
    }
    return this.#catchUpAll(member);
  }

  /**
   * {@link Hub.#catchUpAll} for a resuming member: a topic being replayed to it keeps its
   * messages back, one just replayed drops what it had, and the rest goes out with markers.
   */
  #catchUpAllResuming(member: Member, resume: MemberResume): boolean {
    const due: DueMessage[] = [];
    for (const [name, index] of member.slots) {
      const topic = this.#topics.get(name) as Topic;
      const pending = topic.pending;
      if (pending === undefined) continue;
      const held = resume.replaying.get(name);
      for (let k = topic.cursors[index]; k < pending.length; k++) {
        const message = pending[k];
        if (message.except === member.id) continue;
        if (held !== undefined) held.push(message);
        else if (resume.isNew(name, message.frames.message)) {
          due.push({ topic: name, frames: message.frames, seq: message.seq });
        }
      }
      topic.cursors[index] = pending.length;
    }
    if (due.length > 1) due.sort((a, b) => a.seq - b.seq);
    return this.#writeUnits(member, resumeUnits(due, member.deflate, maxUnitBytesOf(member)));
  }

  /** Writes a resuming member's units. @returns false when it must be closed. */
  #writeUnits(member: Member, units: readonly ResumeUnit[]): boolean {
    for (const unit of units) if (!member.offer(unit.bytes, unit.messages)) return false;
    return true;
  }

  /**
   * Replays to a member that came back what `topic` had after its last message (page by page,
   * from the backend), then what arrived live meanwhile and it had not had, and lets it go live.
   * Without a backend replay, or past retention, it is told `gone` and goes live from now.
   */
  async #replay(member: Member, topic: string, lastId: string): Promise<void> {
    const resume = member.resume as MemberResume;
    const held: HeldMessage[] = [];
    resume.replaying.set(topic, held);
    const current = (): boolean => !member.gone && resume.replaying.get(topic) === held;
    const replay = this.#backend.replay?.bind(this.#backend);
    const pageAfter = (position: MessagePosition): Promise<TopicReplay> =>
      replay === undefined ? Promise.resolve({ kind: 'gone' }) : replay(topic, idOf(position));
    let after = replay === undefined ? undefined : positionOf(lastId);
    const start = after;
    let nextPage = start === undefined ? undefined : () => pageAfter(start);
    while (nextPage !== undefined) {
      let page: TopicReplay;
      try {
        page = await nextPage();
      } catch {
        page = { kind: 'gone' };
      }
      if (!current()) return;
      if (page.kind === 'gone') {
        after = undefined;
        break;
      }
      const last = page.messages.at(-1);
      if (last?.entryId !== undefined && last.index !== undefined) {
        after = { entry: last.entryId, index: last.index };
      } else if (page.next === undefined) break; // no ID to ask after
      const due = page.messages
        .filter((message) => message.except !== member.id)
        .map((message) => ({ topic, frames: new TopicFrames(message), seq: 0 }));
      for (const unit of resumeUnits(due, member.deflate, maxUnitBytesOf(member))) {
        // A backlog longer than the member's bound waits for it to read, rather than meet its
        // slow-consumer policy: the next run goes once it fits (or nothing else is queued).
        while (current() && !member.fits(unit.bytes.length) && member.output.bufferedBytes > 0) {
          await delay(REPLAY_DRAIN_POLL_MS);
        }
        if (!current()) return;
        if (!member.offer(unit.bytes, unit.messages)) {
          this.#closeSlow(member);
          return;
        }
      }
      if (!page.more) break;
      // The backend's own next page, or the page after the last message.
      const from = after;
      nextPage = page.next ?? (from === undefined ? undefined : () => pageAfter(from));
    }
    resume.replaying.delete(topic);
    if (after === undefined) {
      if (!member.offer(goneFrame(topic))) {
        this.#closeSlow(member);
        return;
      }
    } else resume.floors.set(topic, after);
    const due: DueMessage[] = [];
    for (const message of held) {
      if (resume.isNew(topic, message.frames.message)) {
        due.push({ topic, frames: message.frames, seq: message.seq });
      }
    }
    const units = resumeUnits(due, member.deflate, maxUnitBytesOf(member));
    if (!this.#writeUnits(member, units)) this.#closeSlow(member);
  }

  /** Writes what a member has not had of every topic of its, in the order published. */
  #catchUpAll(member: Member): boolean {
    if (member.resume !== undefined) return this.#catchUpAllResuming(member, member.resume);
    const due: PendingMessage[] = [];
    for (const [name, index] of member.slots) {
      const topic = this.#topics.get(name) as Topic;
      const pending = topic.pending;
      if (pending === undefined) continue;
      for (let k = topic.cursors[index]; k < pending.length; k++) {
        if (pending[k].except !== member.id) due.push(pending[k]);
      }
      topic.cursors[index] = pending.length;
    }
    if (due.length > 1) due.sort((a, b) => a.seq - b.seq);
    for (const message of due) {
      if (!member.offer(message.frames.for(member.deflate))) return false;
    }
    return true;
  }

  /** The member's connection sends a message of its own: what was published before goes first. */
  #writePending(member: Member): void {
    if (member.gone) return;
    if (!this.#catchUpAll(member)) {
      this.#closeSlow(member);
      return;
    }
    // Later publishes of this tick are held back again: be asked again before the next send.
    for (const name of member.slots.keys()) {
      if (this.#topics.get(name)?.pending !== undefined) {
        member.output.pendingFrames = member;
        return;
      }
    }
  }

  #subscribe(who: Member, name: string): boolean {
    if (typeof name !== 'string') throw new TypeError('a topic is a string');
    if (who.gone || who.slots.has(name)) return false;
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = new Topic(name);
      this.#topics.set(name, topic);
      this.#backend.subscribe(name);
    }
    const { members, cursors } = topic;
    who.slots.set(name, members.length);
    members.push(who);
    // Messages published earlier in this tick are not its; later ones are, in order.
    cursors.push(topic.pending?.length ?? 0);
    if (topic.pending !== undefined) who.output.pendingFrames = who;
    const lastId = who.resume?.lastIds.get(name);
    if (lastId !== undefined) {
      who.resume?.lastIds.delete(name);
      void this.#replay(who, name, lastId);
    }
    this.#backend.subscribers?.(name, members.length);
    this.#tell({
      type: 'subscribed',
      member: faceOf(who),
      topic: name,
      subscribers: members.length,
    });
    return true;
  }

  #unsubscribe(who: Member, name: string): boolean {
    const slot = who.slots.get(name);
    const topic = this.#topics.get(name);
    if (slot === undefined || topic === undefined) return false;
    // What was published while it was subscribed is still its own.
    if (topic.pending !== undefined && !who.gone && topic.cursors[slot] < topic.pending.length) {
      if (!this.#catchUpAll(who)) {
        this.#closeSlow(who); // which takes it out of every topic, this one too
        return true;
      }
    }
    who.slots.delete(name);
    who.resume?.forget(name);
    const { members, cursors } = topic;
    const last = members.pop() as Member;
    const lastCursor = cursors.pop() as number;
    if (last !== who) {
      members[slot] = last;
      cursors[slot] = lastCursor;
      last.slots.set(name, slot);
    }
    if (members.length === 0) {
      this.#topics.delete(name);
      this.#backend.unsubscribe(name);
    }
    this.#backend.subscribers?.(name, members.length);
    this.#tell({
      type: 'unsubscribed',
      member: faceOf(who),
      topic: name,
      subscribers: members.length,
    });
    return true;
  }

  #publish(topic: string, message: MessageLike, except: string | undefined): void {
    if (this.#closed) throw new InvalidStateError('the hub is closed');
    if (typeof topic !== 'string') throw new TypeError('a topic is a string');
    this.#backend.publish(topic, toTopicMessage(message, except));
  }

  #add<Out>(
    connection: Connection,
    options: JoinOptions | undefined,
    encode: (value: Out) => MessageLike,
  ): HubMember<Out> {
    const known = this.#members.get(connection);
    if (known !== undefined) return faceOf(known) as unknown as HubMember<Out>;
    if (this.#closed) throw new InvalidStateError('the hub is closed');
    if (connection.side !== 'server') {
      throw new TypeError('only server connections join a hub (frames are written unmasked)');
    }
    if (connection.state === ProtocolState.Closed) {
      throw new InvalidStateError('the connection is closed');
    }
    const state: Member = new MemberState(this.#owner, connection, {
      id: `${this.#node}.${(this.#nextId++).toString(36)}`,
      output: frameOutputOf(connection),
      limits: resolveSubscriberLimits(options?.limits, this.#limits),
      deflate: sharedDeflateOf(negotiatedDeflateOf(connection)),
      resume: memberResumeOf(connection),
    });
    const member = new HubMember<Out>(state, encode);
    state.member = member;
    this.#members.set(connection, state);
    connection.onClosed((outcome) => this.#closedConnection(state, outcome));
    this.#tell({ type: 'opened', member: faceOf(state) });
    return member;
  }

  #closedConnection(member: Member, outcome: CloseOutcome): void {
    if (this.#members.get(member.connection) !== member) return;
    this.#leave(member);
    this.#tell({ type: 'closed', member: faceOf(member), outcome });
  }

  /** Takes a member out of every topic and of the registry. */
  #leave(member: Member): void {
    member.gone = true;
    for (const topic of [...member.slots.keys()]) this.#unsubscribe(member, topic);
    this.#members.delete(member.connection);
    this.#departedDropped += member.droppedMessages;
  }

  /** Policy 'close': out of every topic now, what is queued for it dropped, then the Close. */
  #closeSlow(member: Member): void {
    if (member.gone) return;
    this.#closedSlow++;
    member.gone = true;
    if (member.output.pendingFrames === member) member.output.pendingFrames = undefined;
    for (const topic of [...member.slots.keys()]) this.#unsubscribe(member, topic);
    member.dropQueued();
    const limit = { name: 'maxBufferedBytes', value: member.limits.maxBufferedBytes };
    closeForCause(member.connection, member.limits.closeCode, 'subscriber too slow', {
      kind: 'limit',
      limit,
    });
  }

  #tell(event: PresenceEvent): void {
    if (this.#listeners.length > 0) tellPresence(this.#listeners, event);
  }
}

/** A resuming member's runs are cut at half its bound: its policy drops a part, not a run. */
function maxUnitBytesOf(member: Member): number {
  return member.limits.maxBufferedBytes / 2;
}

function identity(value: MessageLike): MessageLike {
  return value;
}
