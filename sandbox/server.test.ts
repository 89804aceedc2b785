import { ZohoSandbox } from './server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Zoho's bodies, read loosely in assertions
type Json = any;
const readJson = (response: Response): Promise<Json> => response.json();

/** The sandbox is the yardstick for everything else: these pin it to Zoho's reference. */
describe('Zoho sandbox', () => {
	let sandbox: ZohoSandbox;
	let token: string;

	beforeEach(async () => {
		sandbox = await ZohoSandbox.start({ users: 5 });
		token = sandbox.issueAccessToken();
	});
	afterEach(async () => sandbox.stop());

	function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
		return fetch(`${sandbox.apiUrl}${path}`, {
			...init,
			headers: {
				Authorization: `Zoho-oauthtoken ${token}`,
				'X-com-zoho-invoice-organizationid': sandbox.organizationId,
				...init.headers,
			},
		});
	}

	function tokenRequest(fields: Record<string, string>) {
		return fetch(`${sandbox.accountsUrl}/oauth/v2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields).toString(),
		});
	}

	test('lists users with email and page_context, ids as strings', async () => {
		const response = await api('/users');
		expect(response.status).toBe(200);
		const body = await readJson(response);
		expect(body.code).toBe(0);
		expect(body.users).toHaveLength(5);
		expect(typeof body.users[0].user_id).toBe('string');
		expect(body.users[0].email).toBe('david@zylker.org');
		expect(body.page_context).toMatchObject({ page: 1, per_page: 200, has_more_page: false });
	});

	test('pages with page and per_page, at most 200 a page', async () => {
		sandbox.seedUsers(450);
		const second = await readJson(await api('/users?page=2&per_page=200'));
		expect(second.users).toHaveLength(200);
		expect(second.page_context.has_more_page).toBe(true);
		const third = await readJson(await api('/users?page=3&per_page=200'));
		expect(third.users).toHaveLength(50);
		expect(third.page_context.has_more_page).toBe(false);
		const capped = await readJson(await api('/users?per_page=500'));
		expect(capped.users).toHaveLength(200);
	});

	test('filters by status and sorts by column; refuses unknown ones', async () => {
		const inactive = await readJson(await api('/users?filter_by=Status.Inactive'));
		expect(inactive.users.map((user: { status: string }) => user.status)).toEqual(['inactive']);
		const sorted = await readJson(await api('/users?sort_column=email'));
		const emails = sorted.users.map((user: { email: string }) => user.email);
		expect(emails).toEqual([...emails].sort());
		expect((await api('/users?filter_by=Status.Nope')).status).toBe(400);
		expect((await api('/users?sort_column=salary')).status).toBe(400);
	});

	test('sorts by name unless told otherwise, anew for every page: a user removed between two page requests shifts the next page', async () => {
		sandbox.seedUsers(450);
		sandbox.addUser({ name: 'Aaron First', email: 'aaron@example.com' });
		const first = await readJson(await api('/users?page=1&per_page=200'));
		expect(first.users[0].name).toBe('Aaron First');
		expect(first.page_context.sort_column).toBe('name');
		const lastOfPage1 = first.users[199].user_id;
		sandbox.injectFault({
			match: (request) => request.query.page === '2',
			act: (zoho) => zoho.users.change(first.users[5].user_id, { status: 'deleted' }),
		});
		const second = await readJson(await api('/users?page=2&per_page=200'));
		expect(second.users[0].user_id).not.toBe(lastOfPage1);
		const all = sandbox.listUsers().filter((user) => user.status !== 'deleted');
		const sortedIds = all
			.sort((a, b) => a.name.localeCompare(b.name, 'en'))
			.map((user) => user.user_id);
		// The user who moved up to page 1 is on neither page.
		expect(second.users[0].user_id).toBe(sortedIds[200]);
		expect(sortedIds[199]).not.toBe(lastOfPage1);
	});

	test('deleted users: left out of Status.All and 404 on Get by default; listed and answered when told to', async () => {
		sandbox.users.change('982000000554042', { status: 'deleted' });
		const hidden = await readJson(await api('/users'));
		expect(hidden.users.map((user: { user_id: string }) => user.user_id)).not.toContain(
			'982000000554042',
		);
		expect((await api('/users/982000000554042')).status).toBe(404);
		await sandbox.stop();
		sandbox = await ZohoSandbox.start({ users: 5, deletedUsers: 'listed' });
		token = sandbox.issueAccessToken();
		sandbox.users.change('982000000554042', { status: 'deleted' });
		const listed = await readJson(await api('/users?filter_by=Status.All'));
		expect(
			listed.users.find((user: { user_id: string }) => user.user_id === '982000000554042')?.status,
		).toBe('deleted');
		const got = await readJson(await api('/users/982000000554042'));
		expect(got.user.status).toBe('deleted');
	});

	test('gets a user with email_ids, and the current user at /users/me', async () => {
		const body = await readJson(await api('/users/982000000554042'));
		expect(body.user.email_ids).toEqual([{ email: 'user1@zylker.org', is_selected: true }]);
		expect(body.user.email).toBeUndefined();
		const me = await readJson(await api('/users/me'));
		expect(me.user.user_id).toBe('982000000554041');
	});

	test('creates, updates, invites, deactivates, activates and deletes with Zoho messages', async () => {
		const json = { 'Content-Type': 'application/json' };
		const created = await api('/users', {
			method: 'POST',
			headers: json,
			body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', user_role: 'staff' }),
		});
		expect(created.status).toBe(201);
		expect(await readJson(created)).toEqual({ code: 0, message: 'Your invitation has been sent.' });
		const ann = sandbox.listUsers().find((user) => user.email === 'ann@example.com')!;
		expect(BigInt(ann.user_id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);

		const missingEmail = await api(`/users/${ann.user_id}`, {
			method: 'PUT',
			headers: json,
			body: JSON.stringify({ name: 'Ann B' }),
		});
		expect(missingEmail.status).toBe(400);
		const updated = await api(`/users/${ann.user_id}`, {
			method: 'PUT',
			headers: json,
			body: JSON.stringify({ name: 'Ann B', email: 'ann@example.com', user_role: 'admin' }),
		});
		expect((await readJson(updated)).message).toBe('The user information has been updated.');

		expect(
			(await readJson(await api(`/users/${ann.user_id}/invite`, { method: 'POST' }))).message,
		).toBe('Your invitation has been sent.');
		expect(
			(await readJson(await api(`/users/${ann.user_id}/inactive`, { method: 'POST' }))).message,
		).toBe('The user has been marked as inactive.');
		expect(
			(await readJson(await api(`/users/${ann.user_id}/active`, { method: 'POST' }))).message,
		).toBe('The user has been marked as active.');
		expect((await readJson(await api(`/users/${ann.user_id}`, { method: 'DELETE' }))).message).toBe(
			'The user has been removed from your organization.',
		);
		expect((await api(`/users/${ann.user_id}`)).status).toBe(404);
	});

	test('refuses a duplicate email, a bad email and a non-JSON body', async () => {
		const json = { 'Content-Type': 'application/json' };
		expect(
			(
				await api('/users', {
					method: 'POST',
					headers: json,
					body: JSON.stringify({ name: 'D', email: 'david@zylker.org' }),
				})
			).status,
		).toBe(400);
		expect(
			(
				await api('/users', {
					method: 'POST',
					headers: json,
					body: JSON.stringify({ name: 'D', email: 'nope' }),
				})
			).status,
		).toBe(400);
		expect((await api('/users', { method: 'POST', headers: json, body: '{"name":' })).status).toBe(
			400,
		);
	});

	test('requires a live token, Zoho-oauthtoken or Bearer, with Zoho error shapes', async () => {
		expect((await api('/users', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(
			200,
		);
		const missing = await api('/users', { headers: { Authorization: '' } });
		expect(missing.status).toBe(401);
		expect(await readJson(missing)).toEqual({
			code: 57,
			message: 'You are not authorized to perform this operation',
		});
		expect(
			(await api('/users', { headers: { Authorization: 'Zoho-oauthtoken wrong' } })).status,
		).toBe(401);
		sandbox.expireAccessTokens();
		const expired = await api('/users');
		expect(expired.status).toBe(401);
		expect((await readJson(expired)).code).toBe(14);
	});

	test('requires the organization header and refuses an unknown organization with 403', async () => {
		expect(
			(await api('/users', { headers: { 'X-com-zoho-invoice-organizationid': '' } })).status,
		).toBe(400);
		const unknown = await api('/users', {
			headers: { 'X-com-zoho-invoice-organizationid': '999' },
		});
		expect(unknown.status).toBe(403);
		expect((await readJson(unknown)).code).toBe(6041);
	});

	test('checks the scope the endpoint needs', async () => {
		token = sandbox.issueAccessToken(['ZohoInvoice.settings.READ']);
		expect((await api('/users')).status).toBe(200);
		expect((await api('/users/982000000554042', { method: 'DELETE' })).status).toBe(401);
	});

	test('answers 429 after 100 requests a minute per organization', async () => {
		const statuses = [];
		for (let index = 0; index < 101; index++) statuses.push((await api('/users/me')).status);
		expect(statuses.slice(0, 100).every((status) => status === 200)).toBe(true);
		expect(statuses[100]).toBe(429);
	});

	test('exchanges a refresh token with HTTP 200 errors for bad client, secret or token', async () => {
		const { clientId, clientSecret, refreshToken } = sandbox.selfClient;
		const good = await readJson(
			await tokenRequest({
				grant_type: 'refresh_token',
				client_id: clientId,
				client_secret: clientSecret,
				refresh_token: refreshToken,
			}),
		);
		expect(good).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
		expect(good.refresh_token).toBeUndefined();

		for (const [fields, error] of [
			[{ client_id: 'nope' }, 'invalid_client'],
			[{ client_secret: 'nope' }, 'invalid_client_secret'],
			[{ refresh_token: 'nope' }, 'invalid_code'],
		] as const) {
			const good = {
				grant_type: 'refresh_token',
				client_id: clientId,
				client_secret: clientSecret,
				refresh_token: refreshToken,
			};
			const response = await tokenRequest({ ...good, ...fields });
			expect(response.status).toBe(200);
			expect((await readJson(response)).error).toBe(error);
		}
	});

	test('allows 10 refreshes per refresh token per 10 minutes', async () => {
		const { clientId, clientSecret, refreshToken } = sandbox.selfClient;
		const fields = {
			grant_type: 'refresh_token',
			client_id: clientId,
			client_secret: clientSecret,
			refresh_token: refreshToken,
		};
		for (let index = 0; index < 10; index++)
			expect((await readJson(await tokenRequest(fields))).access_token).toBeDefined();
		expect((await readJson(await tokenRequest(fields))).error).toBe('Access Denied');
	});

	test('consents at once and redirects with code and state; the code gives a refresh token', async () => {
		const redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		const auth = await fetch(
			`${sandbox.accountsUrl}/oauth/v2/auth?${new URLSearchParams({ client_id: sandbox.oauthClient.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'ZohoInvoice.settings.READ', state: 'xyz', access_type: 'offline' })}`,
			{ redirect: 'manual' },
		);
		expect(auth.status).toBe(302);
		const location = new URL(auth.headers.get('location')!);
		expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
		expect(location.searchParams.get('state')).toBe('xyz');
		const tokens = await readJson(
			await tokenRequest({
				grant_type: 'authorization_code',
				client_id: sandbox.oauthClient.clientId,
				client_secret: sandbox.oauthClient.clientSecret,
				code: location.searchParams.get('code')!,
				redirect_uri: redirectUri,
			}),
		);
		expect(tokens.refresh_token).toBeDefined();
		token = tokens.access_token;
		expect((await api('/users')).status).toBe(200);
		expect((await api('/users', { method: 'POST' })).status).toBe(401);
	});

	test('logs every request as received', async () => {
		await api('/users?page=1', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{"name":"A","email":"a@b.co"}',
		});
		const [received] = sandbox.apiRequests();
		expect(received).toMatchObject({
			method: 'POST',
			path: '/invoice/v3/users',
			query: { page: '1' },
			json: { name: 'A', email: 'a@b.co' },
		});
		expect(received.headers['x-com-zoho-invoice-organizationid']).toBe(sandbox.organizationId);
	});

	test('injects faults: status and body, slow answers, dropped connections', async () => {
		sandbox.injectFault({
			status: 502,
			body: '<html>Bad gateway</html>',
			contentType: 'text/html',
		});
		const html = await api('/users');
		expect(html.status).toBe(502);
		expect(await html.text()).toContain('<html>');
		expect((await api('/users')).status).toBe(200);

		sandbox.injectFault({ delayMs: 300 });
		const started = Date.now();
		await api('/users');
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);

		sandbox.injectFault({ drop: true });
		await expect(api('/users')).rejects.toThrow();
	});
});

describe("Zoho sandbox: what Zoho's limits are reported to send", () => {
	async function started(limits: ConstructorParameters<typeof ZohoSandbox>[0]) {
		const sandbox = await ZohoSandbox.start(limits);
		const token = sandbox.issueAccessToken();
		const me = () =>
			fetch(`${sandbox.apiUrl}/users/me`, {
				headers: {
					Authorization: `Zoho-oauthtoken ${token}`,
					'X-com-zoho-invoice-organizationid': sandbox.organizationId,
				},
			});
		return { sandbox, me };
	}

	test("X-Rate-Limit-* on every answer: the daily quota, what is left, seconds to the day's end", async () => {
		const { sandbox, me } = await started({ limits: { daily: 2, rateLimitHeaders: true } });
		try {
			const answers = [await me(), await me(), await me()];
			expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
			expect(answers.map((answer) => answer.headers.get('x-rate-limit-remaining'))).toEqual([
				'1',
				'0',
				'0',
			]);
			expect(answers[0].headers.get('x-rate-limit-limit')).toBe('2');
			const reset = Number(answers[0].headers.get('x-rate-limit-reset'));
			expect(reset).toBeGreaterThan(0);
			expect(reset).toBeLessThanOrEqual(24 * 60 * 60);
			expect((await readJson(answers[2])).code).toBe(45);
		} finally {
			await sandbox.stop();
		}
	});

	test('no such headers unless asked for', async () => {
		const { sandbox, me } = await started({ limits: { daily: 2 } });
		try {
			expect((await me()).headers.get('x-rate-limit-remaining')).toBeNull();
		} finally {
			await sandbox.stop();
		}
	});

	test('refuses everything, with Retry-After when told to', async () => {
		const { sandbox, me } = await started({ limits: { refuseAll: true, retryAfterSeconds: 60 } });
		try {
			const answer = await me();
			expect(answer.status).toBe(429);
			expect(answer.headers.get('retry-after')).toBe('60');
			expect((await readJson(answer)).message).toMatch(/per minute/);
			expect(sandbox.limits.refusals()).toBe(1);
		} finally {
			await sandbox.stop();
		}
	});

	test("listens on every address when told to ('::'), reached on loopback", async () => {
		const { sandbox } = await started({ host: '::' });
		try {
			const port = new URL(sandbox.url).port;
			for (const host of ['127.0.0.1', '[::1]'])
				expect((await fetch(`http://${host}:${port}/invoice/v3/users`)).status).toBe(401);
		} finally {
			await sandbox.stop();
		}
	});
});
