/**
 * Integration snippets filled in with the developer's own values: the client id, the platform's
 * issuer and their first redirect URI. None embeds the client secret: each reads
 * `CLIENT_SECRET` from the environment (docs/developers.md). Values are inserted only after a
 * shape check (a client id is `rp_` + base64url; the issuer and redirect URI must parse as URLs
 * and are single-quoted for the shell), so nothing from the platform can break out of a string.
 */

const CLIENT_ID = /^rp_[A-Za-z0-9_-]{22}$/;

export interface SnippetValues {
  clientId: string;
  issuer: string;
  redirectUri: string;
}

/** A URL as the snippets may use it: parsed, then written back; no quote or backslash in it. */
function safeUrl(u: string): string {
  const s = new URL(u).href.replace(/\/$/, '');
  if (/['"\\`$\s]/.test(s)) throw new TypeError('unexpected characters in a URL');
  return s;
}

function checked(v: SnippetValues): SnippetValues {
  if (!CLIENT_ID.test(v.clientId)) throw new TypeError('not a client id');
  return { clientId: v.clientId, issuer: safeUrl(v.issuer), redirectUri: safeUrl(v.redirectUri) };
}

/** §4 of the RP guide: create a receipt request; prints the body, then the HTTP status. */
export function curlSnippet(values: SnippetValues): string {
  const v = checked(values);
  return `# CLIENT_SECRET comes from your environment: export CLIENT_SECRET=… (never in code)
curl -sS -u "${v.clientId}:\${CLIENT_SECRET:?set CLIENT_SECRET}" \\
  -H 'content-type: application/json' \\
  -d "{\\"bizSeq\\":\\"order-$(date +%s)-$RANDOM\\",\\"mode\\":\\"wz\\"}" \\
  -w '\\nHTTP %{http_code}\\n' \\
  '${v.issuer}/v1/receipt-requests'
`;
}

/** §5 of the RP guide: verify-person.ts with the SDK. */
export function sdkSnippet(values: SnippetValues): string {
  const v = checked(values);
  return `// verify-person.ts — npx tsx verify-person.ts start | finish REQUEST_ID BIZ_SEQ
import { WangzhengClient, isWangzhengError } from '@wangzheng/sdk';

const wz = new WangzhengClient({
  issuer: '${v.issuer}',
  clientId: '${v.clientId}',
  auth: { clientSecret: process.env.CLIENT_SECRET! },  // from the environment, never in code
});

const [step, requestId, bizSeq] = process.argv.slice(2);
if (step === 'start') {
  const seq = \`order-\${Date.now()}\`;
  const r = await wz.createReceiptRequest({ bizSeq: seq, mode: 'wz_pass' });
  console.log(JSON.stringify({ requestId: r.requestId, bizSeq: seq, link: r.link }));  // show r.link as a QR code
} else if (step === 'finish' && requestId && bizSeq) {
  try {
    const token = await wz.waitForReceipt(requestId, { timeoutMs: 60_000, intervalMs: 1_500 });
    const receipt = await wz.verifyReceipt(token, { requestId, bizSeq });
    if (receipt.result !== 'pass') throw new Error(\`not verified: \${receipt.failure}\`);
    console.log(\`verified: \${receipt.sub} (\${receipt.mode})\`);
  } catch (e) {
    if (isWangzhengError(e, 'timeout')) console.log('the person has not answered yet: ask again later');
    else throw e;
  }
}
`;
}

/** §8 of the RP guide: login.ts with openid-client 6. */
export function oidcSnippet(values: SnippetValues): string {
  const v = checked(values);
  const redirect = new URL(v.redirectUri);
  const port = redirect.port || (redirect.protocol === 'https:' ? '443' : '80');
  return `// login.ts — npx tsx login.ts
import { createServer } from 'node:http';
import * as client from 'openid-client';

const issuer = new URL('${v.issuer}');
const redirectUri = '${v.redirectUri}';
const config = await client.discovery(
  issuer,
  '${v.clientId}',
  undefined,
  client.ClientSecretBasic(process.env.CLIENT_SECRET!),  // from the environment, never in code
  issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,  // development over http://localhost only
);

// /login: keep these three in the browser's session, redirect the browser to the URL
const codeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid',
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
  state,
  nonce,
  acr_values: 'urn:wangzheng:acr:wz+pass',
});
console.log(url.href);

// ${redirect.pathname}: redeem the code, check the claims
const server = createServer(async (req, res) => {
  try {
    const tokens = await client.authorizationCodeGrant(config, new URL(req.url!, redirectUri), {
      pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    res.end(\`signed in: \${claims.sub} (\${claims.acr})\\n\`);
  } catch (e) {
    res.statusCode = 400;
    res.end(\`not signed in: \${e instanceof Error ? e.message : e}\\n\`);
  }
  server.close();
});
server.listen(${Number(port)}, '${redirect.hostname}');
`;
}
