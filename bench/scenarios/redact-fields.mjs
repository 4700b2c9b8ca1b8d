// The redaction workload shared by the logflume and pino scenarios: the ten
// paths and the fields each record carries (two secrets per record reached,
// the rest of the paths absent — the usual case).
export const PATHS = [
  'password',
  'user.password',
  'user.ssn',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'card.number',
  'session.token',
  'auth.secret',
  'token',
];
export function fields(i) {
  return { user: { id: i, name: 'ann', password: 'hunter2' }, headers: { host: 'example.com', authorization: 'Bearer abc', accept: '*/*' } };
}
