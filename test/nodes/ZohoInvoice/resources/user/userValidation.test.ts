import { runNode } from '../../../../helpers/engine';
import { useSandbox } from '../../../../helpers/sandbox';

const awkward = [
	{ name: 'Renée "Ré" O\'Brien-Łukasz 李小龙 🚀', email: "o'brien+ré@exämple.com" },
	{ name: 'x'.repeat(5000), email: `${'y'.repeat(200)}@example.com` },
	{ name: '{"name":"injected","user_role":"admin"}', email: 'json"},{"x":"@example.com' },
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
