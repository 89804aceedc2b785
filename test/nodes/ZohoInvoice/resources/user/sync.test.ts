import { createRunExecutionData } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { configureRateLimits } from '../../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode, runWorkflow } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { changesSent, jsonOf, line } from '../../../../helpers/syncRun';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';
import type { ReceivedRequest, ZohoSandbox } from '../../../../../sandbox/server';

/**
 * Sync: the input items are the whole list of people who should have access.
 * The sandbox's seed users: 0 is the credential's own user (David Sujin, admin, active); then
 * user N is "User 0000N", userN@zylker.org, status active, active, inactive, invited in turn
 * (1 active, 2 inactive, 3 invited, 4 active, 5 active), role staff, timesheetstaff, admin in turn.
 */

const sync = (extra: Record<string, unknown> = {}) => ({
	resource: 'user',
	operation: 'sync',
	email: '={{ $json.email }}',
	name: '={{ $json.name }}',
	additionalFields: { userRole: '={{ $json.role }}' },
	...extra,
});

type Person = { email: string; name: string; role?: string };

/** Seed user N as an input row that matches Zoho exactly. */
const asListed = (index: number): Person =>
	index === 0
		? { email: 'david@zylker.org', name: 'David Sujin', role: 'admin' }
		: {
				email: `user${index}@zylker.org`,
				name: `User ${String(index).padStart(5, '0')}`,
				role: ['admin', 'staff', 'timesheetstaff'][index % 3],
			};

/** The removal items (they name the user's status in Zoho; a person's item does not). */
const removalsOf = (output: INodeExecutionData[]) =>
	jsonOf(output).filter((json) => json.status !== undefined);

/** On Error → Continue: n8n's error items, in item order. */
const errorsOf = (output: INodeExecutionData[]) =>
	output.filter((item) => item.error).map((item) => item.error?.message);

/** An email that only a broken row's expression fails on: it names a node that did not run. */
const FAILS_ON_BROKEN_ROWS = "={{ $json.broken ? $('HR List').item.json.email : $json.email }}";

async function failure(promise: Promise<unknown>): Promise<Error & { description?: string }> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: Error) => error,
	);
}

beforeEach(() => configureRateLimits({ windowMs: 100 }));
afterAll(() => configureRateLimits());

describe('User → Sync', () => {
	const fixture = useSandbox({ users: 6 });

	test.each(AUTHENTICATIONS)(
		"joiners created, movers updated, the inactive reactivated, the invited left invited, leavers marked inactive; the credential's own user kept (%s)",
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const items = [
				asListed(0),
				{ ...asListed(1), name: 'User One Renamed' },
				asListed(2), // inactive: reactivated
				asListed(3), // invited: left invited
				{ email: 'grace@example.com', name: 'Grace Hopper', role: 'staff' },
			];
			const output = await runNode({ credentials, authentication, items, parameters: sync() });
			expect(output).toEqual([
				{
					json: { action: 'unchanged', email: 'david@zylker.org', user_id: '982000000554041' },
					pairedItem: { item: 0 },
				},
				{
					json: {
						action: 'updated',
						email: 'user1@zylker.org',
						user_id: '982000000554042',
						changes: { name: { from: 'User 00001', to: 'User One Renamed' } },
						message: 'The user information has been updated.',
					},
					pairedItem: { item: 1 },
				},
				{
					json: {
						action: 'reactivated',
						email: 'user2@zylker.org',
						user_id: '982000000554043',
						changes: { status: { from: 'inactive', to: 'active' } },
						message: 'The user has been marked as active.',
					},
					pairedItem: { item: 2 },
				},
				{
					json: { action: 'unchanged', email: 'user3@zylker.org', user_id: '982000000554044' },
					pairedItem: { item: 3 },
				},
				{
					json: {
						action: 'created',
						email: 'grace@example.com',
						message: 'Your invitation has been sent.',
					},
					pairedItem: { item: 4 },
				},
				// The removals come last, paired with the last input item.
				...[4, 5].map((index) => ({
					json: {
						action: 'deactivated',
						email: `user${index}@zylker.org`,
						user_id: String(982000000554041 + index),
						name: `User 0000${index}`,
						status: 'active',
						message: 'The user has been marked as inactive.',
					},
					pairedItem: { item: 4 },
				})),
			]);
			const sent = sandbox.apiRequests();
			expect(sent.map(line).sort()).toEqual(
				[
					'GET /users',
					'POST /users',
					'POST /users/982000000554043/active',
					'POST /users/982000000554045/inactive',
					'POST /users/982000000554046/inactive',
					'PUT /users/982000000554042',
				].sort(),
			);
			const put = sent.find((request) => request.method === 'PUT')!;
			expect(onTheWire(put)).toEqual({
				method: 'PUT',
				path: '/invoice/v3/users/982000000554042',
				query: {},
				body: { name: 'User One Renamed', email: 'user1@zylker.org', user_role: 'staff' },
				authorization: expectedAuthorization(credentials, authentication),
				organization: sandbox.organizationId,
			});
			// Removals only after every create and update had been answered.
			const lastChange = Math.max(
				...sent
					.filter((request) => !request.path.endsWith('/inactive'))
					.map((request) => request.answeredAt ?? Infinity),
			);
			const firstRemoval = Math.min(
				...sent.filter((request) => request.path.endsWith('/inactive')).map((r) => r.receivedAt),
			);
			expect(firstRemoval).toBeGreaterThanOrEqual(lastChange);
		},
	);

	test('a dry run sends only the listing and outputs the same plan, marked dryRun', async () => {
		const { sandbox, credentials } = fixture;
		const items = [asListed(0), { ...asListed(1), role: 'admin' }, asListed(2), asListed(3)];
		const dry = await runNode({
			credentials,
			items,
			parameters: sync({ options: { dryRun: true } }),
		});
		expect(sandbox.apiRequests().map(line)).toEqual(['GET /users']);
		expect(dry.every((item) => item.json.dryRun === true)).toBe(true);
		sandbox.clearLog();
		const real = await runNode({ credentials, items, parameters: sync() });
		// The plan: everything but Zoho's messages (a dry run has none) and the dryRun mark.
		const plan = (output: INodeExecutionData[]) =>
			output.map(({ json, pairedItem }) => ({
				json: Object.fromEntries(
					Object.entries(json).filter(([key]) => key !== 'dryRun' && key !== 'message'),
				),
				pairedItem,
			}));
		expect(plan(dry)).toEqual(plan(real));
		expect(jsonOf(dry).map((json) => json.action)).toEqual([
			'unchanged',
			'updated',
			'reactivated',
			'unchanged',
			'deactivated',
			'deactivated',
		]);
	});

	test('roles compare as Zoho does, in any case: "Admin" for an admin sends nothing', async () => {
		const { sandbox, credentials } = fixture;
		const items = [0, 1, 2, 3, 4, 5].map(asListed);
		items[3] = { ...items[3], role: 'Admin' };
		const output = await runNode({ credentials, items, parameters: sync() });
		expect(jsonOf(output)[3]).toEqual({
			action: 'unchanged',
			email: 'user3@zylker.org',
			user_id: '982000000554044',
		});
		expect(changesSent(sandbox)).toEqual(['POST /users/982000000554043/active']);
	});

	test('Remove Missing: Delete deletes the leavers', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [0, 1, 2, 3, 4].map(asListed),
			parameters: sync({ removeMissing: 'delete' }),
		});
		expect(jsonOf(output).at(-1)).toMatchObject({
			action: 'deleted',
			user_id: '982000000554046',
			message: 'The user has been removed from your organization.',
		});
		expect(changesSent(sandbox).sort()).toEqual([
			'DELETE /users/982000000554046',
			'POST /users/982000000554043/active',
		]);
	});

	test('Remove Missing: Leave Alone removes nobody, and says so for each', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [asListed(0)],
			parameters: sync({ removeMissing: 'keep' }),
		});
		expect(changesSent(sandbox)).toEqual([]);
		expect(jsonOf(output).slice(1)).toEqual(
			[1, 3, 4, 5].map((index) =>
				expect.objectContaining({
					action: 'kept',
					email: `user${index}@zylker.org`,
					reason: 'Remove Missing is Leave Alone',
				}),
			),
		);
	});

	test("the credential's own user and Keep Emails are never removed, whatever the list says", async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [asListed(1), asListed(4)],
			parameters: sync({ options: { keepEmails: ' USER5@zylker.org , user3@zylker.org' } }),
		});
		const removals = jsonOf(output).slice(2);
		expect(removals).toEqual([
			expect.objectContaining({
				action: 'kept',
				email: 'david@zylker.org',
				reason: 'The user the credential acts as is never removed',
			}),
			expect.objectContaining({
				action: 'kept',
				email: 'user3@zylker.org',
				reason: 'Listed in Keep Emails',
			}),
			expect.objectContaining({
				action: 'kept',
				email: 'user5@zylker.org',
				reason: 'Listed in Keep Emails',
			}),
		]);
		expect(changesSent(sandbox)).toEqual([]);
	});

	test("Zoho refusing one removal: that user's item carries Zoho's answer, the others go on", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 400,
			body: JSON.stringify({ code: 4, message: 'An invited user cannot be marked as inactive.' }),
			match: (request) => request.path.endsWith('/982000000554044/inactive'),
		});
		const output = await runNode({
			credentials,
			items: [0, 1, 2].map(asListed),
			parameters: sync(),
		});
		const byEmail = new Map(jsonOf(output).map((json) => [json.email, json]));
		expect(byEmail.get('user3@zylker.org')).toMatchObject({
			action: 'kept',
			reason: 'Zoho refused to deactivate this user',
			error: { message: 'An invited user cannot be marked as inactive.' },
		});
		expect(byEmail.get('user4@zylker.org')).toMatchObject({ action: 'deactivated' });
		expect(byEmail.get('user5@zylker.org')).toMatchObject({ action: 'deactivated' });
	});

	test('an invalid Keep Emails entry fails the run before anything is sent', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				items: [asListed(0)],
				parameters: sync({ options: { keepEmails: 'it@example.com, accountant' } }),
			}),
		);
		expect(error.message).toBe('Keep Emails: "accountant" is not an email address');
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('a Max Removals that is not a whole number fails the run before anything is sent', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				items: [asListed(0)],
				parameters: sync({ options: { maxRemovals: '={{ "ten" }}' } }),
			}),
		);
		expect(error.message).toBe(
			'Max Removals: expected a whole number of at least 0, got string "ten"',
		);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
});

describe('User → Sync never removes on the strength of an incomplete list', () => {
	const fixture = useSandbox({ users: 30 });

	test('30 users and an input of 3: the run fails before any change, naming how many and who', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				items: [0, 1, { ...asListed(2), name: 'Changed' }].map((entry) =>
					typeof entry === 'number' ? asListed(entry) : entry,
				),
				parameters: sync(),
			}),
		);
		// 27 others, less the inactive ones (already without access): users 3..29 minus 6, 10, …, 26.
		expect(error.message).toBe(
			'Sync would remove 21 users, more than Max Removals (10): user3@zylker.org, user4@zylker.org, user5@zylker.org, user7@zylker.org, user8@zylker.org and 16 more',
		);
		expect(error.description).toMatch(/^Nothing was changed\./);
		expect(sandbox.apiRequests().map(line)).toEqual(['GET /users']);
	});

	test('a dry run over Max Removals still shows the whole plan, each removal saying a real run would stop', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [1, 2].map(asListed),
			parameters: sync({ options: { dryRun: true } }),
		});
		expect(jsonOf(output).every((json) => json.dryRun === true)).toBe(true);
		expect(removalsOf(output)[0]).toMatchObject({ action: 'kept', email: 'david@zylker.org' });
		const removals = removalsOf(output).filter((json) => json.action === 'deactivated');
		expect(removals).toHaveLength(21);
		expect(removals[0].warning).toBe(
			'Sync would remove 21 users, more than Max Removals (10): a real run would change nothing',
		);
		expect(sandbox.apiRequests().map(line)).toEqual(['GET /users']);
	});

	test('Max Removals 0 forbids any removal', async () => {
		const { sandbox, credentials } = fixture;
		const items = Array.from({ length: 30 }, (_, index) => asListed(index)).filter(
			(_, index) => index !== 29,
		);
		const error = await failure(
			runNode({ credentials, items, parameters: sync({ options: { maxRemovals: 0 } }) }),
		);
		expect(error.message).toMatch(
			/^Sync would remove 1 users, more than Max Removals \(0\): user29/,
		);
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('a listing failing on page 2: nothing is sent', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(250);
		sandbox.injectFault({
			status: 500,
			body: JSON.stringify({ code: 1000, message: 'Internal error' }),
			match: (request) => request.query.page === '2',
		});
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [asListed(0), { email: 'new@example.com', name: 'New' }],
			parameters: sync(),
		});
		expect(output.map((item) => item.error?.message)).toEqual(['Internal error', 'Internal error']);
		expect(sandbox.apiRequests().map((request) => request.query.page)).toEqual(['1', '2']);
	});
});

describe('User → Sync decides only from a complete listing of Zoho', () => {
	const fixture = useSandbox({ users: 450 });
	const USERS_PATH = '/invoice/v3/users';
	const onPage = (page: number) => (request: ReceivedRequest) =>
		request.path === USERS_PATH && request.query.page === String(page);
	const removalsSent = (requests: string[]) =>
		requests.filter((request) => request.endsWith('/inactive') || request.startsWith('DELETE'));

	/** Everyone Zoho has as active or invited, as rows that match Zoho exactly. */
	const everyoneWithAccess = (sandbox: ZohoSandbox) =>
		sandbox
			.listUsers()
			.filter((user) => user.status === 'active' || user.status === 'invited')
			.map((user) => ({ email: user.email, name: user.name, role: user.user_role }));

	test('the list shifting between two page requests (a user deleted in Zoho meanwhile) removes nobody', async () => {
		const { sandbox, credentials } = fixture;
		const listed = sandbox.users.list({ page: '2', per_page: '200', filter_by: 'Status.All' })
			.body as { users: Array<{ email: string }> };
		// Deleted between page 1 and page 2: page 2 then starts one user later, and the user who
		// was first on it is listed on neither page.
		const hidden = listed.users[0].email;
		const everyone = everyoneWithAccess(sandbox);
		const [, deleted] = everyone;
		const leaver = everyone.at(-1)!;
		sandbox.injectFault({
			match: onPage(2),
			act: (zoho) => {
				const user = zoho.users.all().find((entry) => entry.email === deleted.email);
				zoho.users.change(user!.user_id, { status: 'deleted' });
			},
		});
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: everyone.filter((person) => person !== leaver),
			parameters: sync(),
		});
		// The hidden user looks like a joiner; Zoho refuses the address it already has, and after a
		// failed create the run removes nobody: not the real leaver, not anyone unlisted.
		const posts = sandbox.apiRequests().filter((request) => request.method === 'POST');
		expect(posts.map((request) => (onTheWire(request).body as { email: string }).email)).toEqual([
			hidden,
		]);
		expect(removalsSent(changesSent(sandbox))).toEqual([]);
		expect(jsonOf(output).filter((json) => json.action === 'deactivated')).toEqual([]);
	});

	test.each([
		[
			'an empty page that says more follow',
			(page: Record<string, unknown>) => ({ ...page, users: [] }),
		],
		[
			'a short page that says more follow',
			(page: Record<string, unknown>) => ({
				...page,
				users: (page.users as unknown[]).slice(0, 150),
				page_context: { page: 2, per_page: 200, has_more_page: true },
			}),
		],
	])('%s on page 2: the run fails, and nothing but the listing is sent', async (_case, reshape) => {
		const { sandbox, credentials } = fixture;
		// The list names only page 1's people: on an incomplete listing, the others would be leavers.
		const items = everyoneWithAccess(sandbox).slice(0, 100);
		const page2 = sandbox.users.list({ page: '2', per_page: '200', filter_by: 'Status.All' })
			.body as Record<string, unknown>;
		sandbox.injectFault({ status: 200, body: JSON.stringify(reshape(page2)), match: onPage(2) });
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items,
			parameters: sync({ options: { maxRemovals: 1_000 } }),
		});
		expect(output.every((item) => item.error !== undefined)).toBe(true);
		expect(output[0].error?.message).toMatch(/page 2/i);
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('a full page without page_context: the next page is asked for and decides; a complete list, nothing sent', async () => {
		const { sandbox, credentials } = fixture;
		const page1 = sandbox.users.list({ page: '1', per_page: '200', filter_by: 'Status.All' })
			.body as Record<string, unknown>;
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({ code: 0, message: 'success', users: page1.users }),
			match: onPage(1),
		});
		const output = await runNode({
			credentials,
			items: everyoneWithAccess(sandbox),
			parameters: sync(),
		});
		expect(sandbox.apiRequests().map((request) => request.query.page)).toEqual(['1', '2', '3']);
		expect(changesSent(sandbox)).toEqual([]);
		expect(new Set(jsonOf(output).map((json) => json.action))).toEqual(new Set(['unchanged']));
	});
});

describe('User → Sync with a refused row', () => {
	const fixture = useSandbox({ users: 6 });
	const items = () => [
		asListed(0),
		{ ...asListed(1), name: 'User One Renamed' },
		{ email: 'not-an-address', name: 'Bad Row' },
		{ email: 'grace@example.com', name: 'Grace Hopper' },
	];

	test('with On Error → Continue: the row is an error item, the valid people are applied, and nobody is removed, saying why', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: items(),
			parameters: sync(),
		});
		expect(output[2].error?.message).toBe('Email: "not-an-address" is not an email address');
		expect(jsonOf(output).map((json) => json.action)).toEqual([
			'unchanged',
			'updated',
			undefined,
			'created',
			'kept',
			'kept',
			'kept',
		]);
		expect(
			jsonOf(output)
				.slice(4)
				.map((json) => json.reason),
		).toEqual(Array(3).fill('Not removed: item 2 of the list was refused'));
		expect(changesSent(sandbox).sort()).toEqual(['POST /users', 'PUT /users/982000000554042']);
	});

	test('without On Error → Continue, a refused row fails the run before any change', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(runNode({ credentials, items: items(), parameters: sync() }));
		expect(error.message).toBe(
			'Sync changed nothing: item 2 of the list was refused: Email: "not-an-address" is not an email address',
		);
		expect(sandbox.apiRequests().map(line)).toEqual(['GET /users']);
	});

	test('an address twice in the list is refused, naming both items; nobody is removed', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [
				asListed(0),
				asListed(1),
				{ ...asListed(1), email: 'USER1@zylker.org', name: 'Other' },
			],
			parameters: sync(),
		});
		expect(errorsOf(output)).toEqual([
			'Email: user1@zylker.org appears in items 1, 2',
			'Email: user1@zylker.org appears in items 1, 2',
		]);
		expect(removalsOf(output).map((json) => json.reason)).toEqual(
			Array(3).fill('Not removed: item 1, 2 of the list was refused'),
		);
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('a row whose expression fails in n8n (On Error → Continue): the others applied, nobody removed', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [asListed(0), { ...asListed(1), name: 'User One Renamed' }, { broken: true }],
			parameters: sync({ email: FAILS_ON_BROKEN_ROWS }),
		});
		expect(errorsOf(output)).toHaveLength(1);
		expect(removalsOf(output).map((json) => json.reason)).toEqual(
			Array(3).fill('Not removed: item 2 of the list could not be read'),
		);
		expect(changesSent(sandbox)).toEqual(['PUT /users/982000000554042']);
	});

	test('a row whose expression fails in n8n, without Continue: the node fails and nothing is sent', async () => {
		const { sandbox, credentials } = fixture;
		await failure(
			runNode({
				credentials,
				items: [asListed(0), { ...asListed(1), name: 'User One Renamed' }, { broken: true }],
				parameters: sync({ email: FAILS_ON_BROKEN_ROWS }),
			}),
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('a create that fails (On Error → Continue): an error item, the others go on, nobody is removed', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 500,
			body: JSON.stringify({ code: 1000, message: 'Internal error' }),
			match: (request) => request.method === 'POST' && request.path.endsWith('/users'),
		});
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [
				asListed(0),
				{ ...asListed(1), name: 'User One Renamed' },
				{ email: 'grace@example.com', name: 'Grace' },
			],
			parameters: sync(),
		});
		expect(errorsOf(output)).toEqual(['Internal error']);
		expect(removalsOf(output).map((json) => json.reason)).toEqual(
			Array(3).fill('Not removed: item 2 of the list failed'),
		);
		expect(changesSent(sandbox).sort()).toEqual(['POST /users', 'PUT /users/982000000554042']);
	});

	test('with Request Options → Batching, Sync refuses before anything is sent', async () => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({
				credentials,
				items: [0, 1, 2, 3].map(asListed),
				parameters: sync({
					requestOptions: { batching: { batch: { batchSize: 2, batchInterval: 10 } } },
				}),
			}),
		);
		expect(error.message).toBe(
			'Sync needs the whole list in one pass: turn off Request Options → Batching',
		);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('in a loop, each pass lists again', async () => {
		const { sandbox, credentials } = fixture;
		const execution = createRunExecutionData();
		const everyone = [0, 1, 2, 3, 4, 5].map(asListed);
		await runNode({ credentials, execution, items: everyone, parameters: sync() });
		sandbox.addUser({ name: 'Joined Meanwhile', email: 'meanwhile@example.com', status: 'active' });
		const second = await runNode({ credentials, execution, items: everyone, parameters: sync() });
		expect(jsonOf(second).at(-1)).toMatchObject({
			action: 'deactivated',
			email: 'meanwhile@example.com',
		});
		expect(
			sandbox
				.apiRequests()
				.filter((request) => request.path.endsWith('/users') && request.method === 'GET'),
		).toHaveLength(2);
	});
});

describe('User → Sync at scale', () => {
	const fixture = useSandbox({
		users: 1_000,
		limits: { perWindow: Infinity, simultaneous: Infinity },
	});

	test('1,000 people over 1,000 users, 10 changed, 5 joined, 5 left: exactly 25 requests', async () => {
		const { sandbox, credentials } = fixture;
		configureRateLimits({ windowMs: 10, callsPerWindow: 10_000 });
		for (const user of sandbox.listUsers().slice(1))
			sandbox.users.change(user.user_id, { status: 'active' });
		const leavers = new Set([100, 200, 300, 400, 500]);
		const items: Person[] = [];
		for (let index = 0; index < 1_000; index++) {
			if (leavers.has(index)) continue;
			items.push(
				index > 0 && index <= 10
					? { ...asListed(index), name: `Renamed ${index}` }
					: asListed(index),
			);
		}
		for (let index = 0; index < 5; index++)
			items.push({ email: `joiner${index}@example.com`, name: `Joiner ${index}` });
		const output = await runNode({ credentials, items, parameters: sync() });
		const counts = (predicate: (request: ReceivedRequest) => boolean) =>
			sandbox.apiRequests().filter(predicate).length;
		expect({
			listing: counts((request) => request.method === 'GET'),
			put: counts((request) => request.method === 'PUT'),
			post: counts((request) => request.method === 'POST' && request.path.endsWith('/users')),
			inactive: counts((request) => request.path.endsWith('/inactive')),
			total: sandbox.apiRequests().length,
		}).toEqual({ listing: 5, put: 10, post: 5, inactive: 5, total: 25 });
		const actions = jsonOf(output).map((json) => json.action);
		expect(actions.filter((action) => action === 'unchanged')).toHaveLength(985);
		expect(actions.filter((action) => action === 'deactivated')).toHaveLength(5);
	}, 60_000);
});

describe('User → Sync refuses a list n8n hands it in parts', () => {
	const fixture = useSandbox({ users: 6 });
	const everyone = () => [0, 1, 2, 3, 4, 5].map(asListed);
	const other = (name: string) => ({
		id: name,
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	});
	const to = (node: string, index = 0) => [{ node, type: 'main' as const, index }];

	test.each([
		[
			'Execute Once',
			{ settings: { executeOnce: true } },
			'Execute Once is on, so n8n hands Sync only the first item: Sync needs the whole list in one run',
		],
		[
			'inside a loop (Loop Over Items)',
			{
				surroundings: {
					nodes: [{ ...other('Loop'), type: 'n8n-nodes-base.splitInBatches', typeVersion: 3 }],
					connections: {
						Loop: { main: [[], to('Zoho Invoice')] },
						'Zoho Invoice': { main: [to('Loop')] },
					},
				},
			},
			'Sync runs inside a loop, and each pass hands it part of the list: Sync needs the whole list in one run',
		],
		[
			'two input nodes',
			{
				surroundings: {
					nodes: [other('Staff'), other('Contractors')],
					connections: {
						Staff: { main: [to('Zoho Invoice')] },
						Contractors: { main: [to('Zoho Invoice')] },
					},
				},
			},
			'Sync has more than one input node, and each hands it part of the list: Sync needs the whole list in one run',
		],
		[
			"an AI Agent's tool",
			{ settings: { rewireOutputLogTo: 'ai_tool' } as never },
			"Sync is an AI Agent's tool here, and a call names some people, not the whole list: Sync needs the whole list in one run",
		],
	])(
		'%s: nothing is changed, unless Remove Missing is Leave Alone',
		async (_name, wiring, message) => {
			const { sandbox, credentials } = fixture;
			const items = everyone().map((person, index) =>
				index === 1 ? { ...person, name: 'Renamed' } : person,
			);
			const error = await failure(runNode({ credentials, items, parameters: sync(), ...wiring }));
			expect(error.message).toBe(message);
			expect(changesSent(sandbox)).toEqual([]);
			const output = await runNode({
				credentials,
				items,
				parameters: sync({ removeMissing: 'keep' }),
				...wiring,
			});
			expect(jsonOf(output).some((json) => json.action === 'deactivated')).toBe(false);
		},
	);

	test.each(['constructor', 'toString', '__proto__'])(
		'Remove Missing %p is no choice of Sync: refused before anything is sent',
		async (value) => {
			const { sandbox, credentials } = fixture;
			const error = await failure(
				runNode({
					credentials,
					items: everyone(),
					parameters: sync({ removeMissing: `={{ "${value}" }}` }),
				}),
			);
			expect(error.message).toMatch(/^Remove Missing: expected one of deactivate, delete, keep/);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test.each([
		['a zero-width space after it', 'user5@zylker.org\u200b'],
		['mailto:', 'mailto:user5@zylker.org'],
		['angle brackets', '<user5@zylker.org>'],
	])(
		"an address that only looks like the person's (%s) is refused, and takes nobody's access",
		async (_name, email) => {
			const { sandbox, credentials } = fixture;
			const items = everyone().map((person, index) =>
				index === 5 ? { ...person, email } : person,
			);
			const output = await runNode({
				credentials,
				continueOnFail: true,
				items,
				parameters: sync(),
			});
			expect(errorsOf(output)[0]).toMatch(/^Email: ".*" is not an email address$/);
			expect(changesSent(sandbox).filter((line) => line.endsWith('/inactive'))).toEqual([]);
		},
	);
});

describe('User → Sync with Retry On Fail', () => {
	const fixture = useSandbox({ users: 6 });
	const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
	const internalError = JSON.stringify({ code: 1000, message: 'Internal error' });

	test('a listing that fails once is listed again on the retry, and the sync completes', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 500,
			body: internalError,
			match: (request) => request.method === 'GET',
		});
		const { items, error } = await runWorkflow({
			credentials,
			items: [0, 1, 2, 3, 4, 5].map(asListed),
			parameters: sync(),
			settings: RETRY,
		});
		expect(error).toBeUndefined();
		expect(sandbox.apiRequests().map(line)).toEqual([
			'GET /users',
			'GET /users',
			'POST /users/982000000554043/active',
		]);
		expect(items.map((item) => item.json.action)).toEqual([
			'unchanged',
			'unchanged',
			'reactivated',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
	});

	test('a create that fails once: the retry lists again, sends nothing twice, and removes the leaver', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 500,
			body: internalError,
			match: (request) => request.method === 'POST' && request.path.endsWith('/users'),
		});
		const { items, error } = await runWorkflow({
			credentials,
			items: [
				asListed(0),
				{ ...asListed(1), name: 'Renamed' },
				asListed(2),
				asListed(3),
				asListed(4),
				{ email: 'joiner@example.com', name: 'Joiner' },
			],
			parameters: sync(),
			settings: RETRY,
		});
		expect(error).toBeUndefined();
		const sent = sandbox.apiRequests().map(line);
		expect(sent.filter((entry) => entry.startsWith('PUT'))).toHaveLength(1);
		expect(sandbox.listUsers().filter((user) => user.email === 'joiner@example.com')).toHaveLength(
			1,
		);
		expect(
			items.map((item) => item.json).find((json) => json.email === 'user5@zylker.org'),
		).toMatchObject({ action: 'deactivated' });
	});
});
