/**
 * Syslog priority (severity) and facility codes with Python's names
 * (`SysLogHandler.LOG_*`, `priority_names`, `facility_names`, `priority_map`).
 * They live in their own module so the syslog wire format can be built and
 * tested without opening a socket.
 */

/** Severities (RFC 5424 §6.2.1); ordered, 0 is the most severe. */
export const LOG_EMERG = 0;
export const LOG_ALERT = 1;
export const LOG_CRIT = 2;
export const LOG_ERR = 3;
export const LOG_WARNING = 4;
export const LOG_NOTICE = 5;
export const LOG_INFO = 6;
export const LOG_DEBUG = 7;

/** Facilities (RFC 5424 §6.2.1, plus the BSD extras Python lists). */
export const LOG_KERN = 0;
export const LOG_USER = 1;
export const LOG_MAIL = 2;
export const LOG_DAEMON = 3;
export const LOG_AUTH = 4;
export const LOG_SYSLOG = 5;
export const LOG_LPR = 6;
export const LOG_NEWS = 7;
export const LOG_UUCP = 8;
export const LOG_CRON = 9;
export const LOG_AUTHPRIV = 10;
export const LOG_FTP = 11;
export const LOG_NTP = 12;
export const LOG_SECURITY = 13;
export const LOG_CONSOLE = 14;
export const LOG_SOLCRON = 15;
export const LOG_LOCAL0 = 16;
export const LOG_LOCAL1 = 17;
export const LOG_LOCAL2 = 18;
export const LOG_LOCAL3 = 19;
export const LOG_LOCAL4 = 20;
export const LOG_LOCAL5 = 21;
export const LOG_LOCAL6 = 22;
export const LOG_LOCAL7 = 23;

/** Python's `priority_names`: syslog severity names (including the deprecated aliases) to codes. */
export const priority_names: Readonly<Record<string, number>> = Object.freeze({
  alert: LOG_ALERT,
  crit: LOG_CRIT,
  critical: LOG_CRIT,
  debug: LOG_DEBUG,
  emerg: LOG_EMERG,
  err: LOG_ERR,
  error: LOG_ERR,
  info: LOG_INFO,
  notice: LOG_NOTICE,
  panic: LOG_EMERG,
  warn: LOG_WARNING,
  warning: LOG_WARNING,
});

/** Python's `facility_names`: facility names to codes. */
export const facility_names: Readonly<Record<string, number>> = Object.freeze({
  auth: LOG_AUTH,
  authpriv: LOG_AUTHPRIV,
  console: LOG_CONSOLE,
  cron: LOG_CRON,
  daemon: LOG_DAEMON,
  ftp: LOG_FTP,
  kern: LOG_KERN,
  lpr: LOG_LPR,
  mail: LOG_MAIL,
  news: LOG_NEWS,
  ntp: LOG_NTP,
  security: LOG_SECURITY,
  'solaris-cron': LOG_SOLCRON,
  syslog: LOG_SYSLOG,
  user: LOG_USER,
  uucp: LOG_UUCP,
  local0: LOG_LOCAL0,
  local1: LOG_LOCAL1,
  local2: LOG_LOCAL2,
  local3: LOG_LOCAL3,
  local4: LOG_LOCAL4,
  local5: LOG_LOCAL5,
  local6: LOG_LOCAL6,
  local7: LOG_LOCAL7,
});

/**
 * Python's `priority_map`: logging level names to `priority_names` keys. A
 * level name missing here (a custom level) maps to 'warning', as in Python.
 */
export const priority_map: Readonly<Record<string, string>> = Object.freeze({
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
});

/** Python's `SYSLOG_UDP_PORT` and `SYSLOG_TCP_PORT`. */
export const SYSLOG_UDP_PORT = 514;
export const SYSLOG_TCP_PORT = 514;
/** The RFC 5425 port for syslog over TLS. */
export const SYSLOG_TLS_PORT = 6514;
/** Largest payload one UDP/IPv4 datagram can carry. */
export const MAX_UDP_PAYLOAD = 65507;
