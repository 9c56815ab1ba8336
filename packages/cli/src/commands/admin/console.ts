/**
 * Operators of the web console (`operator` role), over packages/platform/src/console/admin-routes.ts:
 *
 *   console-grant <网号> --roles R+R     POST   /v1/admin/console-operators { netid, roles }
 *   console-operators                   GET    /v1/admin/console-operators
 *   console-revoke <appId>              DELETE /v1/admin/console-operators/:appId
 *
 * A person signs in to the console with their own 网证 (网证+口令+人脸); roles are bound to their
 * console application identifier, which the platform derives from the 网号 given here — the
 * 网号 is sent in the body only, never stored or printed back. Only roles the acting operator
 * holds can be granted.
 */
import { isAppId, isValidNetid } from '@wangzheng/core/identifiers/index';
import { OPERATOR_ROLES } from '@wangzheng/platform/admin/roles';
import { AdminUsageError } from './client.ts';
import { at, block, json, shown, table } from './format.ts';
import { required, type Call, type Sub } from './subcommand.ts';

interface GrantJson {
  id: string;
  appId: string;
  roles: string[];
  grantedBy: string;
  createdAt: string;
  updatedAt: string;
}

function roles(v: string): string[] {
  const list = v.split('+').map((s) => s.trim());
  if (list.length === 0 || list.some((r) => !(OPERATOR_ROLES as readonly string[]).includes(r))) {
    throw new AdminUsageError(`--roles joins roles with +: ${OPERATOR_ROLES.join('+')}`, true);
  }
  return [...new Set(list)];
}

async function grant(c: Call): Promise<number> {
  if (!isValidNetid(c.args[0])) throw new AdminUsageError('this is not a valid 网号 (10 characters with a check character)');
  const body = { netid: c.args[0], roles: roles(required(c.values, 'roles')) };
  const g = await c.api().post<GrantJson>('/v1/admin/console-operators', body);
  if (c.json) {
    json(c.io, g);
    return 0;
  }
  c.io.out(`已授权 granted: ${shown(g.id)} — they sign in at /console/ with their 网证 (网证+口令+人脸)`);
  block(c.io, [
    ['app id 应用标识', shown(g.appId)],
    ['roles 角色', g.roles.map(shown).join(', ')],
    ['granted by 授权人', shown(g.grantedBy)],
  ]);
  return 0;
}

async function list(c: Call): Promise<number> {
  const r = await c.api().get<{ items: GrantJson[] }>('/v1/admin/console-operators');
  if (c.json) {
    json(c.io, r);
    return 0;
  }
  if (r.items.length === 0) {
    c.io.out('no console operator 暂无控制台操作员');
    return 0;
  }
  c.io.out(`${r.items.length} console operator${r.items.length === 1 ? '' : 's'} 控制台操作员`);
  table(
    c.io,
    ['app id 应用标识', '角色 roles', '授权人 granted by', '更新 updated'],
    r.items.map((g) => [shown(g.appId), g.roles.map(shown).join('+'), shown(g.grantedBy), at(g.updatedAt)]),
  );
  return 0;
}

async function revoke(c: Call): Promise<number> {
  const appId = c.args[0]!;
  if (!isAppId(appId)) throw new AdminUsageError('an application identifier is A followed by 25 letters and digits, as `wangzheng admin console-operators` prints it');
  await c.api().delete(`/v1/admin/console-operators/${appId}`);
  if (c.json) json(c.io, { revoked: appId });
  else c.io.out(`已撤销 revoked: console:${appId} — their next console request has no role`);
  return 0;
}

export const CONSOLE_SUBCOMMANDS: Record<string, Sub> = {
  'console-grant': {
    usage: `console-grant <网号> --roles ${OPERATOR_ROLES.join('+')}`,
    summary: 'grant roles at the web console to the person holding this 网号 (only roles you hold)',
    options: { roles: { type: 'string' } },
    args: ['网号'],
    run: grant,
  },
  'console-operators': { usage: 'console-operators', summary: 'the console operators: application identifier, roles, who granted them', run: list },
  'console-revoke': { usage: 'console-revoke <appId>', summary: 'revoke every console role of this application identifier, at once', args: ['appId'], run: revoke },
};
