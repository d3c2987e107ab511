import * as assert from 'node:assert/strict';
import { AirflowClient, AirflowProblem, apiPath, checkBaseUrl, errorDetail, jwtExpiry, normalizeBaseUrl, type FetchLike } from '../../src/core/airflow/client';

const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const html = (status: number) => new Response('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>', { status, headers: { 'content-type': 'text/html' } });

interface Call { method: string; url: string; auth?: string; body?: string }

/** A scripted server: `route` answers each call; every call is recorded. */
function server(route: (call: Call) => Response | Promise<Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { method: init.method ?? 'GET', url, auth: (init.headers as Record<string, string>).Authorization, body: init.body as string | undefined };
      calls.push(call);
      return route(call);
    },
  };
}

const v2Version = (call: Call) => (call.url.endsWith('/api/v2/version') ? json(200, { version: '3.0.2', git_version: 'x' }) : undefined);

async function problemOf(p: Promise<unknown>): Promise<AirflowProblem> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AirflowProblem, `expected an AirflowProblem, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('Airflow client: URLs, tokens and error bodies', () => {
  it('requires https except for loopback, and keeps credentials out of the URL', () => {
    assert.equal(normalizeBaseUrl('https://airflow.example.com/'), 'https://airflow.example.com');
    assert.equal(normalizeBaseUrl('http://localhost:8080/airflow/'), 'http://localhost:8080/airflow');
    assert.equal(normalizeBaseUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.throws(() => checkBaseUrl('http://airflow.example.com'), (e: AirflowProblem) => e.kind === 'insecure' && /use https/.test(e.message));
    assert.throws(() => checkBaseUrl('https://admin:secret@airflow.example.com'), (e: AirflowProblem) => e.kind === 'insecure' && !e.message.includes('secret'));
    assert.throws(() => checkBaseUrl('not a url'), (e: AirflowProblem) => e.kind === 'insecure');
  });

  it('reads exp from a JWT and nothing from other tokens', () => {
    assert.equal(jwtExpiry(jwt({ exp: 1_700_000_000 })), 1_700_000_000_000);
    assert.equal(jwtExpiry('opaque-token'), undefined);
    assert.equal(jwtExpiry('a.!!!.c'), undefined);
  });

  it('builds one path for both API versions', () => {
    assert.equal(apiPath('v2', '/dags'), '/api/v2/dags');
    assert.equal(apiPath('v1', 'importErrors'), '/api/v1/importErrors');
  });

  it('takes the detail of FastAPI, connexion and route errors, never a page', () => {
    assert.equal(errorDetail('{"detail":"Invalid credentials"}'), 'Invalid credentials');
    assert.equal(errorDetail('{"detail":[{"loc":["body","conf"],"msg":"Input should be a valid dictionary"}]}'), 'Input should be a valid dictionary');
    assert.equal(errorDetail('{"detail":"Unauthorized","status":401,"title":"Unauthorized","type":"about:blank"}'), 'Unauthorized');
    assert.equal(errorDetail('{"error":"API route not found"}'), 'API route not found');
    assert.equal(errorDetail('<html>oops</html>'), undefined);
    assert.ok(errorDetail(JSON.stringify({ detail: 'x'.repeat(1000) }))!.length <= 300);
  });
});

describe('Airflow client: version detection and sign-in', () => {
  it('detects Airflow 3 from /api/v2/version and signs in with a JWT', async () => {
    const s = server((c) => v2Version(c) ?? (c.url.endsWith('/auth/token') ? json(201, { access_token: jwt({ exp: Date.now() / 1000 + 3600 }) }) : json(200, { dags: [], total_entries: 0 })));
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:8080/', credentials: { kind: 'password', username: 'admin', password: 'pw' }, fetch: s.fetch });
    assert.deepEqual(client.version, { api: 'v2', version: '3.0.2' });
    assert.deepEqual(JSON.parse(s.calls[1].body!), { username: 'admin', password: 'pw' });
    await client.get('/dags', { limit: 1, tags: ['a', 'b'] });
    const last = s.calls.at(-1)!;
    assert.equal(last.url, 'http://localhost:8080/api/v2/dags?limit=1&tags=a&tags=b');
    assert.match(last.auth!, /^Bearer h\./);
    assert.ok(s.calls.every((c) => !c.url.includes('pw')));
  });

  it('detects Airflow 2 from /api/v1/version when v2 is missing and uses basic auth', async () => {
    const s = server((c) => {
      if (c.url.endsWith('/api/v2/version')) return html(404);
      if (c.url.endsWith('/api/v1/version')) return json(200, { version: '2.10.5', git_version: null });
      return json(200, { dags: [], total_entries: 0 });
    });
    const client = await AirflowClient.connect({ baseUrl: 'https://airflow.example.com', credentials: { kind: 'password', username: 'admin', password: 'pw' }, fetch: s.fetch });
    assert.equal(client.api, 'v1');
    await client.get('/dags');
    assert.equal(s.calls.at(-1)!.url, 'https://airflow.example.com/api/v1/dags');
    assert.equal(s.calls.at(-1)!.auth, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
    assert.ok(!s.calls.some((c) => c.url.endsWith('/auth/token')));
  });

  it('says when neither version endpoint is Airflow, and when a proxy page answers', async () => {
    const none = server(() => json(404, { detail: 'Not Found' }));
    assert.equal((await problemOf(AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: none.fetch }))).kind, 'notAirflow');
    const proxy = server(() => html(502));
    const p = await problemOf(AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: proxy.fetch }));
    assert.equal(p.kind, 'html');
    assert.match(p.message, /web page \(HTTP 502\)/);
    assert.ok(!p.message.includes('<'));
    const loginPage = server(() => new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    assert.equal((await problemOf(AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: loginPage.fetch }))).kind, 'html');
  });

  it('reports wrong credentials with the API detail, and an auth manager without a token endpoint', async () => {
    const wrong = server((c) => v2Version(c) ?? json(401, { detail: 'Invalid credentials' }));
    const p = await problemOf(AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'password', username: 'a', password: 'b' }, fetch: wrong.fetch }));
    assert.equal(p.kind, 'auth');
    assert.equal(p.detail, 'Invalid credentials');
    assert.match(p.message, /did not accept the credentials: Invalid credentials/);
    const noToken = server((c) => v2Version(c) ?? json(404, { detail: 'Not Found' }));
    assert.equal((await problemOf(AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'password', username: 'a', password: 'b' }, fetch: noToken.fetch }))).kind, 'noTokenEndpoint');
  });

  it('times out a request that does not answer', async () => {
    const slow = server((c) => v2Version(c) ?? new Promise<Response>(() => undefined));
    const never: FetchLike = async (url, init) => {
      const answer = slow.fetch(url, init);
      return Promise.race([answer, new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))]);
    };
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: never, timeoutMs: 50 });
    const p = await problemOf(client.get('/dags'));
    assert.equal(p.kind, 'timeout');
    assert.match(p.message, /did not answer GET \/api\/v2\/dags/);
  });

  it('maps 404 with a detail to notFound and 5xx to http, with one sentence', async () => {
    const s = server((c) => v2Version(c) ?? (c.url.includes('/dags/nope') ? json(404, { detail: 'The Dag with ID: `nope` was not found' }) : json(500, { detail: 'boom' })));
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: s.fetch });
    const missing = await problemOf(client.get('/dags/nope'));
    assert.equal(missing.kind, 'notFound');
    assert.match(missing.message, /The Dag with ID: `nope` was not found/);
    const broken = await problemOf(client.post('/dags/x/dagRuns', {}));
    assert.equal(broken.kind, 'http');
    assert.equal(broken.status, 500);
  });
});

describe('Airflow client: token renewal', () => {
  it('renews the JWT before it expires, once for concurrent callers', async () => {
    let now = 1_000_000_000_000;
    let issued = 0;
    const s = server((c) => {
      if (c.url.endsWith('/auth/token')) {
        issued++;
        return json(201, { access_token: jwt({ exp: now / 1000 + 600, n: issued }) });
      }
      return v2Version(c) ?? json(200, { dags: [], total_entries: 0 });
    });
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'password', username: 'a', password: 'b' }, fetch: s.fetch, now: () => now });
    await Promise.all([client.get('/dags'), client.get('/dags')]);
    assert.equal(issued, 1);
    now += 530_000; // 70 s before exp: not yet
    await client.get('/dags');
    assert.equal(issued, 1);
    now += 20_000; // 50 s before exp: inside the renewal window
    await Promise.all([client.get('/dags'), client.get('/dags'), client.get('/dags')]);
    assert.equal(issued, 2);
  });

  it('renews a short-lived token at 80% of its lifetime, not on every call', async () => {
    let now = 1_000_000_000_000;
    let issued = 0;
    const s = server((c) => {
      if (c.url.endsWith('/auth/token')) {
        issued++;
        return json(201, { access_token: jwt({ exp: now / 1000 + 10 }) });
      }
      return v2Version(c) ?? json(200, { dags: [], total_entries: 0 });
    });
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'password', username: 'a', password: 'b' }, fetch: s.fetch, now: () => now });
    for (let i = 0; i < 5; i++) await client.get('/dags');
    assert.equal(issued, 1);
    now += 8_500;
    await client.get('/dags');
    assert.equal(issued, 2);
  });

  it('signs in again once on a 401 and then reports it', async () => {
    let issued = 0;
    let reject = 1;
    const s = server((c) => {
      if (c.url.endsWith('/auth/token')) return json(201, { access_token: jwt({ exp: Date.now() / 1000 + 3600, n: ++issued }) });
      if (c.url.endsWith('/dags') && reject-- > 0) return json(401, { detail: 'Token revoked' });
      return v2Version(c) ?? json(200, { dags: [], total_entries: 0 });
    });
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'password', username: 'a', password: 'b' }, fetch: s.fetch });
    await client.get('/dags');
    assert.equal(issued, 2);
    reject = 5;
    const p = await problemOf(client.get('/dags'));
    assert.equal(p.kind, 'auth');
    assert.equal(issued, 3, 'one more sign-in, not a loop');
  });
});

describe('Airflow client: paging', () => {
  const dags = Array.from({ length: 250 }, (_, i) => ({ dag_id: `d${String(i).padStart(3, '0')}` }));
  const pager = (maxLimit: number, failAt?: number) => server((c) => {
    const v = v2Version(c);
    if (v) return v;
    const q = new URL(c.url).searchParams;
    const offset = Number(q.get('offset'));
    const limit = Math.min(Number(q.get('limit')), maxLimit);
    if (offset === failAt) return html(502);
    return json(200, { dags: dags.slice(offset, offset + limit), total_entries: dags.length });
  });

  it('reads every page at the API limit, first page first, the rest in parallel, in order', async () => {
    const s = pager(100);
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: s.fetch });
    const firsts: number[] = [];
    const all = await client.getAll<{ dag_id: string }>('/dags', 'dags', { order_by: 'dag_id' }, { onPage: (p) => firsts.push(p.items.length) });
    assert.equal(all.items.length, 250);
    assert.deepEqual(all.items.map((d) => d.dag_id), dags.map((d) => d.dag_id));
    assert.equal(firsts[0], 100);
    const pages = s.calls.filter((c) => c.url.includes('/dags?'));
    assert.equal(pages.length, 3);
    assert.ok(pages.every((c) => c.url.includes('order_by=dag_id')));
  });

  it('follows a server that clamps the page size lower than asked', async () => {
    const s = pager(30);
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: s.fetch });
    const all = await client.getAll<{ dag_id: string }>('/dags', 'dags');
    assert.deepEqual(all.items.map((d) => d.dag_id), dags.map((d) => d.dag_id));
    assert.equal(s.calls.filter((c) => c.url.includes('/dags?')).length, 9);
  });

  it('fails as a whole when a later page fails, saying what answered', async () => {
    const s = pager(100, 200);
    const client = await AirflowClient.connect({ baseUrl: 'http://localhost:1', credentials: { kind: 'token', token: 't' }, fetch: s.fetch });
    assert.equal((await problemOf(client.getAll('/dags', 'dags'))).kind, 'html');
  });
});
