/**
 * `wangzheng admin …` — the operators' command line over a running platform's admin API
 * (docs/admin.md), so that nobody copies a token into curl:
 *
 *   relying parties (rp_reviewer)   rps, rp, approve, reject, suspend, reinstate
 *   bans (operator)                 ban, unban, bans, approve-ban, reject-ban, approve-unban
 *   audit trail (auditor)           audit search, audit verify
 *   disclosure (liaison)            disclose, disclosures, approve-disclosure, reject-disclosure, disclosure
 *   Shared Signals (operator)       streams
 *   web console (operator)          console-grant, console-operators, console-revoke
 *
 * Every subcommand takes --url URL, --token-file FILE or --as ID (admin/operator.ts says where
 * the token comes from) and --json (the platform's answer as it is). The acting operator's id
 * is printed on stderr; the token never is.
 *
 * Exit codes: 0 done (`audit verify`: intact); 1 the platform refused (`message [code]`, its
 * stable code), was unreachable, or (`audit verify`) the trail does not verify; 2 bad input,
 * usage, or no operator token to be found.
 */
import { parseArgs } from 'node:util';
import type { Io } from '../io.ts';
import { AUDIT_SUBCOMMANDS } from './admin/audit.ts';
import { BAN_SUBCOMMANDS } from './admin/bans.ts';
import { CONSOLE_SUBCOMMANDS } from './admin/console.ts';
import { AdminClient, AdminUsageError, PlatformRefusal, PlatformUnreachable } from './admin/client.ts';
import { DISCLOSURE_SUBCOMMANDS } from './admin/disclosures.ts';
import { shown } from './admin/format.ts';
import { plainHttpWarning, platformUrl, resolveOperator } from './admin/operator.ts';
import { RP_SUBCOMMANDS } from './admin/rps.ts';
import { STREAM_SUBCOMMANDS } from './admin/streams.ts';
import { str, type Call, type Options, type Sub, type Values } from './admin/subcommand.ts';

const COMMON: Options = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const GROUPS: readonly { title: string; subs: Record<string, Sub> }[] = [
  { title: '依赖方 relying parties (role rp_reviewer)', subs: RP_SUBCOMMANDS },
  { title: '封禁 bans (role operator)', subs: BAN_SUBCOMMANDS },
  { title: '审计 audit trail (role auditor)', subs: AUDIT_SUBCOMMANDS },
  { title: '身份查询 disclosure to law enforcement (role liaison)', subs: DISCLOSURE_SUBCOMMANDS },
  { title: '安全事件 Shared Signals (role operator)', subs: STREAM_SUBCOMMANDS },
  { title: '运营控制台 web console operators (role operator; grant only roles you hold)', subs: CONSOLE_SUBCOMMANDS },
];

const SUBCOMMANDS: Record<string, Sub> = Object.assign({}, ...GROUPS.map((g) => g.subs));

const COMMON_USAGE = '[--json] [--url URL] [--token-file FILE | --as ID]';

const USAGE = [
  `usage: wangzheng admin <subcommand> [arguments] ${COMMON_USAGE}`,
  ...GROUPS.flatMap((g) => ['', g.title, ...Object.entries(g.subs).map(([name, s]) => `  ${name.padEnd(18)} ${s.summary}`)]),
  '',
  'Options of every subcommand:',
  '  --url URL          the running platform (default WZ_PLATFORM_URL, else http://localhost:<WZ_PORT or 8080>)',
  '  --token-file FILE  the operator token: the base64url part of your WZ_ADMIN_TOKENS entry (or WZ_ADMIN_TOKEN)',
  '  --as ID            development: act as this operator of <WZ_DATA_DIR or .wangzheng>/dev-secrets.json',
  '                     (default the first; --as dev-admin-2 for the second pair of eyes)',
  '  --json             print the platform\'s JSON answer as it is',
  '',
  'Exit codes: 0 done; 1 refused by the platform (message [code]), unreachable, or audit verify found tampering;',
  '2 bad input or usage. `wangzheng admin <subcommand> --help` prints its options.',
].join('\n');

const usageOf = (s: Sub) => `usage: wangzheng admin ${s.usage} ${COMMON_USAGE}`;

/** The client, acting as the resolved operator: announced on stderr, by id, never by token. */
function openClient(values: Values, env: NodeJS.ProcessEnv, io: Io): AdminClient {
  const url = platformUrl(str(values, 'url'), env);
  const operator = resolveOperator({ tokenFile: str(values, 'token-file'), as: str(values, 'as') }, env, io.err);
  const warning = plainHttpWarning(url);
  if (warning) io.err(warning);
  io.err(`操作员 operator: ${operator.id ?? '(token without an id)'} — token from ${operator.source}; platform ${url}`);
  return new AdminClient(url, operator.token);
}

export async function adminCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [first, second] = args;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.out(USAGE);
    return first === undefined ? 2 : 0;
  }
  const grouped = first === 'audit' && second !== undefined && !second.startsWith('-');
  const name = grouped ? `audit ${second}` : first;
  const sub = SUBCOMMANDS[name];
  if (name === 'audit') {
    const lines = Object.values(AUDIT_SUBCOMMANDS).map(usageOf).join('\n');
    if (second === '--help' || second === '-h') io.out(lines);
    else io.err(`wangzheng admin audit: give search or verify\n${lines}`);
    return second === '--help' || second === '-h' ? 0 : 2;
  }
  if (!sub) {
    // A pasted token must not come back on the terminal: long words are not echoed.
    io.err(`wangzheng admin: unknown subcommand${name.length <= 32 ? ` '${shown(name)}'` : ''}\n${USAGE}`);
    return 2;
  }
  const say = (m: string): void => io.err(`wangzheng admin ${name}: ${m}`);
  try {
    const { values, positionals } = parseArgs({ args: args.slice(grouped ? 2 : 1), options: { ...COMMON, ...sub.options }, strict: true, allowPositionals: true });
    if (values.help) {
      io.out(usageOf(sub));
      return 0;
    }
    const want = sub.args ?? [];
    if (positionals.length !== want.length) {
      throw new AdminUsageError(want.length === 0 ? 'this subcommand takes no arguments' : `give ${want.map((n) => `<${n}>`).join(' ')}`, true);
    }
    let client: AdminClient | undefined;
    const call: Call = { io, values, args: positionals, json: values.json === true, api: () => (client ??= openClient(values, env, io)) };
    return await sub.run(call);
  } catch (e) {
    if (e instanceof AdminUsageError) {
      say(e.message);
      if (e.usage) io.err(usageOf(sub));
      return 2;
    }
    if (e instanceof TypeError && String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      say(e.message);
      io.err(usageOf(sub));
      return 2;
    }
    if (e instanceof PlatformRefusal || e instanceof PlatformUnreachable) {
      say(`${e.message} [${e.code}]`);
      return 1;
    }
    throw e;
  }
}
