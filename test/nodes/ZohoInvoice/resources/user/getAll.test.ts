import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

const getAll = { resource: 'user', operation: 'getAll' };

describe('User → Get Many', () => {
	const fixture = useSandbox({ users: 5 });

	test.each(AUTHENTICATIONS)(
		'GETs /users with the limit as per_page, one item per user (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				authentication,
				parameters: { ...getAll, limit: 3 },
			});

			expect(sandbox.apiRequests().map(onTheWire)).toEqual([
				{
					method: 'GET',
					path: '/invoice/v3/users',
					query: { page: '1', per_page: '3' },
					body: undefined,
					authorization: expectedAuthorization(credentials, authentication),
					organization: sandbox.organizationId,
				},
			]);
			expect(output.map((item) => item.json.email)).toEqual([
				'david@zylker.org',
				'user1@zylker.org',
				'user2@zylker.org',
			]);
			expect(
				output.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0),
			).toBe(true);
		},
	);

	test('sends the status filter as filter_by=Status.* and the sort column', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			parameters: {
				...getAll,
				returnAll: true,
				filters: { status: 'Inactive' },
				options: { sortColumn: 'email' },
			},
		});
		expect(sandbox.apiRequests()[0].query).toEqual({
			page: '1',
			per_page: '200',
			filter_by: 'Status.Inactive',
			sort_column: 'email',
		});
		expect(output.map((item) => item.json.status)).toEqual(['inactive']);
	});

	test.each([
		[0, 1],
		[1, 1],
		[200, 1],
		[201, 2],
		[450, 3],
	])('Return All over %i users sends %i requests of 200', async (users, requests) => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(users);
		const output = await runNode({ credentials, parameters: { ...getAll, returnAll: true } });
		expect(output).toHaveLength(users);
		expect(new Set(output.map((item) => item.json.user_id)).size).toBe(users);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual(
			Array.from({ length: requests }, (_, index) => ({
				page: String(index + 1),
				per_page: '200',
			})),
		);
	});

	test('a limit of 5 is one request for 5', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(450);
		const output = await runNode({ credentials, parameters: { ...getAll, limit: 5 } });
		expect(output).toHaveLength(5);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ page: '1', per_page: '5' },
		]);
	});

	test('a limit above 200 takes full pages and stops as soon as it has enough', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(1000);
		const output = await runNode({ credentials, parameters: { ...getAll, limit: 250 } });
		expect(output).toHaveLength(250);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ page: '1', per_page: '200' },
			{ page: '2', per_page: '200' },
		]);
	});

	test('each input item gets its own list, paired with it', async () => {
		const { credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{}, {}],
			parameters: { ...getAll, limit: 2 },
		});
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
		]);
	});

	test("a page that is not Zoho's JSON is an error, not an empty list", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 200,
			body: '<html>Maintenance</html>',
			contentType: 'text/html',
		});
		await expect(
			runNode({ credentials, parameters: { ...getAll, returnAll: true } }),
		).rejects.toThrow(/answered with something other than Zoho's JSON/);
	});
});
