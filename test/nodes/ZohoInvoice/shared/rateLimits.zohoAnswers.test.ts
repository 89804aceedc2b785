import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { N8N_LINE, runNode } from '../../../../harness/engine';
import { searchUsers } from '../../../../harness/listSearch';
import { useSandbox } from '../../../helpers/sandbox';

/** Zoho's limits with the window compressed: a "minute" of 100 calls takes 1 s here. */
const WINDOW_MS = 1_000;

const getEach = {
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
};
const IDS = ['982000000554041', '982000000554042', '982000000554043'];
const items = (count: number) =>
	Array.from({ length: count }, (_, index) => ({ id: IDS[index % IDS.length] }));

const DAILY_QUOTA_MESSAGE = "Zoho Invoice's daily API quota for this organization is used up";

beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
afterAll(() => configureRateLimits());

describe("Zoho's answer is read by what it says, not by a code guessed", () => {
	const fixture = useSandbox({ users: 5 });

	test('code 45 with a per-minute message is the per-minute limit: waited out, and the item succeeds', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({
				code: 45,
				message:
					'You have made more than 100 requests per minute. Please try again after some time.',
			}),
		});
		const output = await runNode({ credentials, items: items(1), parameters: getEach });
		expect(output[0].json.user_id).toBe(IDS[0]);
		expect(sandbox.apiRequests().length).toBe(2);
		// Not remembered as the daily quota either: the next run is sent.
		await runNode({ credentials, items: items(1), parameters: getEach });
		expect(sandbox.apiRequests().length).toBe(3);
	});

	test('code 45 and a message that says nothing is not taken for the daily quota: asked again once the window has passed', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 45, message: 'Too many requests' }),
		});
		const output = await runNode({ credentials, items: items(1), parameters: getEach });
		expect(output[0].json.user_id).toBe(IDS[0]);
		const [refused, asked] = sandbox.apiRequests();
		expect(asked.receivedAt - refused.receivedAt).toBeGreaterThanOrEqual(WINDOW_MS - 50);
	});

	test('code 45 said again by the one call after the window: now it is the daily quota, and the rest fail unsent', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 45, message: 'Too many requests' }),
			times: 100,
		});
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: items(5),
			parameters: getEach,
		});
		expect(output.every((item) => item.error?.message === DAILY_QUOTA_MESSAGE)).toBe(true);
		// The five sent at once, then one alone once the window of the first has passed; the others
		// fail unsent. (On a busy machine the five arrive spread out: the window runs from the first.)
		const requests = sandbox.apiRequests();
		expect(requests.length).toBe(6);
		expect(requests[5].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(WINDOW_MS - 50);
	});

	test(`X-Rate-Limit-Reset: 34881 on a per-minute 429 is not a 9.7-hour wait${N8N_LINE >= 2 ? '' : ' (n8n 1.x hides the headers)'}`, async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			headers: {
				'X-Rate-Limit-Limit': '7500',
				'X-Rate-Limit-Remaining': '6775',
				'X-Rate-Limit-Reset': '34881',
			},
			body: JSON.stringify({ code: 44, message: 'You have made too many requests per minute.' }),
		});
		const started = Date.now();
		const output = await runNode({ credentials, items: items(1), parameters: getEach });
		expect(output[0].json.user_id).toBe(IDS[0]);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(sandbox.apiRequests().length).toBe(2);
	});
});

describe('X-Rate-Limit-Remaining: 0 (reported for Zoho Books) stops the organization before Zoho refuses', () => {
	const fixture = useSandbox({
		users: 5,
		limits: { daily: 20, rateLimitHeaders: true, windowMs: WINDOW_MS },
	});

	test("seen on a routed request's success: the next run's calls fail with the daily-quota message, unsent", async () => {
		const { sandbox, credentials } = fixture;
		const first = await runNode({ credentials, items: items(20), parameters: getEach });
		expect(first.every((item) => typeof item.json.user_id === 'string')).toBe(true);
		const next = await runNode({
			credentials,
			continueOnFail: true,
			items: items(5),
			parameters: getEach,
		});
		expect(next.every((item) => item.error?.message === DAILY_QUOTA_MESSAGE)).toBe(true);
		expect(next[0].error?.description).toMatch(/0 of 20/);
		expect(sandbox.apiRequests().length).toBe(20);
	});

	test("seen on the User list's answer (a request outside routing): the same", async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, items: items(19), parameters: getEach });
		const found = await searchUsers(credentials, 'selfClient');
		expect(found.results.length).toBeGreaterThan(0);
		await expect(runNode({ credentials, items: items(1), parameters: getEach })).rejects.toThrow(
			DAILY_QUOTA_MESSAGE,
		);
		expect(sandbox.apiRequests().length).toBe(20);
	});
});

describe('Stop after the daily quota', () => {
	const fixture = useSandbox({
		users: 5,
		limits: { simultaneous: 10, perWindow: 20, windowMs: WINDOW_MS },
		latencyMs: 5,
	});

	test("stopping an execution whose calls the quota failed never touches another execution's calls", async () => {
		const { sandbox, credentials } = fixture;
		configureRateLimits({ windowMs: WINDOW_MS, callsPerWindow: 20, dailyQuotaPauseMs: 300 });
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({
				code: 45,
				message:
					'You have reached the maximum number of API calls allowed per day for your organization.',
			}),
		});
		const stopA = new AbortController();
		const a = await runNode({
			credentials,
			continueOnFail: true,
			items: items(30),
			parameters: getEach,
			signal: stopA.signal,
		});
		expect(a.filter((item) => item.error?.message === DAILY_QUOTA_MESSAGE).length).toBeGreaterThan(
			0,
		);
		// The quota is asked again after its pause; B's 60 calls queue behind a window of 20.
		await new Promise((resolve) => setTimeout(resolve, 400));
		const b = runNode({ credentials, items: items(60), parameters: getEach });
		await new Promise((resolve) => setTimeout(resolve, 300));
		stopA.abort();
		const settled = await Promise.race([
			b.then((output) => output.length),
			new Promise((resolve) => setTimeout(() => resolve('B never settled'), 15_000)),
		]);
		expect(settled).toBe(60);
	});
});
