// The entry `wsflow/otel`: wsflow's diagnostics channels recorded as OpenTelemetry metrics. It
// needs `@opentelemetry/api` (an optional peer dependency of wsflow); `wsflow` itself does not.
export { WsflowMetricNames, startWsflowMetrics } from './metrics.js';
export type { WsflowMetrics, WsflowMetricsOptions } from './metrics.js';
