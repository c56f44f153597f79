// The servers the fan-out benchmark compares (bench/fanout-server.ts starts each).
export const FANOUT_KINDS = ['wsflow', 'ws', 'uws', 'tcp'] as const;
export type FanoutKind = (typeof FANOUT_KINDS)[number];
