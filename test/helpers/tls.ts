// Test support: a throwaway self-signed certificate for 127.0.0.1, made with
// openssl into a temporary directory, and removed by `dispose()`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM text and as files (for the Python peer). */
export interface TlsMaterial {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** Removes the temporary directory. */
  dispose(): void;
}

/**
 * Makes a self-signed P-256 certificate for IP 127.0.0.1, valid for two days.
 *
 * @returns The certificate and key.
 * @throws When openssl is missing or fails.
 */
export function makeCertificate(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-client-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return {
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    certPath,
    keyPath,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
