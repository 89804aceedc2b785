import { runNode } from '../../harness/engine';
import { useSandbox } from './sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from './wire';

interface UserAction {
	operation: string;
	method: string;
	/** After /users/{user_id}, e.g. `/invite`. */
	pathSuffix: string;
	/** Zoho's answer, from its reference. */
	message: string;
}

/** Delete, Invite, Mark Active and Mark Inactive differ only in method, path and Zoho's message. */
export function testUserAction({ operation, method, pathSuffix, message }: UserAction): void {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)(
		`${method}s /users/{user_id}${pathSuffix} and names the user acted on (%s)`,
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const output = await runNode({
				credentials,
				authentication,
				parameters: {
					resource: 'user',
					operation,
					userId: { __rl: true, mode: 'id', value: '982000000554042' },
				},
			});

			expect(onTheWire(sandbox.apiRequests()[0])).toMatchObject({
				method,
				path: `/invoice/v3/users/982000000554042${pathSuffix}`,
				query: {},
				authorization: expectedAuthorization(credentials, authentication),
				organization: sandbox.organizationId,
			});
			expect(output).toEqual([
				{ json: { message, user_id: '982000000554042' }, pairedItem: { item: 0 } },
			]);
		},
	);

	test('refuses a user id that is not a number, or tries to leave its path, before sending anything', async () => {
		const { sandbox, credentials } = fixture;
		for (const value of ['abc', '../organizations', '123/../../', '123?x=1', '123%2F..', '']) {
			await expect(
				runNode({
					credentials,
					parameters: { resource: 'user', operation, userId: { __rl: true, mode: 'id', value } },
				}),
			).rejects.toThrow(/^User: /);
		}
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
}
