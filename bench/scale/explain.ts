/**
 * `npm run bench -- scale --engine pg --explain`: PostgreSQL's plans for the statements that
 * touch the per-person tables during a verification and an enrollment (the statements as the
 * store issues them, captured from the server log), on a real generated person. Reads only:
 * SELECTs are EXPLAIN ANALYZE'd; writes are EXPLAIN'd (planned, not run).
 */
import pg from 'pg';

interface Probe {
  readonly what: string;
  readonly sql: string;
  readonly params: (s: Sample) => unknown[];
  readonly analyze: boolean;
}

interface Sample {
  person: { id: string; netid: string; person_index: Buffer };
  credential: { id: string; status_list: string; status_index: number; device_id: string };
  device: { thumbprint: string };
  index: { kind: string; digest: Buffer };
}

const PROBES: Probe[] = [
  { what: 'verification: person by id', sql: 'select * from "persons" where "id" = $1', params: (s) => [s.person.id], analyze: true },
  { what: 'verification: credential by id', sql: 'select * from "credentials" where "id" = $1', params: (s) => [s.credential.id], analyze: true },
  { what: 'verification: device by id', sql: 'select * from "devices" where "id" = $1', params: (s) => [s.credential.device_id], analyze: true },
  { what: 'verification: history event appended', sql: 'insert into "events" ("id", "person_id", "type", "created_at", "data") values (gen_random_uuid(), $1, \'verified\', 0, null)', params: (s) => [s.person.id], analyze: false },
  { what: 'enrollment: person by person index', sql: 'select * from "persons" where "person_index" in ($1)', params: (s) => [s.person.person_index], analyze: true },
  { what: 'enrollment / re-verification: blind index lookup', sql: 'select "digest", "person_id" from "blind_indexes" where "kind" = $1 and "digest" in ($2)', params: (s) => [s.index.kind, s.index.digest], analyze: true },
  { what: 'enrollment: device by thumbprint', sql: 'select * from "devices" where "thumbprint" = $1', params: (s) => [s.device.thumbprint], analyze: true },
  { what: 'enrollment: netid taken?', sql: 'select "id" from "persons" where "netid" = $1', params: (s) => [s.person.netid], analyze: true },
  { what: 'enrollment: status position taken?', sql: 'select "id" from "credentials" where "status_list" = $1 and "status_index" = $2', params: (s) => [s.credential.status_list, s.credential.status_index], analyze: true },
  { what: 're-enrollment: devices of a person', sql: 'select * from "devices" where "person_id" = $1 order by "created_at", "id"', params: (s) => [s.person.id], analyze: true },
  { what: 're-enrollment: credentials of a person', sql: 'select * from "credentials" where "person_id" = $1 order by "issued_at", "id"', params: (s) => [s.person.id], analyze: true },
  { what: 're-enrollment: credentials revoked', sql: 'update "credentials" set "status" = \'revoked\', "reason" = \'reenrolled\', "revoked_at" = 0 where "person_id" = $1 and "status" <> \'revoked\'', params: (s) => [s.person.id], analyze: false },
  { what: 're-enrollment: blind indexes replaced', sql: 'delete from "blind_indexes" where "person_id" = $1 and "kind" = $2', params: (s) => [s.person.id, s.index.kind], analyze: false },
  { what: 'holder: history page', sql: 'select * from "events" where "person_id" = $1 order by "created_at" desc, "id" desc limit 20', params: (s) => [s.person.id], analyze: true },
  { what: 'holder: active consent', sql: 'select * from "consents" where "person_id" = $1 and "subject" = $2 and "withdrawn_at" is null', params: (s) => [s.person.id, 'x'], analyze: true },
  // Since 0015 the status list reads only the entries that are not valid, through a partial index (credentials.listStatusChanges).
  { what: 'status list: the entries of one list that are not valid (GET /status-lists/1)', sql: 'select "status_index", "status" from "credentials" where "status_list" = $1 and "status" <> \'valid\' and "status_index" is not null order by "status_index"', params: (s) => [s.credential.status_list], analyze: true },
];

export async function explainHotLookups(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // A person from the middle of the table (not the first page of the heap).
    const n = Number((await c.query<{ n: string }>('select reltuples::bigint as n from pg_class where relname = \'persons\'')).rows[0]?.n ?? 0);
    const person = (await c.query('select id, netid, person_index from persons offset $1 limit 1', [Math.floor(Math.max(0, n) / 2)])).rows[0];
    if (!person) throw new Error('scale: no people to explain with');
    const credential = (await c.query('select id, status_list, status_index, device_id from credentials where person_id = $1', [person.id])).rows[0];
    const device = (await c.query('select thumbprint from devices where id = $1', [credential.device_id])).rows[0];
    const index = (await c.query('select kind, digest from blind_indexes where person_id = $1 limit 1', [person.id])).rows[0];
    const s: Sample = { person, credential, device, index };
    const rows = ['| statement | plan (top nodes) | time |', '| --- | --- | ---: |'];
    for (const p of PROBES) {
      const r = await c.query<{ 'QUERY PLAN': string }>(`explain ${p.analyze ? '(analyze, buffers) ' : ''}${p.sql}`, p.params(s));
      const lines = r.rows.map((x) => x['QUERY PLAN']);
      const nodes = lines.filter((l, i) => i === 0 || l.includes('->')).map((l) => l.trim().replace(/\s+\(cost=.*$/, '').replace(/^->\s*/, ''));
      const time = lines.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? 'planned only';
      // A sequential scan that read rows (an empty partition's, e.g. next month's, costs nothing).
      const seq = lines.filter((l) => l.includes('Seq Scan') && !/actual time=[^)]* rows=0 /.test(l));
      rows.push(`| ${p.what} | ${nodes.slice(0, 3).join(' → ')}${seq.length > 0 ? ' **(sequential scan)**' : ''} | ${time} |`);
    }
    return rows.join('\n');
  } finally {
    await c.end();
  }
}
