import { ClockedZoho, advanceUntil, outcomes } from '../../../helpers/clockedZoho';

type RateLimitsModule = typeof import('../../../../nodes/ZohoInvoice/shared/rateLimits');

/**
 * Each n8n process has its own governors; here each "process" is its own
 * copy of the module, loaded apart, against one Zoho organization. Zoho's
 * real numbers on jest's clock: 60 s window, 100 calls, 10 at a time,
 * 300 ms a call.
 */
function process(): RateLimitsModule {
	let loaded: RateLimitsModule | undefined;
	jest.isolateModules(() => {
		loaded = jest.requireActual<RateLimitsModule>(
			'../../../../nodes/ZohoInvoice/shared/rateLimits',
		);
	});
	loaded!.configureRateLimits();
	return loaded!;
}

const ORGANIZATION = 'https://www.zohoapis.com/invoice/v3\n10234695';
const MINUTE = 60_000;
const LATENCY_MS = 300;

/**
 * The true floor of N calls at 100 per rolling minute: 100 may start at once,
 * the next 100 a minute later, so 240 calls can all be answered just over two
 * minutes after the first was sent.
 */
function trueFloorMs(calls: number): number {
	return (Math.ceil(calls / 100) - 1) * MINUTE + LATENCY_MS;
}

/** What an execution of the queue-mode workflow sends: a listing, then a Get for each of 5 users. */
async function execution(limits: RateLimitsModule, zoho: ClockedZoho): Promise<void> {
	const options = { organization: ORGANIZATION, simultaneousCalls: 10, waitOut: true };
	await limits.withinRateLimits({ ...options, run: {} }, zoho.send);
	const gets = {};
	await Promise.all(
		Array.from({ length: 5 }, () => limits.withinRateLimits({ ...options, run: gets }, zoho.send)),
	);
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Several n8n processes sharing one organization', () => {
	test('two processes, 20 executions each (240 calls): few refusals, every call answered, within 1.2× the true floor', async () => {
		const zoho = new ClockedZoho();
		const [first, second] = [process(), process()];
		const started = Date.now();
		const done = outcomes([
			...Array.from({ length: 20 }, () => execution(first, zoho)),
			...Array.from({ length: 20 }, () => execution(second, zoho)),
		]);
		expect(await advanceUntil(done, 10 * MINUTE)).toBe(true);
		const results = await done;
		expect(results.filter((result) => result.error)).toHaveLength(0);
		expect(zoho.calls.length - zoho.refused()).toBe(240);
		console.log(
			`two processes: ${zoho.refused()} refused of ${zoho.calls.length} sent, done after ${Math.max(...results.map((result) => result.at)) - started} ms (true floor ${trueFloorMs(240)} ms)`,
		);
		expect(zoho.refused()).toBeLessThanOrEqual(0.2 * 240);
		const elapsed = Math.max(...results.map((result) => result.at)) - started;
		expect(elapsed).toBeLessThanOrEqual(1.2 * trueFloorMs(240));
	});

	test('two processes each with a 500-item run: they converge on sharing the minute, few refusals', async () => {
		const zoho = new ClockedZoho();
		const [first, second] = [process(), process()];
		const options = { organization: ORGANIZATION, simultaneousCalls: 10, waitOut: true };
		const started = Date.now();
		const runOf = (limits: RateLimitsModule) => {
			const run = {};
			return Array.from({ length: 500 }, () =>
				limits.withinRateLimits({ ...options, run }, zoho.send),
			);
		};
		const done = outcomes([...runOf(first), ...runOf(second)]);
		expect(await advanceUntil(done, 30 * MINUTE)).toBe(true);
		const results = await done;
		expect(results.filter((result) => result.error)).toHaveLength(0);
		const elapsed = Math.max(...results.map((result) => result.at)) - started;
		console.log(
			`two 500-item runs: ${zoho.refused()} refused of ${zoho.calls.length} sent, done after ${elapsed} ms (true floor ${trueFloorMs(1_000)} ms)`,
		);
		expect(zoho.refused()).toBeLessThanOrEqual(0.1 * 1_000);
		expect(elapsed).toBeLessThanOrEqual(1.2 * trueFloorMs(1_000));
	});

	test('one process alone: the same 240 calls without a single refusal, within 1.1× the true floor', async () => {
		const zoho = new ClockedZoho();
		const only = process();
		const started = Date.now();
		const done = outcomes(Array.from({ length: 40 }, () => execution(only, zoho)));
		expect(await advanceUntil(done, 10 * MINUTE)).toBe(true);
		const results = await done;
		expect(results.filter((result) => result.error)).toHaveLength(0);
		expect(zoho.refused()).toBe(0);
		const elapsed = Math.max(...results.map((result) => result.at)) - started;
		expect(elapsed).toBeLessThanOrEqual(1.1 * trueFloorMs(240));
	});
});
