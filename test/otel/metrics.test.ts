// Tests: wsflow/otel records real connections as OpenTelemetry metrics, read back through the
// SDK's in-memory exporter: open connections (up and down again), handshakes by outcome, messages
// and payload bytes each way, closes by code and cause, connection durations, backpressure waits
// and Ping round trips, each instrument with its unit and attributes as docs/operations.md lists
// them; `messages: false` leaves the message channel alone, and stop() ends the recording.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { DiagnosticChannels, echo, openWebSocket, serve } from '../../src/index.js';
import { WsflowMetricNames, startWsflowMetrics } from '../../src/otel/index.js';
import { channel } from 'node:diagnostics_channel';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { until } from '../client/support.js';

/** A meter provider whose metrics are read on demand from an in-memory exporter. */
function inMemoryMetrics(): {
  meterProvider: MeterProvider;
  collect(): Promise<Map<string, MetricData>>;
} {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The interval never fires during a test: forceFlush() exports.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    collect: async () => {
      exporter.reset();
      await reader.forceFlush();
      const metrics = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
      return new Map(metrics.map((metric) => [metric.descriptor.name, metric]));
    },
  };
}

type Attributes = Record<string, unknown>;

/** The data points of a sum: attributes and value. */
function sums(metric: MetricData | undefined): { attributes: Attributes; value: number }[] {
  assert.ok(metric !== undefined, 'the instrument recorded something');
  return metric.dataPoints.map((point) => ({
    attributes: { ...point.attributes },
    value: point.value as number,
  }));
}

/** The data points of a histogram: attributes and count. */
function counts(metric: MetricData | undefined): { attributes: Attributes; count: number }[] {
  assert.ok(metric !== undefined, 'the instrument recorded something');
  return metric.dataPoints.map((point) => ({
    attributes: { ...point.attributes },
    count: (point.value as { count: number }).count,
  }));
}

const SERVER = { 'network.protocol.name': 'websocket', 'wsflow.side': 'server' };
const CLIENT = { 'network.protocol.name': 'websocket', 'wsflow.side': 'client' };

describe('wsflow/otel', () => {
  it('records real connections: handshakes, open connections, messages, closes, durations, round trips', async () => {
    const { meterProvider, collect } = inMemoryMetrics();
    const wsflowMetrics = startWsflowMetrics({ meterProvider });
    const server = await serve({ port: 0, path: '/chat', flow: echo() });
    try {
      const socket = await openWebSocket(`${server.url}/chat`);
      await openWebSocket(`${server.url}/other`).catch(() => undefined);
      socket.send('hello');
      socket.send(Uint8Array.of(1, 2, 3));
      assert.equal(await socket.receiveText(), 'hello');
      await socket.receive();
      socket.ping();
      await until(() => socket.lastPingRttMs !== undefined);

      const open = await collect();
      assert.deepEqual(
        sums(open.get(WsflowMetricNames.activeConnections)).sort((a, b) =>
          String(a.attributes['wsflow.side']).localeCompare(String(b.attributes['wsflow.side'])),
        ),
        [
          { attributes: CLIENT, value: 1 },
          { attributes: SERVER, value: 1 },
        ],
      );
      const active = open.get(WsflowMetricNames.activeConnections);
      assert.equal(active?.descriptor.unit, '{connection}');

      await socket.close(1000);
      await until(() => server.connections.size === 0);
      const metrics = await collect();

      assert.deepEqual(
        sums(metrics.get(WsflowMetricNames.activeConnections)).map((point) => point.value),
        [0, 0],
      );
      const handshakes = sums(metrics.get(WsflowMetricNames.handshakes));
      const port = server.address.port;
      const client = { ...CLIENT, 'server.address': '127.0.0.1', 'server.port': port };
      assert.deepEqual(
        new Set(handshakes.map(canonical)),
        new Set(
          [
            {
              attributes: {
                ...SERVER,
                'wsflow.handshake.outcome': 'accepted',
                'http.response.status_code': 101,
              },
              value: 1,
            },
            {
              attributes: {
                ...client,
                'wsflow.handshake.outcome': 'accepted',
                'http.response.status_code': 101,
              },
              value: 1,
            },
            {
              attributes: {
                ...SERVER,
                'wsflow.handshake.outcome': 'rejected',
                'http.response.status_code': 404,
                'error.type': 'not-found',
              },
              value: 1,
            },
            {
              attributes: {
                ...client,
                'wsflow.handshake.outcome': 'rejected',
                'http.response.status_code': 404,
                'error.type': 'WSFLOW_ERR_HANDSHAKE_STATUS',
              },
              value: 1,
            },
          ].map(canonical),
        ),
      );

      const messages = sums(metrics.get(WsflowMetricNames.messages));
      const payload = sums(metrics.get(WsflowMetricNames.messagePayload));
      for (const side of [SERVER, CLIENT]) {
        for (const direction of ['receive', 'transmit']) {
          const text = {
            ...side,
            'network.io.direction': direction,
            'wsflow.message.type': 'text',
          };
          const binary = { ...text, 'wsflow.message.type': 'binary' };
          assert.deepEqual(
            messages
              .filter(
                (point) =>
                  sameAttributes(point.attributes, text) ||
                  sameAttributes(point.attributes, binary),
              )
              .map((point) => point.value),
            [1, 1],
            `${side['wsflow.side']} ${direction}`,
          );
          assert.equal(payload.find((point) => sameAttributes(point.attributes, text))?.value, 5);
          assert.equal(payload.find((point) => sameAttributes(point.attributes, binary))?.value, 3);
        }
      }
      assert.equal(metrics.get(WsflowMetricNames.messagePayload)?.descriptor.unit, 'By');

      const closes = sums(metrics.get(WsflowMetricNames.closedConnections));
      assert.deepEqual(
        new Set(closes.map(canonical)),
        new Set(
          [
            {
              attributes: { ...SERVER, 'wsflow.close.code': 1000, 'wsflow.close.cause': 'peer' },
              value: 1,
            },
            {
              attributes: { ...CLIENT, 'wsflow.close.code': 1000, 'wsflow.close.cause': 'local' },
              value: 1,
            },
          ].map(canonical),
        ),
      );
      const durations = counts(metrics.get(WsflowMetricNames.connectionDuration));
      assert.deepEqual(
        durations.map((point) => point.count),
        [1, 1],
      );
      assert.equal(metrics.get(WsflowMetricNames.connectionDuration)?.descriptor.unit, 's');
      const rtts = counts(metrics.get(WsflowMetricNames.pingRoundTrip));
      assert.deepEqual(rtts, [{ attributes: CLIENT, count: 1 }]);
    } finally {
      wsflowMetrics.stop();
      await server.close();
    }
  });

  it('counts backpressure waits and closes with an error type', async () => {
    const { meterProvider, collect } = inMemoryMetrics();
    const wsflowMetrics = startWsflowMetrics({ meterProvider });
    try {
      const { connection, theirs, ours } = connectionWithPeer({}, { highWaterMark: 1024 });
      theirs.pause();
      await settle();
      let waited = false;
      for (let i = 0; i < 64 && !waited; i++) {
        const sent = connection.send(new Uint8Array(4096));
        waited = await Promise.race([sent.then(() => false), settle(2).then(() => true)]);
      }
      assert.ok(waited);
      ours.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      await connection.closed;
      const metrics = await collect();
      assert.deepEqual(sums(metrics.get(WsflowMetricNames.backpressure)), [
        { attributes: SERVER, value: 1 },
      ]);
      const [close] = sums(metrics.get(WsflowMetricNames.closedConnections));
      assert.equal(close.attributes['wsflow.close.cause'], 'transport');
      assert.equal(close.attributes['wsflow.close.code'], 1006);
    } finally {
      wsflowMetrics.stop();
    }
  });

  it('messages: false leaves wsflow:message without a subscriber; stop() unsubscribes the rest', () => {
    const { meterProvider } = inMemoryMetrics();
    const messages = channel(DiagnosticChannels.message);
    const opens = channel(DiagnosticChannels.connectionOpen);
    const wsflowMetrics = startWsflowMetrics({ meterProvider, messages: false });
    assert.equal(messages.hasSubscribers, false);
    assert.equal(opens.hasSubscribers, true);
    wsflowMetrics.stop();
    wsflowMetrics.stop();
    assert.equal(opens.hasSubscribers, false);
  });
});

/** A point as a string, its attributes in name order: equal points give equal strings. */
function canonical(point: { attributes: Attributes; value: number }): string {
  const attributes = Object.entries(point.attributes).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([attributes, point.value]);
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
