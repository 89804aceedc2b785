import { createRunExecutionData } from 'n8n-workflow';

import { configureRateLimits } from '../../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode } from '../../../../helpers/engine';
import { useSandbox } from '../../../../helpers/sandbox';

const WINDOW_MS = 100;
const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });
const listings = (requests: Array<{ method: string; path: string }>) =>
	requests.filter((request) => request.method === 'GET' && request.path === '/invoice/v3/users');

beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
afterAll(() => configureRateLimits());

describe('One user directory per run of the node', () => {
	const fixture = useSandbox({ users: 1_000, limits: { windowMs: WINDOW_MS } });

	test('1,000 items naming 1,000 addresses over 1,000 users: 5 listing requests for the run', async () => {
		const { sandbox, credentials } = fixture;
		const items = Array.from({ length: 1_000 }, (_, index) => ({
			email: index === 0 ? 'david@zylker.org' : `user${index}@zylker.org`,
		}));
		const output = await runNode({
			credentials,
			items,
			parameters: { resource: 'user', operation: 'get', userId: byEmail('={{ $json.email }}') },
		});
		expect(
			output.map((item) => (item.json.email_ids as Array<{ email: string }>)[0].email),
		).toEqual(items.map((item) => item.email));
		expect(listings(sandbox.apiRequests())).toHaveLength(5);
		expect(sandbox.apiRequests()).toHaveLength(5 + 1_000);
	}, 60_000);

	test('the same run twice lists twice: one listing per run, never reused by the next', async () => {
		const { sandbox, credentials } = fixture;
		const parameters = {
			resource: 'user',
			operation: 'get',
			userId: byEmail('={{ $json.email }}'),
		};
		const items = [{ email: 'user1@zylker.org' }, { email: 'user2@zylker.org' }];
		await runNode({ credentials, items, parameters });
		await runNode({ credentials, items, parameters });
		expect(listings(sandbox.apiRequests())).toHaveLength(10);
	});
});

describe('A loop that changes a user between passes', () => {
	const fixture = useSandbox({ users: 5 });

	test.each(['markInactive', 'delete'])(
		'%s By Email acts on whoever has the address on the second pass, not on who had it on the first',
		async (operation) => {
			const { sandbox, credentials } = fixture;
			const execution = createRunExecutionData();
			const parameters = { resource: 'user', operation, userId: byEmail('={{ $json.email }}') };
			const first = await runNode({
				credentials,
				execution,
				items: [{ email: 'user1@zylker.org' }],
				parameters,
			});
			expect(first[0].json.user_id).toBe('982000000554042');

			// Between the passes, another node gives A a new address and creates B with A's old one.
			sandbox.users.change('982000000554042', { email: 'user1.old@zylker.org', status: 'active' });
			const b = sandbox.addUser({ name: 'B', email: 'user1@zylker.org' });
			sandbox.clearLog();

			const second = await runNode({
				credentials,
				execution,
				items: [{ email: 'user1@zylker.org' }],
				parameters,
			});
			expect(second[0].json.user_id).toBe(b.user_id);
			const acted = sandbox.apiRequests().filter((request) => request.method !== 'GET');
			expect(acted.map((request) => request.path)).toEqual([
				`/invoice/v3/users/${b.user_id}${operation === 'markInactive' ? '/inactive' : ''}`,
			]);
			expect(sandbox.listUsers().find((user) => user.user_id === '982000000554042')?.status).toBe(
				'active',
			);
		},
	);
});

describe('Update By Email', () => {
	const fixture = useSandbox({ users: 5 });

	test("fills in name and email from the run's listing: no GET of the user", async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: byEmail('user2@zylker.org'),
				updateFields: { userRole: 'admin' },
			},
		});
		expect(output[0].json).toEqual({
			message: 'The user information has been updated.',
			user_id: '982000000554043',
		});
		expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /invoice/v3/users',
			'PUT /invoice/v3/users/982000000554043',
		]);
		expect(sandbox.apiRequests()[1].json).toEqual({
			name: 'User 00002',
			email: 'user2@zylker.org',
			user_role: 'admin',
		});
	});
});
