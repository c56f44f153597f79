// Redis layer: Redis Cluster's hash slots. A key's slot is the CRC16 (XMODEM) of its hash tag
// (what is between the first `{` and the next `}`, when not empty) or of the whole key, modulo
// 16384. A multi-key command (one XREAD of several streams) must name keys of a single slot, so
// the backend can gather topics into a few slots: a slot group is a hash tag chosen to land in
// its share of the slot space, which a cluster created with even shares gives to one master.

/** The number of hash slots of a Redis Cluster. */
export const SLOTS = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++)
    crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

/** CRC16/XMODEM of some bytes, as Redis Cluster computes it. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/**
 * The hash slot of a key.
 *
 * @example
 * keySlot('wsflow:{news}'); // the slot of 'news'
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key)) % SLOTS;
}

/** Slot groups at most (a group's tag is found by trying candidates in its share). */
export const MAX_SLOT_GROUPS = 1024;

const tags = new Map<string, string>();

/**
 * The hash tag of slot group `group` of `groups`: the first of `0`, `1`, ... whose slot lies in
 * the middle half of the group's share of the slots, so that with as many groups as masters (of
 * a cluster whose slots were split evenly) each group lands on its own master.
 */
export function slotGroupTag(group: number, groups: number): string {
  const id = `${group}/${groups}`;
  let tag = tags.get(id);
  if (tag !== undefined) return tag;
  const share = SLOTS / groups;
  const low = Math.ceil(group * share + share / 4);
  const high = Math.floor(group * share + (3 * share) / 4);
  for (let candidate = 0; ; candidate++) {
    const slot = crc16(Buffer.from(String(candidate))) % SLOTS;
    if (slot >= low && slot <= high) {
      tag = String(candidate);
      break;
    }
  }
  tags.set(id, tag);
  return tag;
}

/** The slot group of a topic: a hash of its name, modulo the number of groups. */
export function slotGroupOf(topic: string, groups: number): number {
  // FNV-1a: spreads names evenly, and is independent of the slots' CRC16.
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(topic)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % groups;
}
