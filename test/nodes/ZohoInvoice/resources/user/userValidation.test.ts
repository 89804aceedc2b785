import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';

const awkward = [
	{ name: 'Renée "Ré" O\'Brien-Łukasz 李小龙 🚀', email: "o'brien+ré@exämple.com" },
	{ name: 'x'.repeat(5000), email: `${'y'.repeat(200)}@example.com` },
	{ name: '{"name":"injected","user_role":"admin"}', email: "json}{x'=y@example.com" },
	{ name: '</script><script>alert(1)</script>', email: 'a&b=c@example.com' },
	{ name: '={{ 1 + 1 }}', email: 'formula@example.com' },
];

describe('Names and emails reach Zoho exactly as given, in the JSON body and nowhere else', () => {
	const fixture = useSandbox();

	test.each(awkward.map((fields) => [fields.name.slice(0, 40), fields]))(
		'Create with %s',
		async (_label, fields) => {
			const { sandbox, credentials } = fixture;
			await runNode({
				credentials,
				items: [fields],
				parameters: {
					resource: 'user',
					operation: 'create',
					name: '={{ $json.name }}',
					email: '={{ $json.email }}',
				},
			});
			const [request] = sandbox.apiRequests();
			expect(request.json).toEqual({ name: fields.name, email: fields.email });
			expect(request.path).toBe('/invoice/v3/users');
			expect(request.query).toEqual({});
			const headers = JSON.stringify(request.headers);
			expect(headers).not.toContain(fields.name.slice(0, 20));
		},
	);

	test('Update sends them the same way', async () => {
		const { sandbox, credentials } = fixture;
		const [fields] = awkward;
		await runNode({
			credentials,
			items: [fields],
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: { __rl: true, mode: 'id', value: '982000000554042' },
				updateFields: { name: '={{ $json.name }}', email: '={{ $json.email }}' },
			},
		});
		expect(
			sandbox.apiRequests().map((request) => [request.method, request.path, request.json]),
		).toEqual([
			['PUT', '/invoice/v3/users/982000000554042', { name: fields.name, email: fields.email }],
		]);
	});
});

describe('Name, email and role are checked in linear time, and named by type', () => {
	const fixture = useSandbox();

	type NodeError = Error & { description?: string };

	async function createFailure(fields: IDataObject): Promise<NodeError> {
		const { credentials } = fixture;
		return await runNode({
			credentials,
			items: [fields],
			parameters: {
				resource: 'user',
				operation: 'create',
				name: '={{ $json.name }}',
				email: '={{ $json.email }}',
				additionalFields: 'role' in fields ? { userRole: '={{ $json.role }}' } : {},
			},
		}).then(
			() => {
				throw new Error('expected the run to fail');
			},
			(error: NodeError) => error,
		);
	}

	test("Create with 'a@' + 80,000 dots + '@' is refused at once, quoting only a short start of it", async () => {
		const { sandbox } = fixture;
		const email = `a@${'.'.repeat(80_000)}@`;
		const started = Date.now();
		const error = await createFailure({ name: 'Jane Doe', email });
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(error.message).toMatch(/^Email: "a@\.+…" is not an email address$/);
		expect(error.message.length).toBeLessThan(100);
		expect(JSON.stringify({ m: error.message, d: error.description }).length).toBeLessThan(300);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('an address longer than 254 characters, the most email allows, is refused before sending', async () => {
		const { sandbox } = fixture;
		const email = `${'a'.repeat(250)}@b.co`;
		const error = await createFailure({ name: 'Jane Doe', email });
		expect(error.message).toMatch(/^Email: "a{60}…" is not an email address$/);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test.each([
		['a zero-width space pasted after it', 'jane@zylker.org\u200b'],
		['a mailto: link', 'mailto:jane@zylker.org'],
		['angle brackets', '<jane@zylker.org>'],
		['a non-breaking space', 'jane\u00a0doe@zylker.org'],
		['two addresses', 'jane@zylker.org,joe@zylker.org'],
	])('an address with %s is refused before anything is sent', async (_label, email) => {
		const { sandbox } = fixture;
		const error = await createFailure({ name: 'Jane Doe', email });
		expect(error.message).toMatch(/^Email: ".*" is not an email address$/);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test.each([
		['a number', 42, 'Name: expected text, got number 42'],
		['true', true, 'Name: expected text, got boolean true'],
		['an object', { first: 'Jane' }, 'Name: expected text, got object {"first":"Jane"}'],
	])(
		'a name given as %s says text was expected, not that none was given',
		async (_label, name, message) => {
			const { sandbox } = fixture;
			const error = await createFailure({ name, email: 'jane@zylker.org' });
			expect(error.message).toBe(message);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test.each([
		['a number', 7, 'Role: expected a role name, got number 7'],
		['a list', ['admin'], 'Role: expected a role name, got object ["admin"]'],
	])(
		'a role given as %s says a role name was expected, not that none was given',
		async (_label, role, message) => {
			const { sandbox } = fixture;
			const error = await createFailure({ name: 'Jane Doe', email: 'jane@zylker.org', role });
			expect(error.message).toBe(message);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test('an email given as a number says text was expected', async () => {
		const error = await createFailure({ name: 'Jane Doe', email: 12345 });
		expect(error.message).toBe('Email: expected text, got number 12345');
	});

	test('Update: a name given as a number is refused the same way, before the current record is read', async () => {
		const { sandbox, credentials } = fixture;
		const error = (await runNode({
			credentials,
			items: [{ name: 42 }],
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: { __rl: true, mode: 'id', value: '982000000554042' },
				updateFields: { name: '={{ $json.name }}' },
			},
		}).catch((caught) => caught)) as NodeError;
		expect(error.message).toBe('Name: expected text, got number 42');
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
});
