// Test helpers: byte fixtures written as hex or as bit literals, one commented field per line
// (Akka's BitBuilder, ws's hex frames). Whitespace and `#` comments are ignored.

/**
 * Bytes from hex digits: hex`81 05 48 65 6c 6c 6f`.
 */
export function hex(strings: TemplateStringsArray, ...values: unknown[]): Buffer {
  const text = String.raw({ raw: strings }, ...values)
    .replace(/#[^\n]*/g, '')
    .replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`bad hex fixture: ${text}`);
  return Buffer.from(text, 'hex');
}

/**
 * Bytes from bit literals, most significant bit first; the total must be whole bytes:
 *
 *   bits`
 *     1        # FIN
 *     000      # RSV1-3
 *     0001     # opcode: text
 *     0        # MASK
 *     0000101  # length 5
 *   `
 */
export function bits(strings: TemplateStringsArray, ...values: unknown[]): Buffer {
  const text = String.raw({ raw: strings }, ...values)
    .replace(/#[^\n]*/g, '')
    .replace(/\s+/g, '');
  if (!/^[01]*$/.test(text) || text.length % 8 !== 0) {
    throw new Error(`bad bit fixture (${text.length} bits): ${text}`);
  }
  const out = Buffer.alloc(text.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 8, i * 8 + 8), 2);
  return out;
}

/** Concatenates fixtures. */
export function join(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** A Buffer's bytes as spaced hex, for readable assertion messages. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}
