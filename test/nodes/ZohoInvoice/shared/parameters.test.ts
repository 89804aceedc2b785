import { runNode } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';

/**
 * Parameters an expression can fill with any type (shared/parameters.ts): Get Many's Limit and
 * Return All are checked for what the node needs, and a wrong one is named, never coerced into
 * nothing or into everything.
 */

type NodeError = Error & { description?: string };

const getAll = { resource: 'user', operation: 'getAll' };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	);
}

describe('Get Many: Limit and Return All', () => {
	const fixture = useSandbox({ users: 5 });

	test.each([
		['"abc"', '={{ "abc" }}', 'string "abc"'],
		['a missing field', '={{ $json.missing }}', 'nothing'],
		['null', '={{ null }}', 'object null'],
		['NaN', '={{ NaN }}', 'number NaN'],
		['Infinity', '={{ Infinity }}', 'number Infinity'],
		['0', 0, 'number 0'],
		['-5', -5, 'number -5'],
		['2.5', 2.5, 'number 2.5'],
		['"3 users"', '={{ "3 users" }}', 'string "3 users"'],
	])('Limit %s is an error naming the field, and nothing is sent', async (_label, limit, got) => {
		const { sandbox, credentials } = fixture;
		const error = await failure(runNode({ credentials, parameters: { ...getAll, limit } }));
		expect(error.message).toBe(`Limit: expected a whole number of at least 1, got ${got}`);
		expect(error.description).toMatch(/^Set Limit to a whole number of at least 1/);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test.each([
		['"false"', '={{ "false" }}', 'string "false"'],
		['"true"', '={{ "true" }}', 'string "true"'],
		['1', '={{ 1 }}', 'number 1'],
		['a missing field', '={{ $json.missing }}', 'nothing'],
	])(
		'Return All %s is an error naming the field, and nothing is sent',
		async (_label, returnAll, got) => {
			const { sandbox, credentials } = fixture;
			const error = await failure(
				runNode({ credentials, parameters: { ...getAll, returnAll, limit: 2 } }),
			);
			expect(error.message).toBe(`Return All: expected true or false, got ${got}`);
			expect(sandbox.apiRequests()).toHaveLength(0);
		},
	);

	test.each([
		['a number', 2],
		['an expression giving a number', '={{ 1 + 1 }}'],
		['an expression giving digits as text', '={{ "2" }}'],
	])('Limit as %s is taken', async (_label, limit) => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({ credentials, parameters: { ...getAll, limit } });
		expect(output).toHaveLength(2);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ page: '1', per_page: '2' },
		]);
	});

	test('Return All from an expression giving a boolean is taken', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [{ all: false }],
			parameters: { ...getAll, returnAll: '={{ $json.all }}', limit: 1 },
		});
		expect(output).toHaveLength(1);
		expect(sandbox.apiRequests()[0].query).toEqual({ page: '1', per_page: '1' });
	});

	test('Continue On Fail: an item with a bad Limit fails alone; the others list their users', async () => {
		const { credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: [{ limit: 1 }, { limit: 'abc' }, { limit: 2 }],
			parameters: { ...getAll, limit: '={{ $json.limit }}' },
		});
		// The failed item's pairing is not asserted: n8n's RoutingNode leaves error items unpaired,
		// and with one item giving two outputs WorkflowExecute cannot pair them by position either.
		expect(output.map((item) => item.error?.message ?? item.json.user_id)).toEqual([
			'982000000554041',
			'Limit: expected a whole number of at least 1, got string "abc"',
			'982000000554041',
			'982000000554042',
		]);
		expect(output.filter((item) => !item.error).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 2 },
			{ item: 2 },
		]);
	});
});
