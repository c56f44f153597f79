// Connection layer: plugs the `bufferutil` addon (ws's optional native helper) into the codec's
// masking seam when it is installed and built natively; wsflow does not depend on it. Done once,
// when the first connection is made, so importing the codec or `wsflow/protocol` reads no
// environment and loads no addon. WSFLOW_NO_BUFFER_UTIL=1 keeps the JavaScript path.

import { createRequire } from 'node:module';
import { FastBuffer } from '../codec/bytes.js';
import { rotateKey, useNativeMask, writeMaskKey } from '../codec/mask.js';

// The addon beats the codec's word loop from about 2 KiB up (20-40 GB/s against 9 GB/s at
// 64 KiB and more; measured on Node 20, x64); below that the call costs more than it saves.
const NATIVE_MIN_BYTES = 2048;

let checked = false;

/**
 * Loads the native mask helper the first time it is called; later calls do nothing.
 *
 * @example
 * ensureNativeMask(); // in the engine's constructor
 */
export function ensureNativeMask(): void {
  if (checked) return;
  checked = true;
  loadOptionalNativeMask();
}

/**
 * Plugs in `bufferutil` as the native masking path when it is installed and built natively, or
 * restores the JavaScript path after {@link useNativeMask}. Set WSFLOW_NO_BUFFER_UTIL=1 to stay
 * with the JavaScript path.
 *
 * @returns Whether the addon is in use.
 * @example
 * if (loadOptionalNativeMask()) console.log('masking with bufferutil');
 */
export function loadOptionalNativeMask(): boolean {
  checked = true;
  useNativeMask(undefined);
  if (process.env.WSFLOW_NO_BUFFER_UTIL) return false;
  let addon: {
    unmask(buffer: Uint8Array, mask: Uint8Array): void;
    mask(
      source: Uint8Array,
      mask: Uint8Array,
      output: Uint8Array,
      offset: number,
      length: number,
    ): void;
  };
  try {
    addon = createRequire(import.meta.url)('bufferutil');
  } catch {
    return false;
  }
  // bufferutil falls back to a JavaScript byte loop when its binary is missing: slower than ours.
  if (!Function.prototype.toString.call(addon.unmask).includes('[native code]')) return false;
  const maskBytes = Buffer.alloc(4);
  const unmask = (
    bytes: Uint8Array,
    start: number,
    end: number,
    key: number,
    phase: number,
  ): void => {
    writeMaskKey(rotateKey(key, phase), maskBytes, 0);
    addon.unmask(new FastBuffer(bytes.buffer, bytes.byteOffset + start, end - start), maskBytes);
  };
  // A client's send: copy and mask in one pass (ws sends the same way).
  const maskInto = (source: Uint8Array, target: Uint8Array, offset: number, key: number): void => {
    writeMaskKey(key, maskBytes, 0);
    addon.mask(source, maskBytes, target, offset, source.length);
  };
  useNativeMask(unmask, NATIVE_MIN_BYTES, maskInto);
  return true;
}
