import {
	configureRateLimits,
	withinRateLimits,
} from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { ClockedZoho, advanceUntil, outcomes } from '../../../helpers/clockedZoho';

/**
 * At Zoho's real numbers on jest's clock: a rolling minute of 100 calls, 10
 * at a time, 300 ms a call. The floor of a bulk run is the least time its
 * calls take at 100 a minute: 1,000 calls, 10 minutes.
 */
const ORGANIZATION = 'https://www.zohoapis.com/invoice/v3\n10234695';
const MINUTE = 60_000;
const BULK = 1_000;
const BULK_FLOOR_MS = (BULK / 100) * MINUTE;

function call(zoho: ClockedZoho, run: object, signal?: AbortSignal) {
	return withinRateLimits(
		{ organization: ORGANIZATION, simultaneousCalls: 10, waitOut: true, run, signal },
		zoho.send,
	);
}

/** One run of `count` calls, as n8n starts a node's items: all at once. */
function bulkRun(zoho: ClockedZoho, count = BULK) {
	const run = {};
	const started = Date.now();
	const done = outcomes(Array.from({ length: count }, () => call(zoho, run)));
	return { done, started };
}

/** Another run's single call (an editor click, the User list, Get Current User, a poll): its wait until answered. */
async function singleCallWait(zoho: ClockedZoho): Promise<number> {
	const started = Date.now();
	await call(zoho, {});
	return Date.now() - started;
}

beforeEach(() => {
	jest.useFakeTimers();
	configureRateLimits();
});
afterEach(() => {
	configureRateLimits();
	jest.useRealTimers();
});

describe("Fair between runs, at Zoho's real numbers (60 s window, 100 calls, 10 at a time, 300 ms a call)", () => {
	test.each([1_000, 20_000, 59_500, 61_000, 250_000, 545_000])(
		'a single call started %p ms into a 1,000-item run is answered within 2 s; the run still finishes within 1.1× its floor',
		async (startAfterMs) => {
			const zoho = new ClockedZoho();
			const bulk = bulkRun(zoho);
			await jest.advanceTimersByTimeAsync(startAfterMs);
			const single = singleCallWait(zoho);
			expect(await advanceUntil(single, 10 * MINUTE)).toBe(true);
			expect(await single).toBeLessThanOrEqual(2_000);
			expect(await advanceUntil(bulk.done, 20 * MINUTE)).toBe(true);
			const results = await bulk.done;
			expect(results.filter((result) => result.error)).toHaveLength(0);
			const elapsed = Math.max(...results.map((result) => result.at)) - bulk.started;
			expect(elapsed).toBeLessThanOrEqual(1.1 * BULK_FLOOR_MS);
			expect(zoho.refused()).toBe(0);
			expect(zoho.keeper.stats.peakSimultaneous).toBeLessThanOrEqual(10);
		},
	);

	test('an editor click every 15 s for the whole of a 1,000-item run: each answered within 2 s', async () => {
		const zoho = new ClockedZoho();
		const bulk = bulkRun(zoho);
		const waits: Array<Promise<number>> = [];
		let finished = false;
		void bulk.done.then(() => (finished = true));
		while (!finished && Date.now() - bulk.started < 20 * MINUTE) {
			await jest.advanceTimersByTimeAsync(15_000);
			waits.push(singleCallWait(zoho));
		}
		const all = Promise.all(waits);
		expect(await advanceUntil(all, MINUTE)).toBe(true);
		expect(waits.length).toBeGreaterThanOrEqual(35);
		expect(Math.max(...(await all))).toBeLessThanOrEqual(2_000);
		const results = await bulk.done;
		const elapsed = Math.max(...results.map((result) => result.at)) - bulk.started;
		expect(elapsed).toBeLessThanOrEqual(1.1 * BULK_FLOOR_MS);
		expect(zoho.refused()).toBe(0);
	});

	test('a run sending one call at a time (n8n preparing items more slowly than Zoho answers) does not eat the reserve kept for single calls', async () => {
		const zoho = new ClockedZoho();
		const bulk = bulkRun(zoho);
		const oneAtATime = {};
		let stop = false;
		const trickling = (async () => {
			while (!stop) await call(zoho, oneAtATime);
		})();
		await jest.advanceTimersByTimeAsync(30_000);
		const single = singleCallWait(zoho);
		expect(await advanceUntil(single, 5 * MINUTE)).toBe(true);
		expect(await single).toBeLessThanOrEqual(2_000);
		stop = true;
		expect(await advanceUntil(Promise.all([bulk.done, trickling]), 20 * MINUTE)).toBe(true);
	});

	test('a listing of 95 pages alone (a poll of 19,000 users), one page after another, is not held back by the reserve; a single call beside it is still answered at once', async () => {
		const zoho = new ClockedZoho();
		const listing = {};
		const started = Date.now();
		const pages = (async () => {
			for (let page = 0; page < 95; page++) await call(zoho, listing);
		})();
		await jest.advanceTimersByTimeAsync(25_000);
		const single = singleCallWait(zoho);
		expect(await advanceUntil(Promise.all([pages, single]), 5 * MINUTE)).toBe(true);
		expect(await single).toBeLessThanOrEqual(2_000);
		// 96 calls in Zoho's 100 a minute: the pages of 300 ms each, one after another, and the single call.
		expect(Date.now() - started).toBeLessThanOrEqual(95 * 300 + 1_000);
		expect(zoho.refused()).toBe(0);
	});

	test('two bulk runs at once share the organization turn by turn: both finish in about the time of their calls together', async () => {
		const zoho = new ClockedZoho();
		const first = bulkRun(zoho, 300);
		const second = bulkRun(zoho, 300);
		const both = Promise.all([first.done, second.done]);
		expect(await advanceUntil(both, 20 * MINUTE)).toBe(true);
		const [a, b] = await both;
		const endOf = (results: typeof a) => Math.max(...results.map((result) => result.at));
		// 600 calls take 6 windows; round-robin ends both near the end, not one after the other.
		const floor = (600 / 100) * MINUTE;
		expect(endOf(a) - first.started).toBeGreaterThan(0.8 * floor);
		expect(endOf(b) - second.started).toBeGreaterThan(0.8 * floor);
		expect(Math.max(endOf(a), endOf(b)) - first.started).toBeLessThanOrEqual(1.1 * floor);
		expect(zoho.refused()).toBe(0);
	});
});
