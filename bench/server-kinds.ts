// The kinds of server the benchmarks start: the echo throughput comparison uses SERVER_KINDS (the
// three wsflow flow styles, ws, uWebSockets.js and plain TCP); the idle-memory comparison adds the
// permessage-deflate variants; the handshake comparison adds wsflow on attachWebSocket and wsflow
// behind a Router of 50 routes and an Origin guard; the JSON comparison (`--payload json`) adds a
// json() transformer echo; `wsflow-actor` is a socket actor that echoes through `out`;
// `wsflow-keepalive` is the map echo with keep-alive and a pong deadline on (what heartbeats cost);
// `wsflow-budget` is the map echo under a 64 MiB memory budget (what counting buffers costs);
// `wsflow-traced` is the map echo with a listener on every diagnostics channel (what a subscriber
// costs: a payload per message each way), `wsflow-otel` the same with wsflow/otel recording into
// the OpenTelemetry SDK's meter provider;
// `wsflow-h2c` is the map echo on a cleartext HTTP/2 server (WebSockets as streams, RFC 8441).
export const SERVER_KINDS = ['wsflow', 'wsflow-stream', 'wsflow-sink', 'ws', 'uws', 'tcp'] as const;
export const ALL_SERVER_KINDS = [
  ...SERVER_KINDS,
  'wsflow-attach',
  'wsflow-routed',
  'wsflow-json',
  'ws-json',
  'wsflow-actor',
  'wsflow-keepalive',
  'wsflow-budget',
  'wsflow-traced',
  'wsflow-otel',
  'wsflow-deflate',
  'ws-deflate',
  'wsflow-h2c',
] as const;
export type ServerKind = (typeof ALL_SERVER_KINDS)[number];

/** The wsflow flow styles compared with each other (`map` first). */
export const FLOW_STYLES = ['wsflow', 'wsflow-stream', 'wsflow-sink'] as const;

/** The path the handshake benchmark asks for: a parameter route of the routed server. */
export function handshakePathOf(kind: ServerKind): string {
  return kind === 'wsflow-routed' ? '/rooms/lobby' : '/';
}

/** Kinds that take only JSON text: measure them with `--payload json`. */
export function needsJsonPayload(kind: ServerKind): boolean {
  return kind === 'wsflow-json' || kind === 'ws-json';
}
