// wsflow/otel with the OpenTelemetry SDK: a connection recorded and read back from an
// in-memory exporter.
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { echo, openWebSocket, serve } from 'wsflow';
import { WsflowMetricNames, startWsflowMetrics } from 'wsflow/otel';

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const wsflowMetrics = startWsflowMetrics({ meterProvider });
const server = await serve({ port: 0, host: '127.0.0.1', flow: echo() });
try {
  const socket = await openWebSocket(`${server.url}/`);
  await socket.send('hello');
  await socket.receiveText();
  await socket.close();
  await reader.forceFlush();
  const names = exporter
    .getMetrics()
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
    .map((metric) => metric.descriptor.name);
  for (const name of [WsflowMetricNames.handshakes, WsflowMetricNames.messages]) {
    if (!names.includes(name)) throw new Error(`${name} not in ${names.join(', ')}`);
  }
  console.log('ok otel', names.length);
} finally {
  wsflowMetrics.stop();
  await server.close();
  await meterProvider.shutdown();
}
