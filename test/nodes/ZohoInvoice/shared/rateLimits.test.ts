import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { CredentialStore, selfClientCredentials } from '../../../../harness/credentials';
import { N8N_LINE, runNode } from '../../../../harness/engine';
import { searchUsers } from '../../../../harness/listSearch';
import { PollingTrigger } from '../../../../harness/poll';
import { useSandbox } from '../../../helpers/sandbox';

/** Zoho's limits with the window compressed: a "minute" of 100 calls takes 1 s here. */
const WINDOW_MS = 1_000;
const ZOHO_LIMITS_COMPRESSED = { simultaneous: 10, perWindow: 100, windowMs: WINDOW_MS };

const getEach = {
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
};

function items(count: number, ids: string[]) {
	return Array.from({ length: count }, (_, index) => ({ id: ids[index % ids.length] }));
}

const IDS = ['982000000554041', '982000000554042', '982000000554043'];

beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
afterAll(() => configureRateLimits());

describe('A cancelled run gives its places up', () => {
	const fixture = useSandbox({
		users: 5,
		limits: { ...ZOHO_LIMITS_COMPRESSED, windowMs: 60_000 },
		latencyMs: 5,
	});

	test("waiting calls leave the queue, and what was never sent takes no place in the organization's window", async () => {
		const { sandbox, credentials } = fixture;
		configureRateLimits({ windowMs: 60_000 });
		const cancel = new AbortController();
		const cancelled = runNode({
			credentials,
			items: items(300, IDS),
			parameters: getEach,
			signal: cancel.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		cancel.abort();
		await cancelled.catch(() => undefined);
		const sentBefore = sandbox.apiRequests().length;
		expect(sentBefore).toBeLessThan(90);
		// Another run on the same organization is served at once if the window has room for it.
		const started = Date.now();
		const output = await runNode({ credentials, items: items(1, IDS), parameters: getEach });
		expect(output[0].json.user_id).toBe(IDS[0]);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(sandbox.apiRequests()).toHaveLength(sentBefore + 1);
	});
});

describe("Bulk runs within Zoho's limits (10 at a time, 100 a window, a daily quota)", () => {
	const fixture = useSandbox({ users: 5, limits: ZOHO_LIMITS_COMPRESSED, latencyMs: 5 });

	test('300 items with default settings all succeed; Zoho never sees more than 10 at once', async () => {
		const { sandbox, credentials } = fixture;
		const started = Date.now();
		const output = await runNode({ credentials, items: items(300, IDS), parameters: getEach });
		const elapsed = Date.now() - started;
		expect(output).toHaveLength(300);
		expect(output.every((item) => !item.error && typeof item.json.user_id === 'string')).toBe(true);
		expect(sandbox.stats.peakInProgress).toBeLessThanOrEqual(10);
		// Reported, and held to zero: one process paces itself instead of colliding with the limits.
		console.log(
			`300 items: ${sandbox.limits.refusals()} 429s, peak ${sandbox.stats.peakInProgress} at once, ${elapsed} ms`,
		);
		expect(sandbox.limits.refusals()).toBe(0);
		// 300 calls at 100 a window cannot take less than two windows.
		expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS);
	});

	test("two runs at the same time share one organization's limits", async () => {
		const { sandbox, credentials } = fixture;
		const [first, second] = await Promise.all([
			runNode({ credentials, items: items(60, IDS), parameters: getEach }),
			runNode({ credentials, items: items(60, IDS), parameters: getEach }),
		]);
		expect([...first, ...second].filter((item) => item.error)).toHaveLength(0);
		expect(sandbox.stats.peakInProgress).toBeLessThanOrEqual(10);
		expect(sandbox.limits.refusals()).toBe(0);
	});

	test("the credential's Free plan keeps to 5 at a time", async () => {
		const { sandbox, credentials } = fixture;
		credentials.set('zohoInvoiceApi', { ...credentials.get('zohoInvoiceApi'), plan: 'free' });
		const output = await runNode({ credentials, items: items(40, IDS), parameters: getEach });
		expect(output.filter((item) => item.error)).toHaveLength(0);
		expect(sandbox.stats.peakInProgress).toBeLessThanOrEqual(5);
	});

	test('with Wait Out Rate Limits off, 120 items collide with the limits as before: 429s fail their items', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: items(120, IDS),
			parameters: { ...getEach, requestOptions: { waitOutRateLimits: false } },
		});
		const failed = output.filter((item) => item.error);
		expect(failed.length).toBeGreaterThan(0);
		expect(failed.length).toBe(sandbox.limits.refusals());
		expect(failed[0].error?.message).toMatch(/too many/);
		expect(failed[0].error?.description).toMatch(/Wait Out Rate Limits/);
	});

	test('Wait Out Rate Limits must be a boolean, named when an expression gives something else', async () => {
		const { sandbox, credentials } = fixture;
		await expect(
			runNode({
				credentials,
				items: items(1, IDS),
				parameters: { ...getEach, requestOptions: { waitOutRateLimits: '={{ "no" }}' } },
			}),
		).rejects.toThrow(/^Wait Out Rate Limits: expected true or false/);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
});

describe('Fair between runs: what n8n starts on its own is not queued behind a bulk run', () => {
	const BULK_WINDOW_MS = 4_000;
	const fixture = useSandbox({
		users: 5,
		limits: { simultaneous: 10, perWindow: 100, windowMs: BULK_WINDOW_MS },
		latencyMs: 5,
	});

	test("the User list's search, Get Current User and a trigger poll, started while a 250-item run is paced: each answered at once", async () => {
		const { sandbox, credentials } = fixture;
		configureRateLimits({ windowMs: BULK_WINDOW_MS });
		const bulk = runNode({ credentials, items: items(250, IDS), parameters: getEach });
		// Past the first burst: the window is full but for what is kept for such calls. (A fixed sleep
		// would not do: n8n may take longer than it to prepare the run's items.)
		while (sandbox.apiRequests().length < 90)
			await new Promise((resolve) => setTimeout(resolve, 20));
		const sentBefore = sandbox.apiRequests().length;
		const timed = async (work: () => Promise<unknown>) => {
			const started = Date.now();
			await work();
			return Date.now() - started;
		};
		const trigger = new PollingTrigger(credentials, ['userAdded']);
		const waits = await Promise.all([
			timed(() => searchUsers(credentials, 'selfClient')),
			timed(() =>
				runNode({ credentials, parameters: { resource: 'user', operation: 'getCurrent' } }),
			),
			timed(() => trigger.poll()),
		]);
		// Queued behind the run they would wait for the window to pass (3 s and more).
		for (const wait of waits) expect(wait).toBeLessThan(1_500);
		expect(sentBefore).toBeLessThan(100);
		expect((await bulk).filter((item) => item.error)).toHaveLength(0);
		expect(sandbox.limits.refusals()).toBe(0);
	});
});

describe('One governor per organization, however its address is written', () => {
	const fixture = useSandbox({
		users: 5,
		limits: ZOHO_LIMITS_COMPRESSED,
		latencyMs: 20,
		host: '::',
	});

	test('127.0.0.1 and LOCALHOST are one organization: together never more than 10 at once, no 429', async () => {
		const { sandbox } = fixture;
		const port = new URL(sandbox.url).port;
		const at = (host: string) =>
			new CredentialStore({
				zohoInvoiceApi: selfClientCredentials(sandbox, {
					customApiUrl: `http://${host}:${port}/invoice/v3/`,
				}),
			});
		const [first, second] = await Promise.all([
			runNode({ credentials: at('127.0.0.1'), items: items(60, IDS), parameters: getEach }),
			runNode({ credentials: at('LOCALHOST'), items: items(60, IDS), parameters: getEach }),
		]);
		expect([...first, ...second].filter((item) => item.error)).toHaveLength(0);
		expect(sandbox.stats.peakInProgress).toBeLessThanOrEqual(10);
		expect(sandbox.limits.refusals()).toBe(0);
	});
});

describe('A 429 is waited out, within a bound', () => {
	const fixture = useSandbox({ users: 5 });

	// n8n 1.x keeps no response headers on its HTTP error: there the node's own back-off applies.
	test(`${N8N_LINE >= 2 ? "honours Zoho's Retry-After" : 'backs off on its own (n8n 1.x hides Retry-After)'}`, async () => {
		const { sandbox, credentials } = fixture;
		configureRateLimits({ windowMs: WINDOW_MS, firstPauseMs: 50 });
		sandbox.injectFault({
			status: 429,
			headers: { 'Retry-After': '2' },
			body: JSON.stringify({ code: 44, message: 'You have made too many requests per minute.' }),
		});
		const output = await runNode({ credentials, items: items(1, IDS), parameters: getEach });
		expect(output[0].json.user_id).toBe(IDS[0]);
		const [refused, retried] = sandbox.apiRequests().map((request) => request.receivedAt);
		if (N8N_LINE >= 2) expect(retried - refused).toBeGreaterThanOrEqual(1_950);
		else expect(retried - refused).toBeLessThan(1_000);
	});

	test.each(['0', '-1', 'soon 1', 'Thu, 01 Jan 1970 00:00:00 GMT'])(
		'a Retry-After of %p is no hint: the node backs off and gives up in time',
		async (retryAfter) => {
			const { sandbox, credentials } = fixture;
			configureRateLimits({ windowMs: WINDOW_MS, firstPauseMs: 20, maxRefusingMs: 300 });
			sandbox.injectFault({
				status: 429,
				headers: { 'Retry-After': retryAfter },
				body: JSON.stringify({ code: 44, message: 'Too many requests' }),
				times: 100,
			});
			await expect(
				runNode({ credentials, items: items(1, IDS), parameters: getEach }),
			).rejects.toThrow(/^Zoho has refused every call of this organization for/);
			// Asked again after 20 ms, then once its first call has left the window: past the bound.
			expect(sandbox.apiRequests().length).toBeLessThanOrEqual(5);
		},
	);

	test('gives up with a clear error when Zoho keeps refusing past the bound', async () => {
		const { sandbox, credentials } = fixture;
		// The bound is the window, so a busy machine that delays the second call does not skip the third.
		const maxRefusingMs = WINDOW_MS;
		configureRateLimits({ windowMs: WINDOW_MS, firstPauseMs: 50, maxRefusingMs });
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 44, message: 'Too many requests' }),
			times: 100,
		});
		const started = Date.now();
		const error = (await runNode({ credentials, items: items(1, IDS), parameters: getEach }).catch(
			(caught) => caught,
		)) as Error & { description: string; httpCode: string };
		// The bound, and at most a window more for the last try.
		expect(Date.now() - started).toBeLessThan(maxRefusingMs + WINDOW_MS + 1_000);
		expect(error.message).toMatch(/^Zoho has refused every call of this organization for \d/);
		expect(error.description).toContain(
			'Zoho last said: "Too many requests" (Zoho error code 44).',
		);
		expect(error.httpCode).toBe('429');
		// Asked again after 50 ms, then once its first call had left the window.
		expect(sandbox.apiRequests().length).toBe(3);
	});
});

describe("Zoho's daily quota", () => {
	const fixture = useSandbox({
		users: 5,
		limits: { ...ZOHO_LIMITS_COMPRESSED, daily: 50 },
		latencyMs: 5,
	});

	test('80 items with a quota of 50: 50 succeed, 30 fail saying the quota is used up, no request after the first quota answer', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: items(80, IDS),
			parameters: getEach,
		});
		expect(output).toHaveLength(80);
		const succeeded = output.filter((item) => !item.error);
		const failed = output.filter((item) => item.error);
		expect(succeeded).toHaveLength(50);
		expect(failed).toHaveLength(30);
		for (const item of failed) {
			expect(item.error?.message).toBe(
				"Zoho Invoice's daily API quota for this organization is used up",
			);
			expect(item.error?.description).toMatch(/shared by every integration of the organization/);
			expect(item.error?.description).toMatch(/resets it daily/);
		}
		// What was in flight when the first quota answer came may still reach Zoho (at most 10); nothing after.
		const requests = sandbox.apiRequests();
		const firstQuotaAnswer = Math.min(
			...requests
				.filter((request) => request.answeredWith === 429)
				.map((request) => request.answeredAt!),
		);
		expect(
			requests.filter((request) => request.receivedAt > firstQuotaAnswer).length,
		).toBeLessThanOrEqual(10);
		expect(sandbox.apiRequests().length).toBeLessThanOrEqual(50 + 10);
	});

	test('the next run fails at once, without asking Zoho again', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({
			credentials,
			continueOnFail: true,
			items: items(60, IDS),
			parameters: getEach,
		});
		const asked = sandbox.apiRequests().length;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: items(5, IDS),
			parameters: getEach,
		});
		expect(
			output.every(
				(item) =>
					item.error?.message === "Zoho Invoice's daily API quota for this organization is used up",
			),
		).toBe(true);
		expect(sandbox.apiRequests()).toHaveLength(asked);
	});
});
