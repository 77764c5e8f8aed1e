// A real OpenID Connect provider for the tests: panva's oidc-provider (npm, OpenID-certified), with its
// development login page (a plain HTML form: any password; the login names a user below).
// Environment: PORT (0 = any free port), JWK (optional), CLIENTS (JSON list of {client_id, client_secret, redirect_uris}),
// USERS (JSON {login: claims}). Prints {"issuer": ...} as its first line of output once it listens.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const USERS = JSON.parse(process.env.USERS ?? '{}');
const CLIENTS = JSON.parse(process.env.CLIENTS ?? '[]');
// JWK: the signing key as a private JWK (JSON), when a test must sign tokens as this provider would;
// otherwise a fresh one.
const key = process.env.JWK ? JSON.parse(process.env.JWK) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const jwk = { ...key, kid: process.env.KID ?? 'test-key', use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: CLIENTS.map((c) => ({
    ...c,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'tid'] },
  conformIdTokenClaims: false, // the ID token carries the e-mail claims (the service reads no userinfo)
  async findAccount(ctx, id) {
    const claims = USERS[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  async loadExistingGrant(ctx) { // no consent screen: a council's own registration is the consent
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
});
provider.on('server_error', (ctx, err) => process.stderr.write(`server_error ${err}\n`));
server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
