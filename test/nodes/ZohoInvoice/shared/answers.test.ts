import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';

/**
 * What counts as Zoho's answer (shared/answers.ts): success is a 2xx whose body has
 * `code === 0` and, for the operations that return one, the record or the list of records.
 * Anything else is an error that says what came back: what Zoho sent is checked before use.
 */

type NodeError = Error & { description?: string; httpCode?: string | null };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		(output) => {
			throw new Error(`expected the run to fail, got ${JSON.stringify(output)}`);
		},
		(error: NodeError) => error,
	);
}

const user = (operation: string) => ({
	resource: 'user',
	operation,
	userId: { __rl: true, mode: 'id', value: '982000000554042' },
});

const operations: Array<[string, INodeParameters]> = [
	['delete', user('delete')],
	['invite', user('invite')],
	['markActive', user('markActive')],
	['markInactive', user('markInactive')],
	['get', user('get')],
	['getCurrent', { resource: 'user', operation: 'getCurrent' }],
	['update', { ...user('update'), updateFields: { name: 'New Name', email: 'new@zylker.org' } }],
	['create', { resource: 'user', operation: 'create', name: 'New', email: 'new@zylker.org' }],
	['getAll', { resource: 'user', operation: 'getAll', limit: 2 }],
];

describe("Zoho's answer: success is code 0 and what the operation returns", () => {
	const fixture = useSandbox({ users: 5 });

	test.each(operations)(
		'%s on HTTP 200 with {"error":"quota exceeded"} is an error quoting the answer, not a success',
		async (_operation, parameters) => {
			const { sandbox, credentials } = fixture;
			sandbox.injectFault({ status: 200, body: '{"error":"quota exceeded"}' });
			const error = await failure(runNode({ credentials, parameters }));
			expect(error.message).toBe("Zoho's answer has no success code");
			expect(error.description).toContain('What came back: {"error":"quota exceeded"}');
			expect(sandbox.apiRequests()).toHaveLength(1);
		},
	);

	test.each([
		['get', user('get')],
		['getCurrent', { resource: 'user', operation: 'getCurrent' }],
	])(
		'%s on {"code":0} without the user is an error, not an item without json',
		async (_operation, parameters) => {
			const { sandbox, credentials } = fixture;
			sandbox.injectFault({ status: 200, body: '{"code":0,"message":"success"}' });
			const error = await failure(runNode({ credentials, parameters }));
			expect(error.message).toBe('Zoho\'s answer has no "user" object');
			expect(error.description).toContain('What came back: {"code":0,"message":"success"}');
		},
	);

	test.each([
		['null', 'null'],
		['a list', '[{"user_id":"1"}]'],
		['text', '"someone"'],
	])('get on {"code":0} with the user as %s is an error', async (_label, value) => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ status: 200, body: `{"code":0,"message":"success","user":${value}}` });
		const error = await failure(runNode({ credentials, parameters: user('get') }));
		expect(error.message).toBe('Zoho\'s answer has no "user" object');
	});

	test("Zoho's error envelope on HTTP 200 is Zoho's error, with its message and code", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({ code: 1002, message: 'User does not exist.' }),
		});
		const error = await failure(runNode({ credentials, parameters: user('delete') }));
		expect(error.message).toBe('User does not exist.');
		expect(error.description).toMatch(/Zoho error code 1002/);
	});

	test('an empty 200 is an error naming the host', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ status: 200, body: '' });
		const error = await failure(runNode({ credentials, parameters: user('invite') }));
		expect(error.message).toBe(
			`${new URL(sandbox.url).host} answered with something other than Zoho's JSON`,
		);
	});

	test('an answer with code 0 and the record is a success, as Zoho sends it', async () => {
		const { credentials } = fixture;
		const [output] = await runNode({ credentials, parameters: user('get') });
		expect(output.json.user_id).toBe('982000000554042');
	});
});

describe('A list from Zoho is checked before it is used', () => {
	const fixture = useSandbox({ users: 5 });

	const listAnswer = (users: string) =>
		`{"code":0,"message":"success","users":${users},"page_context":{"page":1,"has_more_page":false}}`;

	test.each([
		['an object', '{"user_id":"1"}'],
		['entries that are not records', '[null, 1, "x"]'],
		['one entry that is not a record among records', '[{"user_id":"982000000554041"}, null]'],
		['missing', 'null'],
	])(
		'users as %s: Get Many is an error, not items whose json is not an object',
		async (_label, users) => {
			const { sandbox, credentials } = fixture;
			sandbox.injectFault({ status: 200, body: listAnswer(users) });
			const error = await failure(
				runNode({
					credentials,
					parameters: { resource: 'user', operation: 'getAll', returnAll: true },
				}),
			);
			expect(error.message).toBe('Zoho\'s answer has no "users" list of records');
		},
	);

	test('users as an object: the By Email lookup is the same error, and nothing is acted on', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ status: 200, body: listAnswer('{"user_id":"1"}') });
		const error = await failure(
			runNode({
				credentials,
				parameters: {
					resource: 'user',
					operation: 'delete',
					userId: { __rl: true, mode: 'email', value: 'user1@zylker.org' },
				},
			}),
		);
		expect(error.message).toBe('Zoho\'s answer has no "users" list of records');
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET']);
	});
});
