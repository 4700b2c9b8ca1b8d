import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A self-signed certificate for 127.0.0.1/localhost, made with the `openssl` CLI for TLS tests. */
export interface TestCert {
  key: string;
  cert: string;
}

let cached: TestCert | null = null;

/** Generate (once per process) a self-signed RSA certificate valid for localhost and 127.0.0.1. */
export function makeTestCert(): TestCert {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logflume-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    cached = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
