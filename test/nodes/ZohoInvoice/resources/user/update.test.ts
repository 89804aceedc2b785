import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

const user = { __rl: true, mode: 'id', value: '982000000554042' };

describe('User → Update', () => {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)(
		'PUTs name, email and role as given, with no lookup (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				authentication,
				parameters: {
					resource: 'user',
					operation: 'update',
					userId: user,
					updateFields: { name: 'Renamed', email: 'renamed@example.com', userRole: 'admin' },
				},
			});

			expect(sandbox.apiRequests().map(onTheWire)).toEqual([
				{
					method: 'PUT',
					path: '/invoice/v3/users/982000000554042',
					query: {},
					body: { name: 'Renamed', email: 'renamed@example.com', user_role: 'admin' },
					authorization: expectedAuthorization(credentials, authentication),
					organization: sandbox.organizationId,
				},
			]);
			expect(output).toEqual([
				{
					json: { message: 'The user information has been updated.', user_id: '982000000554042' },
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	test.each(AUTHENTICATIONS)(
		'changing only the role fills name and email from the current record (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			await runNode({
				credentials,
				authentication,
				parameters: {
					resource: 'user',
					operation: 'update',
					userId: user,
					updateFields: { userRole: 'admin' },
				},
			});

			const [lookup, update] = sandbox.apiRequests();
			expect([lookup.method, lookup.path]).toEqual(['GET', '/invoice/v3/users/982000000554042']);
			expect(lookup.headers.authorization).toBe(expectedAuthorization(credentials, authentication));
			expect(update.json).toEqual({
				name: 'User 00001',
				email: 'user1@zylker.org',
				user_role: 'admin',
			});
			expect(sandbox.listUsers()[1]).toMatchObject({
				name: 'User 00001',
				email: 'user1@zylker.org',
				user_role: 'admin',
			});
		},
	);

	test('a new name alone keeps the current email', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: user,
				updateFields: { name: 'Only Name' },
			},
		});
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET', 'PUT']);
		expect(sandbox.apiRequests()[1].json).toEqual({ name: 'Only Name', email: 'user1@zylker.org' });
	});

	test.each([
		[{}, /^Update Fields: nothing to update/],
		[{ name: '  ' }, /^Name: a name is required/],
		[{ email: 'nope' }, /^Email: "nope" is not an email address/],
	])('refuses update fields %j before sending anything', async (updateFields, message) => {
		const { sandbox, credentials } = fixture;
		await expect(
			runNode({
				credentials,
				parameters: { resource: 'user', operation: 'update', userId: user, updateFields },
			}),
		).rejects.toThrow(message);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('a user that does not exist fails at the lookup with a 404 naming the User field', async () => {
		const { sandbox, credentials } = fixture;
		const error = (await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: { ...user, value: '1' },
				updateFields: { userRole: 'staff' },
			},
		}).catch((caught) => caught)) as Error & { description: string; httpCode: string };
		expect(error.httpCode).toBe('404');
		expect(error.description).toMatch(/User field/);
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
	});
});
