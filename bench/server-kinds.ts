// The kinds of server the benchmarks start: the echo throughput comparison uses SERVER_KINDS; the
// idle-memory comparison adds the permessage-deflate variants.
export const SERVER_KINDS = ['wsflow', 'wsflow-stream', 'ws', 'tcp'] as const;
export const ALL_SERVER_KINDS = [...SERVER_KINDS, 'wsflow-deflate', 'ws-deflate'] as const;
export type ServerKind = (typeof ALL_SERVER_KINDS)[number];
