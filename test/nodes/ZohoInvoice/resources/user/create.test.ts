import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization, onTheWire } from '../../../../helpers/wire';

describe('User → Create', () => {
	const fixture = useSandbox();

	test.each(AUTHENTICATIONS)('POSTs name, email and role as JSON (%s)', async (authentication) => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			authentication,
			parameters: {
				resource: 'user',
				operation: 'create',
				name: 'Jane Doe',
				email: 'jane@example.com',
				additionalFields: { userRole: 'timesheetstaff' },
			},
		});

		const [request] = sandbox.apiRequests();
		expect(onTheWire(request)).toEqual({
			method: 'POST',
			path: '/invoice/v3/users',
			query: {},
			body: { name: 'Jane Doe', email: 'jane@example.com', user_role: 'timesheetstaff' },
			authorization: expectedAuthorization(credentials, authentication),
			organization: sandbox.organizationId,
		});
		expect(request.headers['content-type']).toContain('application/json');
		expect(output).toEqual([
			{ json: { message: 'Your invitation has been sent.' }, pairedItem: { item: 0 } },
		]);
		expect(sandbox.listUsers().find((user) => user.email === 'jane@example.com')?.user_role).toBe(
			'timesheetstaff',
		);
	});

	test('leaves the role to Zoho when none is chosen, and takes an expression for any other role', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({
			credentials,
			parameters: { resource: 'user', operation: 'create', name: 'A', email: 'a@example.com' },
		});
		await runNode({
			credentials,
			items: [{ role: 'staffassignedcustomers' }],
			parameters: {
				resource: 'user',
				operation: 'create',
				name: 'B',
				email: 'b@example.com',
				additionalFields: { userRole: '={{ $json.role }}' },
			},
		});
		expect(sandbox.apiRequests().map((request) => request.json)).toEqual([
			{ name: 'A', email: 'a@example.com' },
			{ name: 'B', email: 'b@example.com', user_role: 'staffassignedcustomers' },
		]);
	});

	test('one user per input item, each output paired with its item', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [
				{ name: 'One', email: 'one@example.com' },
				{ name: 'Two', email: 'two@example.com' },
			],
			parameters: {
				resource: 'user',
				operation: 'create',
				name: '={{ $json.name }}',
				email: '={{ $json.email }}',
			},
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// Both POSTs are in flight at once, so they may reach Zoho in either order.
		const bodies = sandbox.apiRequests().map((request) => request.json as { name: string });
		expect(bodies.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
			{ name: 'One', email: 'one@example.com' },
			{ name: 'Two', email: 'two@example.com' },
		]);
	});

	test.each([
		[{ name: '', email: 'a@example.com' }, /^Name: a name is required/],
		[{ name: '   ', email: 'a@example.com' }, /^Name: a name is required/],
		[{ name: 'Ann', email: 'not-an-email' }, /^Email: "not-an-email" is not an email address/],
		[{ name: 'Ann', email: '' }, /^Email: "" is not an email address/],
	])('refuses %j before sending anything', async (fields, message) => {
		const { sandbox, credentials } = fixture;
		await expect(
			runNode({ credentials, parameters: { resource: 'user', operation: 'create', ...fields } }),
		).rejects.toThrow(message);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test("passes on Zoho's refusal with its message and code", async () => {
		const { credentials } = fixture;
		const error = await runNode({
			credentials,
			parameters: { resource: 'user', operation: 'create', name: 'Dup', email: 'david@zylker.org' },
		}).catch((caught: Error & { description?: string; httpCode?: string }) => caught);
		expect(error).toMatchObject({
			message: 'This email address is already associated with a user in your organization.',
			httpCode: '400',
		});
		expect((error as { description?: string }).description).toMatch(/Zoho error code 3003/);
	});
});
