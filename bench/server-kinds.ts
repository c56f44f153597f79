// The kinds of echo server the throughput benchmark compares.
export const SERVER_KINDS = ['wsflow', 'wsflow-stream', 'ws', 'tcp'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
