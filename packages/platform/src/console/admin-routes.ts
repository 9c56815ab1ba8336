/**
 * The console's admin API (docs/admin.md, "Console"), for bearer-token and console operators alike:
 *
 *   POST   /v1/admin/console-operators          { netid, roles: [role, …] } → 200 the grant (role operator; only roles you hold)
 *   GET    /v1/admin/console-operators          { items: [grant, …] }       (role operator)
 *   DELETE /v1/admin/console-operators/:appId   204                          (role operator)
 *   GET    /v1/admin/ops/series                 the metric series (series.ts) (role operator or auditor)
 *
 * Every answer is `no-store`; the 网号 in a body is never logged, stored or echoed.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { parseBody } from '@wangzheng/core/http-errors';
import { OPERATOR_ROLES } from '../admin/roles.ts';
import { operatorIdentityOf, operatorWithAnyOf, type OperatorAuth } from '../http/operator.ts';
import type { Series } from '../ops/index.ts';
import type { ConsoleGrants } from './grants.ts';
import { seriesJson } from './series.ts';
import { noStore } from '../http/no-store.ts';

export const consoleAdminSchemas = {
  grant: z.strictObject({ netid: z.string().max(32), roles: z.array(z.enum(OPERATOR_ROLES)).min(1).max(OPERATOR_ROLES.length) }),
  appId: z.strictObject({ appId: z.string().max(64) }),
};

export interface ConsoleAdminRouteDeps {
  readonly grants: ConsoleGrants;
  readonly operators: OperatorAuth;
  readonly series: Series;
  readonly registry: Registry;
}

export function registerConsoleAdminRoutes(app: FastifyInstance, d: ConsoleAdminRouteDeps): void {
  const s = consoleAdminSchemas;
  noStore(app, (url) => url.startsWith('/v1/admin/console-operators') || url.startsWith('/v1/admin/ops/'));

  app.post('/v1/admin/console-operators', async (req, reply) => {
    const who = operatorWithAnyOf(d.operators, req, reply, ['operator']);
    const b = parseBody(s.grant, req.body ?? {});
    return d.grants.grant(who, b.netid, b.roles);
  });

  app.get('/v1/admin/console-operators', async (req, reply) => {
    operatorWithAnyOf(d.operators, req, reply, ['operator']);
    return { items: await d.grants.list() };
  });

  app.delete('/v1/admin/console-operators/:appId', async (req, reply) => {
    const who = operatorIdentityOf(d.operators, req, reply);
    const { appId } = parseBody(s.appId, req.params);
    await d.grants.revoke(who, appId);
    return reply.status(204).send();
  });

  app.get('/v1/admin/ops/series', async (req, reply) => {
    operatorWithAnyOf(d.operators, req, reply, ['operator', 'auditor']);
    return seriesJson(d.series, d.registry);
  });
}
