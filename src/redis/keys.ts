// Redis layer: the keys of a topic. By default the topic is its keys' hash tag
// (`<prefix>{<topic>}`), so in a Redis Cluster every key of a topic lands in one slot and the
// topics spread over every slot. With slot groups, the hash tag is the topic's group's
// (`<prefix>{<tag>}:<topic>`): the topics share a few slots, so a node reads each group's streams
// with one XREAD (a Cluster refuses one over keys of different slots).

import { MAX_SLOT_GROUPS, slotGroupOf, slotGroupTag } from './slots.js';

/** The prefix of every key the backend writes, unless told otherwise. */
export const DEFAULT_KEY_PREFIX = 'wsflow:';

/**
 * Checks a key prefix: it may not hold a brace, which would move the hash tag off the topic.
 *
 * @throws TypeError for a prefix with `{` or `}`.
 */
export function checkKeyPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new TypeError('a key prefix may not contain { or }');
  return prefix;
}

/**
 * The stream key of a topic without slot groups: `<prefix>{<topic>}`.
 *
 * @example
 * topicKey('wsflow:', 'news'); // 'wsflow:{news}'
 */
export function topicKey(prefix: string, topic: string): string {
  return `${prefix}{${topic}}`;
}

/** The keys of the topics, for a prefix and a number of slot groups (none: one slot per topic). */
export class TopicKeys {
  readonly prefix: string;
  readonly slotGroups: number | undefined;

  /** @throws TypeError for a prefix with braces, or slot groups out of 1..1024. */
  constructor(prefix: string, slotGroups?: number) {
    this.prefix = checkKeyPrefix(prefix);
    if (
      slotGroups !== undefined &&
      (!Number.isSafeInteger(slotGroups) || slotGroups < 1 || slotGroups > MAX_SLOT_GROUPS)
    ) {
      throw new TypeError(`slotGroups must be an integer from 1 to ${MAX_SLOT_GROUPS}`);
    }
    this.slotGroups = slotGroups;
  }

  /**
   * The stream of a topic.
   *
   * @example
   * new TopicKeys('wsflow:').stream('news'); // 'wsflow:{news}'
   * new TopicKeys('wsflow:', 3).stream('news'); // 'wsflow:{<tag of news' group>}:news'
   */
  stream(topic: string): string {
    if (this.slotGroups === undefined) return topicKey(this.prefix, topic);
    const tag = slotGroupTag(slotGroupOf(topic, this.slotGroups), this.slotGroups);
    return `${this.prefix}{${tag}}:${topic}`;
  }

  /** The presence hash of a topic: beside its stream, in the same slot. */
  presence(topic: string): string {
    return `${this.stream(topic)}:nodes`;
  }

  /** The liveness key of a node. */
  node(id: string): string {
    return `${this.prefix}node:${id}`;
  }
}
