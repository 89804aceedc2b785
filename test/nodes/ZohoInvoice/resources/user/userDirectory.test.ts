import { createRunExecutionData } from 'n8n-workflow';

import { configureRateLimits } from '../../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode } from '../../../../../harness/engine';
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

/**
 * The organization's users by email address (resources/user/userDirectory.ts): what Zoho
 * listed is checked before anything acts on it, and an address matches as Zoho compares
 * them, whole and in any case.
 */

type NodeError = Error & { description?: string };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	);
}

const listAnswer = (users: object[]) =>
	JSON.stringify({
		code: 0,
		message: 'success',
		users,
		page_context: { page: 1, per_page: 200, has_more_page: false },
	});

describe('What Zoho listed is checked before a user is acted on by email', () => {
	const fixture = useSandbox({ users: 5 });

	test('an entry without user_id: an error quoting it, and no DELETE /users/undefined', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 200,
			body: listAnswer([
				{ user_id: '982000000554041', name: 'David', email: 'david@zylker.org' },
				{ name: 'Ghost', email: 'ghost@zylker.org' },
			]),
		});
		const error = await failure(
			runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail('ghost@zylker.org') },
			}),
		);
		expect(error.message).toBe('Zoho listed a user without a usable user_id');
		expect(error.description).toContain('"name":"Ghost"');
		expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /invoice/v3/users',
		]);
	});

	test.each([
		['a path', '../organizations'],
		['a rounded number', 9007199254740996],
		['empty', ''],
	])('an entry whose user_id is %s: the same error, nothing acted on', async (_label, userId) => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 200,
			body: listAnswer([{ user_id: userId, name: 'Odd', email: 'odd@zylker.org' }]),
		});
		const error = await failure(
			runNode({
				credentials,
				parameters: {
					resource: 'user',
					operation: 'markInactive',
					userId: byEmail('odd@zylker.org'),
				},
			}),
		);
		expect(error.message).toBe('Zoho listed a user without a usable user_id');
		expect(sandbox.apiRequests()).toHaveLength(1);
	});

	test.each([
		['a number', 42],
		['an object', { address: 'x@zylker.org' }],
		['null', null],
	])(
		'an entry whose email is %s is nobody to match, not a TypeError: the others are still found',
		async (_label, email) => {
			const { sandbox, credentials } = fixture;
			sandbox.injectFault({
				status: 200,
				body: listAnswer([
					{ user_id: '982000000554050', name: 'Odd', email },
					{ user_id: '982000000554042', name: 'User 1', email: 'user1@zylker.org' },
				]),
			});
			const [output] = await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail('user1@zylker.org') },
			});
			expect(output.json.user_id).toBe('982000000554042');
			expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
				'DELETE /invoice/v3/users/982000000554042',
			]);
		},
	);
});

describe('Email matching: whole address, any case, nothing else', () => {
	const fixture = useSandbox({ users: 1 });

	let ids: Record<string, string>;
	beforeEach(() => {
		const { sandbox } = fixture;
		const add = (name: string, email: string, status: 'active' | 'deleted' = 'active') =>
			sandbox.addUser({ name, email, status }).user_id;
		ids = {
			ann: add('Ann', 'Ann.Lee@Example.com'),
			annPlus: add('Ann HR', 'ann.lee+hr@example.com'),
			joann: add('Jo Ann', 'joann.lee@example.com'),
			annOtherDomain: add('Ann Co', 'ann.lee@example.co'),
			dup1: add('Dup One', 'dup@example.com'),
			dup2: add('Dup Two', 'DUP@example.com'),
			gone: add('Gone', 'ann.lee@example.com', 'deleted'),
		};
		sandbox.clearLog();
	});

	async function resolved(email: string): Promise<string> {
		const { credentials } = fixture;
		const [output] = await runNode({
			credentials,
			parameters: { resource: 'user', operation: 'get', userId: byEmail(email) },
		});
		return String(output.json.user_id);
	}

	test.each([
		['the same address in another case', 'ann.lee@example.com', 'ann'],
		['all capitals', 'ANN.LEE@EXAMPLE.COM', 'ann'],
		['spaces around it', '  Ann.Lee@Example.com ', 'ann'],
		['a plus-address, which is another address', 'Ann.Lee+HR@example.com', 'annPlus'],
		['an address that ends like another', 'joann.lee@example.com', 'joann'],
		['the same name at another domain', 'ann.lee@example.co', 'annOtherDomain'],
	])('%s: %s finds exactly that user', async (_label, email, who) => {
		expect(await resolved(email)).toBe(ids[who]);
	});

	test.each([
		['a substring of an address', 'nn.lee@example.com'],
		['an address with a longer domain', 'ann.lee@example.com.au'],
		['a plus-address nobody has', 'ann.lee+it@example.com'],
	])('%s (%s) finds nobody, and nothing is acted on', async (_label, email) => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail(email) },
			}),
		);
		expect(error.message).toBe(`No user in this organization has the email address ${email}`);
		expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
	});

	test('two users with the address (in any case) is an error naming both, and nothing is acted on', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail('Dup@Example.com') },
			}),
		);
		expect(error.message).toBe(
			'2 users in this organization have the email address Dup@Example.com',
		);
		expect(error.description).toBe(`Pick the user By ID instead: ${ids.dup1}, ${ids.dup2}.`);
		expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
	});
});
