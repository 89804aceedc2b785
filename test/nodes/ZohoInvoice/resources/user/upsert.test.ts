import { configureRateLimits } from '../../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

const WINDOW_MS = 100;
const upsert = (extra: Record<string, unknown> = {}) => ({
	resource: 'user',
	operation: 'upsert',
	email: '={{ $json.email }}',
	name: '={{ $json.name }}',
	additionalFields: { userRole: '={{ $json.role }}' },
	...extra,
});

beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
afterAll(() => configureRateLimits());

describe('User → Create or Update', () => {
	const fixture = useSandbox({ users: 5 });

	test.each(AUTHENTICATIONS)(
		'creates a user nobody has the address of (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				authentication,
				items: [{ email: 'grace@example.com', name: 'Grace Hopper', role: 'admin' }],
				parameters: upsert(),
			});
			expect(output).toEqual([
				{
					json: {
						action: 'created',
						email: 'grace@example.com',
						message: 'Your invitation has been sent.',
					},
					pairedItem: { item: 0 },
				},
			]);
			const [listing, create] = sandbox.apiRequests();
			expect(onTheWire(listing)).toMatchObject({ method: 'GET', path: '/invoice/v3/users' });
			expect(onTheWire(create)).toEqual({
				method: 'POST',
				path: '/invoice/v3/users',
				query: {},
				body: { name: 'Grace Hopper', email: 'grace@example.com', user_role: 'admin' },
				authorization: expectedAuthorization(credentials, authentication),
				organization: sandbox.organizationId,
			});
		},
	);

	test('sends nothing when name and role already match', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{ email: 'USER1@zylker.org', name: 'User 00001', role: 'staff' }],
			parameters: upsert(),
		});
		expect(output[0].json).toEqual({
			action: 'unchanged',
			email: 'USER1@zylker.org',
			user_id: '982000000554042',
		});
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
	});

	test.each([
		['Admin', 'user3@zylker.org', 'User 00003'],
		['STAFF', 'user1@zylker.org', 'User 00001'],
		['TimeSheetStaff', 'user2@zylker.org', 'User 00002'],
	])(
		'role %s for a user Zoho lists in lower case is the same role: nothing is sent',
		async (role, email, name) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				items: [{ email, name, role }],
				parameters: upsert(),
			});
			expect(output[0].json.action).toBe('unchanged');
			expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
		},
	);

	test.each([
		['é as e and a combining accent', 'jos\u00e9@zylker.org', 'jose\u0301@zylker.org'],
		['a domain in Unicode, Zoho holding it in ASCII', 'anna@xn--mnchen-3ya.de', 'anna@münchen.de'],
		['full-width letters', 'kim@zylker.org', '\uff4b\uff49\uff4d@zylker.org'],
	])(
		'an address written another way in Unicode (%s) is the user Zoho has: nothing is sent',
		async (_case, held, given) => {
			const { sandbox, credentials } = fixture;
			const user = sandbox.addUser({ name: 'Same Person', email: held, status: 'active' });
			const output = await runNode({
				credentials,
				items: [{ email: given, name: 'Same Person' }],
				parameters: upsert({ additionalFields: {} }),
			});
			expect(output[0].json).toEqual({ action: 'unchanged', email: given, user_id: user.user_id });
			expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
		},
	);

	test('without a role, only the name is compared', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'upsert',
				email: 'user1@zylker.org',
				name: 'User 00001',
			},
		});
		expect(output[0].json.action).toBe('unchanged');
		expect(sandbox.apiRequests()).toHaveLength(1);
	});

	test('updates only what differs, filled in from the listing, and says what changed', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{ email: 'user1@zylker.org', name: 'User One', role: 'admin' }],
			parameters: upsert(),
		});
		expect(output[0].json).toEqual({
			action: 'updated',
			email: 'user1@zylker.org',
			user_id: '982000000554042',
			changes: {
				name: { from: 'User 00001', to: 'User One' },
				user_role: { from: 'staff', to: 'admin' },
			},
			message: 'The user information has been updated.',
		});
		const [, update] = sandbox.apiRequests();
		expect(onTheWire(update)).toMatchObject({
			method: 'PUT',
			path: '/invoice/v3/users/982000000554042',
			body: { name: 'User One', email: 'user1@zylker.org', user_role: 'admin' },
		});
		expect(sandbox.apiRequests()).toHaveLength(2);
	});

	test('Reactivate If Inactive marks an inactive user active; off (the default) leaves them be', async () => {
		const { sandbox, credentials } = fixture;
		// user2 is inactive in the sandbox's seed.
		const person = { email: 'user2@zylker.org', name: 'User 00002', role: 'timesheetstaff' };
		const left = await runNode({ credentials, items: [person], parameters: upsert() });
		expect(left[0].json.action).toBe('unchanged');
		const reactivated = await runNode({
			credentials,
			items: [person],
			parameters: upsert({ options: { reactivateIfInactive: true } }),
		});
		expect(reactivated[0].json).toMatchObject({
			action: 'updated',
			user_id: '982000000554043',
			changes: { status: { from: 'inactive', to: 'active' } },
		});
		expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /invoice/v3/users',
			'GET /invoice/v3/users',
			'POST /invoice/v3/users/982000000554043/active',
		]);
	});

	test('an address two users have is an error naming both, and nothing is changed', async () => {
		const { sandbox, credentials } = fixture;
		const twin = sandbox.addUser({ name: 'Twin', email: 'user1@zylker.org' });
		const error = (await runNode({
			credentials,
			items: [{ email: 'user1@zylker.org', name: 'Someone', role: 'staff' }],
			parameters: upsert(),
		}).catch((caught) => caught)) as Error & { description: string };
		expect(error.message).toBe(
			'2 users in this organization have the email address user1@zylker.org',
		);
		expect(error.description).toContain('982000000554042');
		expect(error.description).toContain(twin.user_id);
		expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
	});

	test('a deleted user with the address does not count: the person is created again', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.users.change('982000000554042', { status: 'deleted' });
		const output = await runNode({
			credentials,
			items: [{ email: 'user1@zylker.org', name: 'User 00001', role: 'staff' }],
			parameters: upsert(),
		});
		expect(output[0].json.action).toBe('created');
	});

	test('bad input is refused before anything is sent; Continue On Fail keeps the other items', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [
				{ email: 'not an address', name: 'X', role: 'staff' },
				{ email: 'user1@zylker.org', name: 'User 00001', role: 'staff' },
			],
			parameters: upsert(),
		});
		expect(output[0].error?.message).toMatch(/^Email: /);
		expect(output[1].json.action).toBe('unchanged');
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
	});
});

describe('Create or Update as a nightly sync', () => {
	const fixture = useSandbox({ users: 995, limits: { windowMs: WINDOW_MS } });

	test('1,000 people, 10 changed and 5 new: 5 listings, 10 updates, 5 creates and nothing else', async () => {
		const { sandbox, credentials } = fixture;
		const people = sandbox
			.listUsers()
			.map((user) => ({ email: user.email, name: user.name, role: user.user_role }));
		for (const person of people.slice(100, 110)) person.name = `${person.name} (renamed)`;
		for (let index = 0; index < 5; index++) {
			people.push({ email: `new${index}@example.com`, name: `New ${index}`, role: 'staff' });
		}
		const output = await runNode({ credentials, items: people, parameters: upsert() });
		const count = (action: string) => output.filter((item) => item.json.action === action).length;
		expect([count('unchanged'), count('updated'), count('created')]).toEqual([985, 10, 5]);
		const requests = sandbox.apiRequests().map((request) => request.method);
		expect(requests.filter((method) => method === 'GET')).toHaveLength(5);
		expect(requests.filter((method) => method === 'PUT')).toHaveLength(10);
		expect(requests.filter((method) => method === 'POST')).toHaveLength(5);
		expect(requests).toHaveLength(20);
	}, 60_000);
});

describe('Create or Update with awkward input', () => {
	const fixture = useSandbox({ users: 5 });

	test('the same new address twice in one run (any case): one create, and the repeat is named, not sent', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [
				{ email: 'grace@example.com', name: 'Grace Hopper', role: 'staff' },
				{ email: 'Grace@Example.com', name: 'Grace Hopper', role: 'staff' },
			],
			parameters: upsert(),
		});
		expect(output[0].json.action).toBe('created');
		expect(output[1].error?.message).toBe(
			"Email: Grace@Example.com appears more than once in this run's items",
		);
		expect(sandbox.apiRequests().filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	test('an address with spaces around it is trimmed, as By Email reads it', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{ email: '  user1@zylker.org ', name: 'User 00001', role: 'staff' }],
			parameters: upsert(),
		});
		expect(output[0].json).toEqual({
			action: 'unchanged',
			email: 'user1@zylker.org',
			user_id: '982000000554042',
		});
		expect(sandbox.apiRequests()).toHaveLength(1);
	});

	test('a listed user without a name changes from null, not from nothing', async () => {
		const { sandbox, credentials } = fixture;
		const users = sandbox
			.listUsers()
			.map((user) => (user.user_id === '982000000554042' ? { ...user, name: undefined } : user));
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({
				code: 0,
				message: 'success',
				users,
				page_context: { page: 1, has_more_page: false },
			}),
		});
		const output = await runNode({
			credentials,
			items: [{ email: 'user1@zylker.org', name: 'User One', role: 'staff' }],
			parameters: upsert(),
		});
		expect(output[0].json.changes).toEqual({ name: { from: null, to: 'User One' } });
	});
});
