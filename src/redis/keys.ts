// Redis layer: the key of a topic's stream. The topic is the key's hash tag (`{...}`), so in a
// Redis Cluster every key of a topic lands in one slot, whatever else is added beside the stream.

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
 * The stream key of a topic: `<prefix>{<topic>}`.
 *
 * @example
 * topicKey('wsflow:', 'news'); // 'wsflow:{news}'
 */
export function topicKey(prefix: string, topic: string): string {
  return `${prefix}{${topic}}`;
}
