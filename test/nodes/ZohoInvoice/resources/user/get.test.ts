import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

describe('User → Get', () => {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)(
		'GETs /users/{user_id} and outputs the user, not the envelope (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				authentication,
				parameters: {
					resource: 'user',
					operation: 'get',
					userId: { __rl: true, mode: 'id', value: '982000000554042' },
				},
			});

			expect(onTheWire(sandbox.apiRequests()[0])).toEqual({
				method: 'GET',
				path: '/invoice/v3/users/982000000554042',
				query: {},
				body: undefined,
				authorization: expectedAuthorization(credentials, authentication),
				organization: sandbox.organizationId,
			});
			expect(output).toHaveLength(1);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			expect(output[0].json).toMatchObject({
				user_id: '982000000554042',
				name: 'User 00001',
				email_ids: [{ email: 'user1@zylker.org', is_selected: true }],
			});
			expect(output[0].json.code).toBeUndefined();
		},
	);

	test('takes the id picked from the list', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'get',
				userId: {
					__rl: true,
					mode: 'list',
					value: '982000000554043',
					cachedResultName: 'User 00002 (user2@zylker.org)',
				},
			},
		});
		expect(sandbox.apiRequests()[0].path).toBe('/invoice/v3/users/982000000554043');
	});

	test('keeps ids longer than JavaScript numbers exact', async () => {
		const { sandbox, credentials } = fixture;
		const created = sandbox.addUser({ name: 'Big', email: 'big@example.com' });
		expect(BigInt(created.user_id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		const [output] = await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'get',
				userId: { __rl: true, mode: 'id', value: created.user_id },
			},
		});
		expect(sandbox.apiRequests()[0].path).toBe(`/invoice/v3/users/${created.user_id}`);
		expect(output.json.user_id).toBe(created.user_id);
	});

	test('a missing user is a 404 that says to check the User field', async () => {
		const { credentials } = fixture;
		const error = (await runNode({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'get',
				userId: { __rl: true, mode: 'id', value: '123' },
			},
		}).catch((caught) => caught)) as Error & { description: string; httpCode: string };
		expect(error.message).toBe('User does not exist.');
		expect(error.httpCode).toBe('404');
		expect(error.description).toMatch(/Check the User field/);
		expect(error.description).toMatch(/Zoho error code 1002/);
	});
});
