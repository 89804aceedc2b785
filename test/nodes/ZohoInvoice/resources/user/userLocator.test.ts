import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';

const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

describe('The User field', () => {
	const fixture = useSandbox({ users: 5 });

	describe('By Email', () => {
		test('finds the user and acts on their id', async () => {
			const { sandbox, credentials } = fixture;
			const [output] = await runNode({
				credentials,
				parameters: {
					resource: 'user',
					operation: 'markInactive',
					userId: byEmail('User3@Zylker.org'),
				},
			});
			expect(output.json).toEqual({
				message: 'The user has been marked as inactive.',
				user_id: '982000000554044',
			});
			expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
				'POST /invoice/v3/users/982000000554044/inactive',
			]);
		});

		test('looks through every page of users', async () => {
			const { sandbox, credentials } = fixture;
			sandbox.seedUsers(450);
			const [output] = await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'get', userId: byEmail('user420@zylker.org') },
			});
			expect(output.json.name).toBe('User 00420');
		});

		test('says so when no user has the address, and changes nothing', async () => {
			const { sandbox, credentials } = fixture;
			await expect(
				runNode({
					credentials,
					parameters: {
						resource: 'user',
						operation: 'delete',
						userId: byEmail('nobody@zylker.org'),
					},
				}),
			).rejects.toThrow('No user in this organization has the email address nobody@zylker.org');
			expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
		});

		test('says so when two users have the address, naming their ids, and changes nothing', async () => {
			const { sandbox, credentials } = fixture;
			const twin = sandbox.addUser({ name: 'Twin', email: 'user1@zylker.org' });
			const error = (await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail('user1@zylker.org') },
			}).catch((caught) => caught)) as Error & { description: string };
			expect(error.message).toBe(
				'2 users in this organization have the email address user1@zylker.org',
			);
			expect(error.description).toContain(twin.user_id);
			expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
		});

		test('refuses an address that is not one before sending anything', async () => {
			const { sandbox, credentials } = fixture;
			await expect(
				runNode({
					credentials,
					parameters: { resource: 'user', operation: 'get', userId: byEmail('not an email') },
				}),
			).rejects.toThrow('User: "not an email" is not an email address');
			expect(sandbox.apiRequests()).toHaveLength(0);
		});

		test('lists the users once per run, however many items and addresses it names', async () => {
			const { sandbox, credentials } = fixture;
			const emails = ['user1@zylker.org', 'user2@zylker.org'];
			const items = Array.from({ length: 20 }, (_, index) => ({ email: emails[index % 2] }));
			const output = await runNode({
				credentials,
				items,
				parameters: { resource: 'user', operation: 'get', userId: byEmail('={{ $json.email }}') },
			});
			expect(output.map((item) => item.json.email_ids)).toEqual(
				items.map(({ email }) => [{ email, is_selected: true }]),
			);
			const listings = sandbox
				.apiRequests()
				.filter((request) => request.path === '/invoice/v3/users');
			expect(listings).toHaveLength(1);
		});
	});
});

describe('The User field: what it refuses, and what it keeps exact', () => {
	const fixture = useSandbox({ users: 5 });

	type NodeError = Error & { description?: string };

	const OPERATIONS = ['get', 'update', 'delete', 'invite', 'markActive', 'markInactive'];

	/** The operation acting on the user the item's `id` names, in the given mode. */
	function actOn(operation: string, mode: string) {
		return {
			resource: 'user',
			operation,
			userId: { __rl: true, mode, value: '={{ $json.id }}' },
			...(operation === 'update' ? { updateFields: { userRole: 'admin' } } : {}),
		};
	}

	async function failure(promise: Promise<unknown>): Promise<NodeError> {
		return await promise.then(
			() => {
				throw new Error('expected the run to fail');
			},
			(error: NodeError) => error,
		);
	}

	test.each([
		['get', 'Get'],
		['delete', 'Delete'],
	])(
		"%s By Email with 'a@' + 80,000 dots + '@' is refused at once, quoting only a short start of it",
		async (operation) => {
			const { sandbox, credentials } = fixture;
			const started = Date.now();
			const error = await failure(
				runNode({
					credentials,
					items: [{ id: `a@${'.'.repeat(80_000)}@` }],
					parameters: actOn(operation, 'email'),
				}),
			);
			expect(Date.now() - started).toBeLessThan(1_000);
			expect(error.message).toMatch(/^User: "a@\.+…" is not an email address$/);
			expect(error.message.length).toBeLessThan(100);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test.each(['id', 'list'])(
		'a JSON number above 2^53 (By %s) is refused, saying the digits were lost and to pass ids as text',
		async (mode) => {
			const { sandbox, credentials } = fixture;
			// As n8n parses {"id": 9007199254740995}: the number is already 9007199254740996.
			const item = JSON.parse('{"id": 9007199254740995}') as { id: number };
			const error = await failure(
				runNode({ credentials, items: [item], parameters: actOn('delete', mode) }),
			);
			expect(error.message).toBe(
				'User: the number 9007199254740996 cannot be an exact Zoho user ID',
			);
			expect(error.description).toMatch(/lose their last digits/);
			expect(error.description).toMatch(/Pass user IDs as text \(a string\)/);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test.each([
		['0', 0],
		['-1', -1],
		['1.5', 1.5],
	])('the number %s is refused, and nothing is sent', async (_label, id) => {
		const { sandbox, credentials } = fixture;
		const error = await failure(
			runNode({ credentials, items: [{ id }], parameters: actOn('delete', 'id') }),
		);
		expect(error.message).toBe(`User: the number ${id} cannot be an exact Zoho user ID`);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test.each(['NaN', 'Infinity'])(
		'%s from an expression is refused by its name, and nothing is sent',
		async (expression) => {
			const { sandbox, credentials } = fixture;
			const error = await failure(
				runNode({
					credentials,
					parameters: {
						resource: 'user',
						operation: 'delete',
						userId: { __rl: true, mode: 'id', value: `={{ ${expression} }}` },
					},
				}),
			);
			expect(error.message).toBe(`User: the number ${expression} cannot be an exact Zoho user ID`);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test('a safe integer given as a JSON number is fine, and exact', async () => {
		const { sandbox, credentials } = fixture;
		const [output] = await runNode({
			credentials,
			items: [{ id: 982000000554042 }],
			parameters: actOn('delete', 'id'),
		});
		expect(output.json.user_id).toBe('982000000554042');
		expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
			'DELETE /invoice/v3/users/982000000554042',
		]);
	});

	const TWENTY_DIGITS = '12345678901234567891';

	test.each([
		['typed By ID', { __rl: true, mode: 'id', value: TWENTY_DIGITS }],
		['By ID from an item', { __rl: true, mode: 'id', value: '={{ $json.id }}' }],
		['From List', { __rl: true, mode: 'list', value: TWENTY_DIGITS }],
		['By Email', { __rl: true, mode: 'email', value: 'twenty@zylker.org' }],
	])('a 20-digit string id stays exact (%s)', async (_label, userId) => {
		const { sandbox, credentials } = fixture;
		sandbox.addUser({ user_id: TWENTY_DIGITS, name: 'Twenty', email: 'twenty@zylker.org' });
		const [output] = await runNode({
			credentials,
			items: [{ id: TWENTY_DIGITS }],
			parameters: { resource: 'user', operation: 'delete', userId },
		});
		expect(output.json.user_id).toBe(TWENTY_DIGITS);
		expect(sandbox.apiRequests().at(-1)?.path).toBe(`/invoice/v3/users/${TWENTY_DIGITS}`);
		expect(sandbox.listUsers().find((user) => user.user_id === TWENTY_DIGITS)?.status).toBe(
			'deleted',
		);
	});

	/** User ids that try to leave /users/{user_id}, or are not ids at all. */
	const PATH_ESCAPES = [
		'../organizations',
		'..',
		'.',
		'/',
		'123/../../',
		'123/..',
		'../123',
		'123?x=1',
		'123#x',
		'123%2F..',
		'%2e%2e',
		'%2e%2e%2forganizations',
		'%252e%252e',
		'123/invite',
		'123/inactive',
		'123\\..',
		'123%00',
		'123\u0000',
		'123\r\nX-Injected: 1',
		'123 456',
		'-1',
		'+123',
		'1e5',
		'0x1F',
		'１２３',
		'123.0',
		'me',
		'{user_id}',
		'123&organization_id=1',
		'//evil.example.com',
		'http://evil.example.com/',
	];

	test(`there are ${PATH_ESCAPES.length} path-escape payloads`, () => {
		expect(new Set(PATH_ESCAPES).size).toBe(31);
	});

	test.each(OPERATIONS.flatMap((operation) => ['id', 'list'].map((mode) => [operation, mode])))(
		'%s By %s refuses every path-escape payload before anything is sent',
		async (operation, mode) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				continueOnFail: true,
				items: PATH_ESCAPES.map((id) => ({ id })),
				parameters: actOn(operation, mode),
			});
			expect(output).toHaveLength(PATH_ESCAPES.length);
			for (const item of output) expect(item.error?.message).toMatch(/^User: /);
			expect(sandbox.log).toHaveLength(0);
		},
	);

	test.each(OPERATIONS)(
		'%s By Email: addresses carrying path pieces act on nobody; only the listing is sent',
		async (operation) => {
			const { sandbox, credentials } = fixture;
			const emails = [
				'user1@zylker.org/../../organizations',
				'../user1@zylker.org',
				'user1@zylker.org?x=1',
				'user1@zylker.org#x',
				'user1@zylker.org/invite',
				'user1@zylker.org%2F..',
			];
			const output = await runNode({
				credentials,
				continueOnFail: true,
				items: emails.map((id) => ({ id })),
				parameters: actOn(operation, 'email'),
			});
			expect(output).toHaveLength(emails.length);
			for (const item of output) expect(item.error?.message).toMatch(/^(User: |No user)/);
			expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
			]);
		},
	);
});
