// The servers the scale-out benchmark compares (bench/scale-out-server.ts starts each).
export const SCALE_OUT_KINDS = [
  'wsflow-redis',
  'wsflow-redis-resume',
  'socketio-redis',
  'wsflow-hub',
] as const;
export type ScaleOutKind = (typeof SCALE_OUT_KINDS)[number];
