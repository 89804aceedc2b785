import { runNode } from '../../../../helpers/n8n';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

describe('User → Mark Active', () => {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)('POSTs /users/{user_id}/active and names the user acted on (%s)', async (authentication) => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			authentication,
			parameters: { resource: 'user', operation: 'markActive', userId: { __rl: true, mode: 'id', value: '982000000554042' } },
		});

		const [request] = sandbox.apiRequests();
		expect(onTheWire(request)).toMatchObject({
			method: 'POST',
			path: '/invoice/v3/users/982000000554042/active',
			query: {},
			authorization: expectedAuthorization(credentials, authentication),
			organization: sandbox.organizationId,
		});
		expect(output).toEqual([
			{ json: { message: 'The user has been marked as active.', user_id: '982000000554042' }, pairedItem: { item: 0 } },
		]);
	});

	test('refuses a user id that is not a number, or tries to leave its path, before sending anything', async () => {
		const { sandbox, credentials } = fixture;
		for (const value of ['abc', '../organizations', '123/../../', '123?x=1', '123%2F..', '']) {
			await expect(
				runNode({ credentials, parameters: { resource: 'user', operation: 'markActive', userId: { __rl: true, mode: 'id', value } } }),
			).rejects.toThrow(/^User: /);
		}
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
});
