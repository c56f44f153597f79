// The OpenTelemetry snippet of docs/operations.md, run as written (test/docs/snippets.test.ts
// checks that it is the page's): the binding on the global meter provider, a connection made,
// and the console exporter printing the wsflow instruments when the provider is flushed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import WebSocket from 'ws';
import { echo, serve } from '../../src/index.js';
import { startWsflowMetrics } from '../../src/otel/index.js';

describe('docs/operations.md: OpenTelemetry metrics', () => {
  it('exports the wsflow instruments through the global meter provider', async (t) => {
    const printed: { descriptor: { name: string }; dataPoints: { value: unknown }[] }[] = [];
    t.mock.method(console, 'dir', (metric: (typeof printed)[number]) => printed.push(metric));
    // #region docs/operations.md
    const exporter = new ConsoleMetricExporter(); // or an OTLP or Prometheus exporter
    const meterProvider = new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    metrics.setGlobalMeterProvider(meterProvider);
    const wsflowMetrics = startWsflowMetrics(); // the global provider, or { meterProvider }

    const server = await serve({ port: 0, flow: echo() });
    // #endregion
    try {
      const client = new WebSocket(server.url);
      await new Promise((resolve) => client.once('open', resolve));
      client.send('hello');
      await new Promise((resolve) => client.once('message', resolve));
      await meterProvider.forceFlush();
      const names = new Set(printed.map((metric) => metric.descriptor.name));
      for (const name of [
        'wsflow.active_connections',
        'wsflow.handshakes',
        'wsflow.messages',
        'wsflow.message.payload',
      ]) {
        assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
      }
      const active = printed.find(
        (metric) => metric.descriptor.name === 'wsflow.active_connections',
      );
      assert.deepEqual(
        active?.dataPoints.map((point) => point.value),
        [1],
      );
      client.close();
    } finally {
      await server.close();
      wsflowMetrics.stop();
      await meterProvider.shutdown();
    }
  });
});
