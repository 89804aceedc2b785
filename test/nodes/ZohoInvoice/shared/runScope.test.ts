import { createRunExecutionData } from 'n8n-workflow';

import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { selfClientCredentials } from '../../../../harness/credentials';
import { runNode, runWorkflow } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';
import { ZohoSandbox } from '../../../../sandbox/server';

/**
 * What one run of the node (one pass over its input items) shares, and what it must not pass
 * on to the next: in a loop, n8n runs the node again within the same execution, and what was
 * true on the first pass (who has which email, which organization) may have changed.
 */

const A_ID = '982000000554042';
const A_EMAIL = 'user1@zylker.org';

const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

describe('Nothing a run looked up outlives it', () => {
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
		'in a loop, the second pass of %s By Email looks the address up again and acts on the user who has it now',
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

	test('in a loop, the second pass reads the credential again: a user By Email is looked up where it now points', async () => {
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

const listings = (requests: Array<{ method: string; path: string }>) =>
	requests.filter((request) => request.method === 'GET' && request.path === '/invoice/v3/users');
const sent = (requests: Array<{ method: string; path: string; answeredWith?: number }>) =>
	requests.map((request) => `${request.method} ${request.path} ${request.answeredWith ?? ''}`);

/** n8n's Retry On Fail (node settings): n8n waits at least 1 ms between tries (0 means its default of 1 s). */
const retryOnFail = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };
const INTERNAL_ERROR = JSON.stringify({ code: 1000, message: 'Internal Error' });

describe('Retry On Fail: each try is a run of its own', () => {
	const fixture = useSandbox({ users: 5 });

	const upsertEach = {
		resource: 'user',
		operation: 'upsert',
		email: '={{ $json.email }}',
		name: '={{ $json.name }}',
	};

	test('Create or Update whose POST fails once with HTTP 500: the retry creates the person, once', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 500,
			body: INTERNAL_ERROR,
			match: (request) => request.method === 'POST',
		});
		const { items, error } = await runWorkflow({
			credentials,
			items: [{ email: 'grace@example.com', name: 'Grace Hopper' }],
			parameters: upsertEach,
			settings: retryOnFail,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.action)).toEqual(['created']);
		expect(sandbox.listUsers().filter((user) => user.email === 'grace@example.com')).toHaveLength(
			1,
		);
		expect(sent(sandbox.apiRequests())).toEqual([
			'GET /invoice/v3/users 200',
			'POST /invoice/v3/users 500',
			'GET /invoice/v3/users 200',
			'POST /invoice/v3/users 201',
		]);
	});

	test('Create or Update over three people whose listing fails once: the retry lists again and does the job, nothing twice', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 500,
			body: INTERNAL_ERROR,
			match: (request) => request.method === 'GET',
		});
		const { items, error } = await runWorkflow({
			credentials,
			items: [
				{ email: 'grace@example.com', name: 'Grace Hopper' },
				{ email: 'user1@zylker.org', name: 'User One' },
				{ email: 'ada@example.com', name: 'Ada Lovelace' },
			],
			parameters: upsertEach,
			settings: retryOnFail,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.action)).toEqual(['created', 'updated', 'created']);
		expect(listings(sandbox.apiRequests())).toHaveLength(2);
		expect(
			sandbox
				.apiRequests()
				.filter((request) => request.method !== 'GET')
				.map((request) => `${request.method} ${request.path}`)
				.sort(),
		).toEqual([
			'POST /invoice/v3/users',
			'POST /invoice/v3/users',
			'PUT /invoice/v3/users/982000000554042',
		]);
	});

	test('Get By Email lists again on each try: a user who appears meanwhile is found', async () => {
		const { sandbox, credentials } = fixture;
		let listed = 0;
		// When the second listing arrives, the user has been added (another system invited them).
		sandbox.injectFault({
			match: (request) => {
				if (request.method === 'GET' && request.path === '/invoice/v3/users' && ++listed === 2)
					sandbox.addUser({ name: 'Grace Hopper', email: 'grace@example.com', status: 'active' });
				return false;
			},
		});
		const { items, error } = await runWorkflow({
			credentials,
			parameters: { resource: 'user', operation: 'get', userId: byEmail('grace@example.com') },
			settings: retryOnFail,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.name)).toEqual(['Grace Hopper']);
		expect(listings(sandbox.apiRequests())).toHaveLength(2);
	});

	test('an address nobody has is looked up on every try', async () => {
		const { sandbox, credentials } = fixture;
		const { error } = await runWorkflow({
			credentials,
			parameters: { resource: 'user', operation: 'get', userId: byEmail('nobody@example.com') },
			settings: retryOnFail,
		});
		expect(error?.message).toBe(
			'No user in this organization has the email address nobody@example.com',
		);
		expect(listings(sandbox.apiRequests())).toHaveLength(3);
	});
});

/** Resolves after `ms`: for what a run leaves going in the background. */
const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function rejection(promise: Promise<unknown>): Promise<Error & { description?: string }> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: Error) => error,
	);
}

describe('After the node has failed, nothing more of its run is sent', () => {
	const WINDOW_MS = 1_000;
	const fixture = useSandbox({
		users: 5,
		latencyMs: 20,
		limits: { simultaneous: 10, perWindow: 100, windowMs: WINDOW_MS },
	});
	let unhandled: unknown[] = [];
	const onUnhandled = (reason: unknown) => unhandled.push(reason);

	beforeEach(() => {
		configureRateLimits({ windowMs: WINDOW_MS });
		unhandled = [];
		process.on('unhandledRejection', onUnhandled);
	});
	afterEach(() => {
		process.off('unhandledRejection', onUnhandled);
		configureRateLimits();
	});

	/** Rows to create; the one at `badRow` (if any) has its Name from a node that did not run. */
	function rows(count: number, badRow?: number) {
		return Array.from({ length: count }, (_, index) => ({
			name: `Person ${index + 1}`,
			email: index === badRow ? 'not an address' : `person${index + 1}@example.com`,
			bad: index === badRow,
		}));
	}
	const createEach = {
		resource: 'user',
		operation: 'create',
		name: "={{ $json.bad ? $('Nowhere').item.json.name : $json.name }}",
		email: '={{ $json.email }}',
	};
	const created = () => fixture.sandbox.listUsers().length - 5;
	const posts = () => fixture.sandbox.apiRequests().filter((request) => request.method === 'POST');

	test("250 rows, row 250's expression names a node that did not run: the node fails, and only the calls already at Zoho are sent", async () => {
		const { credentials } = fixture;
		const error = await rejection(
			runNode({ credentials, items: rows(250, 249), parameters: createEach }),
		);
		expect(error.message).toBe("Referenced node doesn't exist");
		// What the run left going has had time to reach Zoho (10 calls at a time, 20 ms each).
		await pause(1_000);
		expect(posts().length).toBeLessThanOrEqual(10);
		expect(created()).toBe(posts().length);
		expect(unhandled).toEqual([]);
	});

	test('with On Error → Continue, the other 249 rows go on and are created', async () => {
		const { credentials } = fixture;
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: rows(250, 249),
			parameters: createEach,
		});
		expect(output).toHaveLength(250);
		expect(output.slice(0, 249).every((item) => item.error === undefined)).toBe(true);
		expect(output[249].error?.message).toBe("Referenced node doesn't exist");
		expect(created()).toBe(249);
	}, 30_000);

	test('an item Zoho refuses, without On Error → Continue: the calls still waiting are dropped unsent', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 400,
			body: JSON.stringify({ code: 2, message: 'Invalid value passed for email' }),
			match: (request) => request.method === 'POST',
		});
		const error = await rejection(
			runNode({ credentials, items: rows(250), parameters: createEach }),
		);
		expect(error.message).toBe('Invalid value passed for email');
		await pause(1_000);
		// The ten first calls, and the one that took the refused call's place before the node heard of it.
		expect(posts().length).toBeLessThanOrEqual(11);
		expect(unhandled).toEqual([]);
	});

	test('bad input on row 100, without On Error → Continue: the node fails before Zoho hears of the other rows', async () => {
		const { credentials } = fixture;
		const items = rows(250).map((row, index) =>
			index === 99 ? { ...row, email: 'not an address' } : row,
		);
		const error = await rejection(runNode({ credentials, items, parameters: createEach }));
		expect(error.message).toBe('Email: "not an address" is not an email address');
		await pause(1_000);
		expect(posts().length).toBeLessThanOrEqual(10);
		expect(unhandled).toEqual([]);
	});

	test('Execute Once: n8n runs the first row only, and it is sent', async () => {
		const { credentials } = fixture;
		const { items, error } = await runWorkflow({
			credentials,
			items: rows(3),
			parameters: createEach,
			settings: { executeOnce: true },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(posts()).toHaveLength(1);
	});

	test('Batching (2 rows every 10 ms) without On Error → Continue: every row is sent', async () => {
		const { credentials } = fixture;
		const output = await runNode({
			credentials,
			items: rows(6),
			parameters: {
				...createEach,
				requestOptions: { batching: { batch: { batchSize: 2, batchInterval: 10 } } },
			},
		});
		expect(output).toHaveLength(6);
		expect(created()).toBe(6);
	});

	test('a run that does not fail sends every row: 250 created', async () => {
		const { credentials } = fixture;
		const output = await runNode({ credentials, items: rows(250), parameters: createEach });
		expect(output).toHaveLength(250);
		expect(created()).toBe(250);
	}, 30_000);
});
