/**
 * Node built-ins that cost milliseconds to load and that only some handlers use once
 * configured (TLS, HTTP, HMAC, a child process): loaded on first use, so importing
 * `logflume/handlers` or `logflume/config` does not pay for them. Measured on the bench
 * machine: node:https 3.6 ms (with tls, crypto and http), node:child_process 1.4 ms,
 * node:net 1.0 ms, node:zlib 0.8 ms, node:dgram 0.7 ms, out of ≈ 10 ms of built-ins behind
 * `logflume/config`. `require` of a built-in is synchronous
 * and cached by Node, so the second call is a property read.
 */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);

let http: typeof import('node:http') | undefined;
let https: typeof import('node:https') | undefined;
let tls: typeof import('node:tls') | undefined;
let crypto: typeof import('node:crypto') | undefined;
let childProcess: typeof import('node:child_process') | undefined;
let net: typeof import('node:net') | undefined;
let dgram: typeof import('node:dgram') | undefined;
let zlib: typeof import('node:zlib') | undefined;

export const nodeHttp = (): typeof import('node:http') => (http ??= req('node:http') as typeof import('node:http'));
export const nodeHttps = (): typeof import('node:https') => (https ??= req('node:https') as typeof import('node:https'));
export const nodeTls = (): typeof import('node:tls') => (tls ??= req('node:tls') as typeof import('node:tls'));
export const nodeCrypto = (): typeof import('node:crypto') => (crypto ??= req('node:crypto') as typeof import('node:crypto'));
export const nodeChildProcess = (): typeof import('node:child_process') => (childProcess ??= req('node:child_process') as typeof import('node:child_process'));
export const nodeNet = (): typeof import('node:net') => (net ??= req('node:net') as typeof import('node:net'));
export const nodeDgram = (): typeof import('node:dgram') => (dgram ??= req('node:dgram') as typeof import('node:dgram'));
export const nodeZlib = (): typeof import('node:zlib') => (zlib ??= req('node:zlib') as typeof import('node:zlib'));
