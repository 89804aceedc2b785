import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { PollingTrigger } from '../../../../harness/poll';
import { ALL_EVENTS } from '../../../helpers/events';
import { useSandbox } from '../../../helpers/sandbox';

/**
 * n8n 1.x fires a polling trigger on its schedule whether or not the last
 * poll has finished (a large organization within Zoho's 100 calls a minute
 * can take longer than the one-minute interval), and both polls read the
 * same static data: each would report the same change.
 */

const idOf = (index: number) => String(982000000554041n + BigInt(index));

beforeEach(() => configureRateLimits({ windowMs: 100 }));
afterAll(() => configureRateLimits());

describe('A poll that starts while the last one is still running', () => {
	const fixture = useSandbox({ users: 6, latencyMs: 20 });

	test('reports nothing and sends nothing: each change is reported once', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const joiner = sandbox.addUser({ name: 'Grace Hopper', email: 'grace@example.com' });
		sandbox.users.purge(idOf(5));
		sandbox.clearLog();
		const [first, second] = await Promise.all([trigger.events(), trigger.events()]);
		expect(
			[...first, ...second].map((event) => [
				event.event,
				(event.user as { user_id: string }).user_id,
			]),
		).toEqual([
			['userAdded', joiner.user_id],
			['userDeleted', idOf(5)],
		]);
		expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /invoice/v3/users',
			`GET /invoice/v3/users/${idOf(5)}`,
		]);
		// The next poll runs as usual, with nothing left to report.
		expect(await trigger.events()).toEqual([]);
	});
});
