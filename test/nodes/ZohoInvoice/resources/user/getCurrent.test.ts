import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

describe('User → Get Current User', () => {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)('GETs /users/me and outputs the user (%s)', async (authentication) => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			authentication,
			parameters: { resource: 'user', operation: 'getCurrent' },
		});

		expect(onTheWire(sandbox.apiRequests()[0])).toEqual({
			method: 'GET',
			path: '/invoice/v3/users/me',
			query: {},
			body: undefined,
			authorization: expectedAuthorization(credentials, authentication),
			organization: sandbox.organizationId,
		});
		expect(output).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ user_id: '982000000554041', name: 'David Sujin' }),
				pairedItem: { item: 0 },
			}),
		]);
	});
});
