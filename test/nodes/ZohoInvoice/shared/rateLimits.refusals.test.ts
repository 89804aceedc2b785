import type { INode } from 'n8n-workflow';

import { requestFailedError } from '../../../../nodes/ZohoInvoice/shared/errors';
import {
	configureRateLimits,
	withinRateLimits,
} from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { ClockedZoho, advanceUntil, outcomes } from '../../../helpers/clockedZoho';

/** At Zoho's real numbers on jest's clock: 60 s window, 100 calls, 10 at a time, 300 ms a call. */
const ORGANIZATION = 'https://www.zohoapis.com/invoice/v3\n10234695';
const MINUTE = 60_000;
/** How long Zoho may refuse every call before the node stops sending (5 minutes). */
const BOUND_MS = 5 * MINUTE;
const PER_MINUTE = {
	code: 44,
	message: 'You have made too many requests per minute. Please try again after some time.',
};

const node = { name: 'Zoho Invoice', type: 'zohoInvoice', typeVersion: 1 } as INode;

/** What the user is shown for a failure the governor threw. */
function shown(error: unknown): { message: string; description: string } {
	const failure = requestFailedError(node, error, { host: 'www.zohoapis.com', noun: 'user' });
	return { message: failure.message, description: String(failure.description) };
}

function call(zoho: ClockedZoho, run: object, signal?: AbortSignal) {
	return withinRateLimits(
		{ organization: ORGANIZATION, simultaneousCalls: 10, waitOut: true, run, signal },
		zoho.send,
	);
}

function bulkRun(zoho: ClockedZoho, count: number, signal?: AbortSignal) {
	const run = {};
	return outcomes(Array.from({ length: count }, () => call(zoho, run, signal)));
}

beforeEach(() => {
	jest.useFakeTimers();
	configureRateLimits();
});
afterEach(() => {
	configureRateLimits();
	jest.useRealTimers();
});

describe('Zoho refusing forever: bounded, with few requests', () => {
	test.each([
		['without Retry-After (always so on n8n 1.x)', {}],
		['with Retry-After: 60', { 'Retry-After': '60' }],
	])(
		'1,000 items answered 429 every time, %s: all settle within the bound plus a minute, a handful of requests',
		async (_, headers) => {
			const zoho = new ClockedZoho();
			zoho.fault = { status: 429, body: PER_MINUTE, headers };
			const started = Date.now();
			const done = bulkRun(zoho, 1_000);
			expect(await advanceUntil(done, 30 * MINUTE)).toBe(true);
			const results = await done;
			const settledAfter = Math.max(...results.map((result) => result.at)) - started;
			expect(settledAfter).toBeLessThanOrEqual(BOUND_MS + MINUTE);
			expect(results.every((result) => result.error)).toBe(true);
			// The first calls in flight, then one probe at a time: not one request per item.
			expect(zoho.calls.length).toBeLessThanOrEqual(30);
			const { message, description } = shown(results[999].error);
			expect(message).toMatch(/^Zoho has refused every call of this organization for 5 min/);
			expect(description).toContain(PER_MINUTE.message);
		},
	);

	test('while the circuit is open, new calls fail at once, unsent; a probe at most every 20 s; the first success closes it', async () => {
		const zoho = new ClockedZoho();
		zoho.fault = { status: 429, body: PER_MINUTE };
		const first = bulkRun(zoho, 50);
		expect(await advanceUntil(first, 10 * MINUTE)).toBe(true);
		const sentWhenOpened = zoho.calls.length;

		// A new call every 2 s for 2 minutes while Zoho still refuses.
		const later: Array<Promise<{ error?: unknown; at: number }[]>> = [];
		for (let second = 0; second < 120; second += 2) {
			const asked = Date.now();
			later.push(outcomes([call(zoho, {})]));
			await jest.advanceTimersByTimeAsync(2_000);
			const [result] = await later.at(-1)!;
			expect(result.error).toBeDefined();
			expect(result.at - asked).toBeLessThanOrEqual(300);
		}
		// At most one probe per 20 s: 6 in 2 minutes.
		expect(zoho.calls.length - sentWhenOpened).toBeLessThanOrEqual(6);

		// Zoho accepts again: the next probe closes the circuit, then a batch goes through.
		zoho.fault = undefined;
		await jest.advanceTimersByTimeAsync(20_000);
		const probe = outcomes([call(zoho, {})]);
		expect(await advanceUntil(probe, MINUTE)).toBe(true);
		expect((await probe)[0].error).toBeUndefined();
		const batch = bulkRun(zoho, 50);
		expect(await advanceUntil(batch, MINUTE)).toBe(true);
		expect((await batch).filter((result) => result.error)).toHaveLength(0);
	});

	test("a Retry-After beyond the bound fails every waiting call at once, unsent, quoting Zoho's wait", async () => {
		const zoho = new ClockedZoho();
		zoho.fault = { status: 429, body: PER_MINUTE, headers: { 'Retry-After': '86400' } };
		const started = Date.now();
		const done = bulkRun(zoho, 1_000);
		expect(await advanceUntil(done, 10 * MINUTE)).toBe(true);
		const results = await done;
		// The first answer comes after 300 ms; everything settles with it.
		expect(Math.max(...results.map((result) => result.at)) - started).toBeLessThanOrEqual(1_000);
		expect(zoho.calls.length).toBeLessThanOrEqual(10);
		const { message } = shown(results[999].error);
		expect(message).toMatch(/Zoho asked to wait 24 h/);
		expect(message).not.toMatch(/waited 0 s/);
	});

	test('after a 429 the queue is not released at once: one call first, then wider as calls succeed', async () => {
		const zoho = new ClockedZoho();
		const started = Date.now();
		// The 429 answers the first calls, asking for 5 s; Zoho accepts what comes after.
		zoho.fault = { status: 429, body: PER_MINUTE, headers: { 'Retry-After': '5' } };
		const done = bulkRun(zoho, 60);
		await jest.advanceTimersByTimeAsync(10);
		zoho.fault = undefined;
		expect(await advanceUntil(done, 5 * MINUTE)).toBe(true);
		expect((await done).filter((result) => result.error)).toHaveLength(0);
		const afterPause = zoho.calls.filter((sent) => sent.sentAt >= started + 5_000);
		const firstRetry = afterPause[0];
		// Nothing else was sent until the first call after the pause was answered.
		expect(
			afterPause.filter(
				(sent) => sent !== firstRetry && sent.sentAt < (firstRetry.answeredAt ?? Infinity),
			),
		).toHaveLength(0);
	});
});

describe('Stop and timeout', () => {
	test('a run stopped while Zoho asked to wait leaves at once, and leaves no timer behind', async () => {
		const zoho = new ClockedZoho();
		const stop = new AbortController();
		zoho.fault = { status: 429, body: PER_MINUTE, headers: { 'Retry-After': '240' } };
		const stopped = bulkRun(zoho, 50, stop.signal);
		await jest.advanceTimersByTimeAsync(2_000);
		stop.abort();
		expect(await advanceUntil(stopped, 1_000)).toBe(true);
		expect((await stopped).every((result) => result.error)).toBe(true);
		// Nothing waits any more: nothing may still be scheduled (Zoho's 4 minutes included).
		expect(jest.getTimerCount()).toBe(0);
	});

	test('a stop after the daily quota stopped the organization never touches the calls of another run', async () => {
		const zoho = new ClockedZoho();
		const stop = new AbortController();
		zoho.fault = {
			status: 429,
			body: {
				code: 45,
				message:
					'You have reached the maximum number of API calls allowed per day for your organization.',
			},
		};
		const quotaHit = bulkRun(zoho, 30, stop.signal);
		expect(await advanceUntil(quotaHit, MINUTE)).toBe(true);
		zoho.fault = undefined;
		// The quota is asked again after 5 minutes; another run then queues behind the window.
		await jest.advanceTimersByTimeAsync(5 * MINUTE);
		const other = bulkRun(zoho, 150);
		await jest.advanceTimersByTimeAsync(2_000);
		stop.abort();
		expect(await advanceUntil(other, 5 * MINUTE)).toBe(true);
		expect((await other).filter((result) => result.error)).toHaveLength(0);
	});
});
