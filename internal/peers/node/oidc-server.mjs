// oidc-server.mjs runs node-oidc-provider for the Go tests of idsdk-go.
//
// Everything the tests vary comes in as JSON, in the OIDC_CONFIG environment
// variable or as the first argument:
//
//   {
//     "port": 4000,                     // required, listens on 127.0.0.1
//     "issuer": "http://127.0.0.1:4000", // optional, defaults to that
//     "clients": [ ...client metadata... ],
//     "scopes": ["openid", "offline_access", "read"],
//     "ttl": { "AccessToken": 60, "ClientCredentials": 60, ... }, // seconds
//     "resources": { "https://api.test": { "scope": "read write",
//                    "accessTokenFormat": "jwt", "accessTokenTTL": 60 } },
//     "rotateRefreshToken": true,       // default true: every refresh rotates
//     "pkceRequired": true,             // default true: PKCE (S256) for every client
//     "pkceOptionalClients": ["id"],    // clients exempt from pkceRequired
//     "clientAuthSigningAlgs": ["RS256", ...],
//     "routes": { "token": "/oauth/token", "authorization": "/oauth/authorize" },
//     "ciba": true,                     // default false: CIBA, poll mode only
//     "cibaInterval": 1                 // optional "interval" of bc-authorize answers
//   }
//
// Besides the provider's own routes it answers:
//   GET  /__stats        token-endpoint counters as JSON
//   POST /__stats/reset  zeroes the counters
//   POST /__ciba/approve completes the latest pending CIBA request (ciba only)
//   POST /__ciba/deny    refuses it with access_denied (ciba only)
//
// It prints "ready <issuer>" once it listens, and stops on SIGINT/SIGTERM.

import * as http from 'node:http';
import Provider, { errors } from 'oidc-provider';

const raw = process.env.OIDC_CONFIG || process.argv[2];
if (!raw) {
  console.error('oidc-server: pass the configuration as JSON in OIDC_CONFIG or argv[2]');
  process.exit(2);
}
const cfg = JSON.parse(raw);
const port = Number(cfg.port);
if (!port) {
  console.error('oidc-server: "port" is required');
  process.exit(2);
}
const issuer = cfg.issuer || `http://127.0.0.1:${port}`;
const resources = cfg.resources || {};

// Counters the Go side reads through /__stats.
const stats = { requests: 0, success: {}, error: {} };
const bump = (bucket, key) => { bucket[key] = (bucket[key] || 0) + 1; };

const ttl = {};
for (const [name, seconds] of Object.entries(cfg.ttl || {})) {
  ttl[name] = Number(seconds);
}

const algs = cfg.clientAuthSigningAlgs || [
  'HS256', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512',
];

// CIBA requests started at the backchannel authentication endpoint and not
// yet approved or denied through /__ciba/*, oldest first.
const cibaPending = [];

// The account of a CIBA login_hint: Auth0's JSON form
// {"format":"iss_sub","iss":...,"sub":"<user>"} or a plain user id.
const cibaAccount = (hint) => {
  if (hint.startsWith('{')) {
    try {
      const { sub } = JSON.parse(hint);
      return typeof sub === 'string' ? sub : undefined;
    } catch {
      return undefined;
    }
  }
  return hint;
};

const ciba = {
  enabled: true,
  deliveryModes: ['poll'],
  processLoginHint: async (_ctx, hint) => cibaAccount(hint),
  validateBindingMessage: async () => {},
  validateRequestContext: async () => {},
  verifyUserCode: async () => {},
  triggerAuthenticationDevice: async (ctx, request) => {
    cibaPending.push(request);
    if (cfg.cibaInterval) ctx.body.interval = Number(cfg.cibaInterval);
  },
};

const configuration = {
  clients: cfg.clients || [],
  ...(cfg.routes ? { routes: cfg.routes } : {}),
  scopes: cfg.scopes || ['openid', 'offline_access'],
  ttl,
  // Development-only cookie keys; the provider is thrown away after the test.
  cookies: { keys: ['idsdk-go-test-peer-cookie-key'] },
  // The strictest setting: PKCE for confidential clients too (the
  // provider's default asks it of public clients only), unless a client is
  // listed as exempt.
  pkce: {
    required: (_ctx, client) => cfg.pkceRequired !== false
      && !(cfg.pkceOptionalClients || []).includes(client.clientId),
  },
  enabledJWA: { clientAuthSigningAlgValues: algs },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: true },
    ...(cfg.ciba ? { ciba } : {}),
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => {
        const rs = resources[indicator];
        if (!rs) {
          throw new errors.InvalidTarget();
        }
        const info = {
          scope: rs.scope || '',
          audience: rs.audience || indicator,
          accessTokenFormat: rs.accessTokenFormat || 'jwt',
        };
        if (rs.accessTokenTTL) info.accessTokenTTL = Number(rs.accessTokenTTL);
        if (info.accessTokenFormat === 'jwt') info.jwt = { sign: { alg: 'RS256' } };
        return info;
      },
    },
  },
  // A refresh token for every client allowed to use the grant, without the
  // offline_access / prompt=consent dance.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => cfg.rotateRefreshToken !== false,
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub }),
  }),
};

const provider = new Provider(issuer, configuration);

provider.on('grant.success', (ctx) => {
  bump(stats.success, ctx.oidc?.params?.grant_type || 'unknown');
});
provider.on('grant.error', (ctx, err) => {
  bump(stats.error, ctx.oidc?.params?.grant_type || 'unknown');
  if (process.env.OIDC_DEBUG) console.error('grant.error', err?.error, err?.error_description);
});
provider.on('server_error', (_ctx, err) => {
  console.error('server_error', err);
});

const handle = provider.callback();

// cibaFinish completes the latest pending CIBA request: approve grants the
// requested scope to the request's account and client, otherwise the user
// refused.
const cibaFinish = async (approve) => {
  const request = cibaPending.pop();
  if (!request) return false;
  if (approve) {
    const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
    if (request.scope) grant.addOIDCScope(request.scope);
    await grant.save();
    await provider.backchannelResult(request, grant);
  } else {
    await provider.backchannelResult(request, new errors.AccessDenied('the user refused'));
  }
  return true;
};

const server = http.createServer((req, res) => {
  const path = (req.url || '').split('?')[0];
  if (path === '/__stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
    return;
  }
  if (path === '/__stats/reset' && req.method === 'POST') {
    stats.requests = 0;
    stats.success = {};
    stats.error = {};
    res.statusCode = 204;
    res.end();
    return;
  }
  if (cfg.ciba && (path === '/__ciba/approve' || path === '/__ciba/deny') && req.method === 'POST') {
    cibaFinish(path === '/__ciba/approve').then((found) => {
      res.statusCode = found ? 204 : 404;
      res.end();
    }, (err) => {
      console.error('ciba', err);
      res.statusCode = 500;
      res.end(String(err?.message || err));
    });
    return;
  }
  if (path === ((cfg.routes && cfg.routes.token) || '/token') && req.method === 'POST') {
    stats.requests += 1;
  }
  handle(req, res);
});

server.keepAliveTimeout = 1000;
server.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
