/**
 * `wangzheng wallet authorizations` — the services holding an authorization from the person (a
 * consent to fields, a guardian's approval, an OpenID Connect access token), with what was
 * consented and when — and `wangzheng wallet withdraw <client id>`: every consent for that
 * service withdrawn, its access tokens revoked, the service told; the next request asks again.
 * docs/person.md.
 *
 * Exit codes: 0 done; 1 refused (`consent_not_found`: nothing to withdraw there); 2 bad input.
 */
import { parseArgs } from 'node:util';
import { isClientId } from '@wangzheng/core/rp/client-id';
import type { AuthorizationView } from '@wangzheng/core/person/views';
import { InputError, type Ctx } from './context.ts';
import { COMMON, ME_OPTIONS, categoryName, openMe, shown, when } from './me-context.ts';
import { cli } from '../../util/invocation.ts';

export const AUTHORIZATIONS_USAGE = `usage: wangzheng wallet authorizations ${COMMON}`;
export const WITHDRAW_USAGE = `usage: wangzheng wallet withdraw <client id> ${COMMON}   (the service's consents and tokens end)`;

function printAuthorization(ctx: Ctx, a: AuthorizationView): void {
  ctx.io.out(`${shown(a.rp.name)} (${categoryName(a.rp.category)})`);
  ctx.io.out(`  client id       ${shown(a.clientId)}`);
  ctx.io.out(`  your identifier ${a.appId === null ? '-' : shown(a.appId)}`);
  for (const c of a.consents) {
    const what = c.kind === 'guardian_rp' ? '监护人同意 guardian’s approval' : c.scopes.map(shown).join(', ');
    ctx.io.out(`  consented       ${what}${c.sensitive ? '  [敏感 sensitive, separate consent]' : ''}  since ${when(c.grantedAt)}`);
  }
  if (a.activeAccessTokens > 0) ctx.io.out(`  access tokens   ${a.activeAccessTokens} active`);
  ctx.io.out(`  withdraw        ${cli(ctx.env, 'wallet withdraw')} ${isClientId(a.clientId) ? a.clientId : '(malformed client id)'}`);
}

export async function authorizationsCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: ME_OPTIONS, strict: true });
  const { me } = await openMe(ctx, v);
  const authorizations = await me.authorizations();
  if (v.json) {
    ctx.io.out(JSON.stringify({ authorizations }, null, 2));
    return 0;
  }
  if (authorizations.length === 0) ctx.io.out('no service holds an authorization from you 暂无授权');
  authorizations.forEach((a, i) => {
    if (i > 0) ctx.io.out('');
    printAuthorization(ctx, a);
  });
  return 0;
}

export async function withdrawCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v, positionals } = parseArgs({ args, options: ME_OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new InputError(`give exactly one client id: ${cli(ctx.env, 'wallet withdraw <client id>')}`, undefined, true);
  const clientId = positionals[0]!;
  if (!isClientId(clientId)) throw new InputError(`a client id is rp_ followed by 22 letters, digits, - or _ (see ${cli(ctx.env, 'wallet authorizations')})`);
  const { me } = await openMe(ctx, v);
  const w = await me.withdraw(clientId);
  if (v.json) {
    ctx.io.out(JSON.stringify(w, null, 2));
    return 0;
  }
  ctx.io.out(`已撤回 withdrawn at ${shown(w.clientId)}: ${w.consentsWithdrawn.length} consent(s) withdrawn, ${w.accessTokensRevoked} access token(s) revoked.`);
  ctx.io.out(w.rpNotified ? 'The service has been told 已通知该服务.' : 'The service asked for no such notices, so none was sent; it must ask for your consent again.');
  return 0;
}
