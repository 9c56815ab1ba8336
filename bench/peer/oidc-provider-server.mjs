/**
 * The peer OpenID provider for `npm run bench -- peer`: oidc-provider (the certified Node
 * implementation) in a process of its own, configured as plainly as a real deployment of it
 * would be for one confidential client:
 *
 *   - one ES256 signing key, generated at start (the only key in its JWKS, so id_tokens are ES256);
 *   - one client: client_secret_basic, response_type code, id_token_signed_response_alg ES256,
 *     redirect_uri http://127.0.0.1:1/cb (never contacted: the driver reads the code off the
 *     Location header);
 *   - PKCE required for every client (v9 only requires it for public ones by default), S256;
 *   - the default in-memory adapter, signed cookies (a random key), no dev interactions, no CORS;
 *   - a minimal interaction that approves at once: GET /interaction/:uid looks the interaction up,
 *     saves a Grant of `openid` for the client and a fixed account, and finishes login and
 *     consent in one go (303 back to /auth/:uid).
 *
 * A login is then: GET /auth → 303 /interaction/:uid → GET (auto-approves) → 303 /auth/:uid →
 * 303 redirect_uri?code=… → POST /token. The caller carries the cookies between the steps.
 *
 * Listens on 127.0.0.1, port 0; prints one line `{"url":…,"clientId":…,"clientSecret":…,"redirectUri":…}`
 * on stdout when ready. Exits when its stdin closes (the bench ended, however it ended).
 *
 * JavaScript rather than TypeScript: oidc-provider ships no types, and this file is not part of
 * the typechecked sources.
 */
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Provider } from 'oidc-provider';

const ACCOUNT = 'bench-account-1';
const CLIENT_ID = 'bench-rp';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const REDIRECT_URI = 'http://127.0.0.1:1/cb';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('base64url'), alg: 'ES256', use: 'sig' };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [signingJwk] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  clientBasedCORS: () => false,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  async findAccount(_ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub }) };
  },
  interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Errors go back to the caller as they are; nothing logged per request.
  renderError: async (ctx, out) => {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});

const handle = provider.callback();

/** The auto-approving interaction: login as ACCOUNT, consent to `openid`, back to /auth/:uid. */
async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: ACCOUNT, clientId });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (e) {
    res.statusCode = 400;
    res.setHeader('content-type', 'text/plain');
    res.end(`interaction failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

server.on('request', (req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/interaction/')) void interaction(req, res);
  else handle(req, res);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

process.stdout.write(`${JSON.stringify({ url: issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI })}\n`);
