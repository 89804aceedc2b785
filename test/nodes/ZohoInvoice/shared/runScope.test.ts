import { createRunExecutionData } from 'n8n-workflow';

import { selfClientCredentials } from '../../../helpers/credentials';
import { runNode } from '../../../helpers/engine';
import { useSandbox } from '../../../helpers/sandbox';
import { ZohoSandbox } from '../../../sandbox/server';

/**
 * What one run of the node (one pass over its input items) shares, and what it must not pass
 * on to the next: in a loop, n8n runs the node again within the same execution, and what was
 * true on the first pass (who has which email, which organization) may have changed.
 * Issue 9, break 3.
 */

const A_ID = '982000000554042';
const A_EMAIL = 'user1@zylker.org';

const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

describe('Nothing a run looked up outlives it (issue 9, break 3)', () => {
	const fixture = useSandbox({ users: 5 });

	/** Between the passes, another node changes A's address and creates B with A's old one. */
	function moveAddressToNewUser() {
		const { sandbox } = fixture;
		sandbox.users.change(A_ID, { email: 'user1.left@zylker.org' });
		return sandbox.addUser({ name: 'B', email: A_EMAIL, status: 'active' });
	}

	test.each([
		['markInactive', 'POST', '/inactive', 'inactive'],
		['delete', 'DELETE', '', 'deleted'],
	])(
		'break 3: in a loop, the second pass of %s By Email looks the address up again and acts on the user who has it now',
		async (operation, method, suffix, status) => {
			const { sandbox, credentials } = fixture;
			const execution = createRunExecutionData();
			const parameters = { resource: 'user', operation, userId: byEmail(A_EMAIL) };

			const [first] = await runNode({ credentials, parameters, execution });
			expect(first.json.user_id).toBe(A_ID);
			const b = moveAddressToNewUser();
			sandbox.clearLog();

			const [second] = await runNode({ credentials, parameters, execution });

			expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
				`${method} /invoice/v3/users/${b.user_id}${suffix}`,
			]);
			expect(second.json.user_id).toBe(b.user_id);
			expect(sandbox.listUsers().find((user) => user.user_id === b.user_id)?.status).toBe(status);
		},
	);

	test('break 3: in a loop, the second pass reads the credential again: a user By Email is looked up where it now points', async () => {
		const { sandbox, credentials } = fixture;
		const execution = createRunExecutionData();
		const parameters = { resource: 'user', operation: 'get', userId: byEmail(A_EMAIL) };
		await runNode({ credentials, parameters, execution });

		// Between the passes the credential is pointed at another Zoho (another region, say).
		const other = await ZohoSandbox.start({ users: 5 });
		try {
			credentials.set('zohoInvoiceApi', selfClientCredentials(other));
			sandbox.clearLog();
			const [output] = await runNode({ credentials, parameters, execution });
			expect(output.json.user_id).toBe(A_ID);
			expect(sandbox.apiRequests()).toHaveLength(0);
			expect(other.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
				`GET /invoice/v3/users/${A_ID}`,
			]);
		} finally {
			await other.stop();
		}
	});

	test('within one pass, the items share one listing of the users', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{ email: A_EMAIL }, { email: 'user2@zylker.org' }, { email: A_EMAIL }],
			parameters: { resource: 'user', operation: 'get', userId: byEmail('={{ $json.email }}') },
		});
		expect(output.map((item) => item.json.user_id)).toEqual([A_ID, '982000000554043', A_ID]);
		expect(
			sandbox.apiRequests().filter((request) => request.path === '/invoice/v3/users'),
		).toHaveLength(1);
	});
});
