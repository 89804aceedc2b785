import { DirectoryLoader } from 'n8n-core';
import type { INodeType } from 'n8n-workflow';

import { ZohoInvoice } from '../../../../nodes/ZohoInvoice/ZohoInvoice.node';
import { userResource } from '../../../../nodes/ZohoInvoice/resources/user';
import {
	authenticationProperty,
	requestOptionsProperty,
	resourceProperties,
	resourceSelector,
} from '../../../../nodes/ZohoInvoice/shared/descriptions';
import type { ZohoResource } from '../../../../nodes/ZohoInvoice/shared/operation';
import { zohoRequestPipeline } from '../../../../nodes/ZohoInvoice/shared/pipeline';
import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode, runWorkflow } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';
import { oauth2Credentials, selfClientCredentials } from '../../../../harness/credentials';

const getUser = (value: string) => ({
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value },
});

type NodeError = Error & { description?: string; httpCode?: string | null };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return (await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	)) as NodeError;
}

describe('Every request: errors a person can act on, nothing lost', () => {
	const fixture = useSandbox({ users: 5 });

	test('403 names the organization id', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, { organizationId: '42' }));
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('403');
		expect(error.message).toBe('This user is not associated with the CompanyID/CompanyName.');
		expect(error.description).toMatch(/Organization ID/);
	});

	test("with Wait Out Rate Limits off, a 429 fails at once, naming Zoho's limits and the option", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 44, message: 'Too many requests' }),
		});
		const error = await failure(
			runNode({
				credentials,
				parameters: { ...getUser('982000000554041'), requestOptions: { waitOutRateLimits: false } },
			}),
		);
		expect(error.httpCode).toBe('429');
		expect(error.description).toMatch(/100 API calls a minute/);
		expect(error.description).toMatch(/Wait Out Rate Limits/);
		expect(sandbox.apiRequests()).toHaveLength(1);
	});

	test("Zoho's 'not authorized' that a fresh token does not cure names the scope, not the Region", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 401,
			body: JSON.stringify({
				code: 57,
				message: 'You are not authorized to perform this operation',
			}),
			times: 2,
		});
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(/^Get needs the scope ZohoInvoice\.settings\.READ/);
		expect(error.description).not.toMatch(/Region/);
	});

	test('an invalid token that a fresh token does not cure names the Region', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 401,
			body: JSON.stringify({ code: 14, message: 'Invalid OAuth token.' }),
			times: 2,
		});
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('401');
		expect(error.message).toBe('Invalid OAuth token.');
		expect(error.description).toMatch(/Region/);
	});

	test("an HTML error page says the answer did not come from Zoho's API", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 502,
			body: '<html><body>Bad gateway</body></html>',
			contentType: 'text/html',
		});
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.message).toMatch(/answered HTTP 502 with something other than Zoho's JSON/);
		expect(error.message).toContain(new URL(sandbox.url).host);
	});

	test('Continue On Fail: every item has an output, failures carry their error, each paired with its input', async () => {
		const { credentials } = fixture;
		const ids = ['982000000554041', '1', '982000000554042', 'not-a-number', '982000000554043'];
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: ids.map((id) => ({ id })),
			parameters: getUser('={{ $json.id }}'),
		});
		expect(output).toHaveLength(5);
		expect(output.map((item) => (item.error ? 'error' : item.json.user_id))).toEqual([
			'982000000554041',
			'error',
			'982000000554042',
			'error',
			'982000000554043',
		]);
		expect(output[1].error?.message).toBe('User does not exist.');
		expect(output[3].error?.message).toMatch(/not a Zoho user ID/);
	});
});

describe('A token without the scope an operation needs: the message names it, and how to grant it', () => {
	const WINDOW_MS = 100;
	const fixture = useSandbox({ users: 5, limits: { windowMs: WINDOW_MS } });
	beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
	afterEach(() => configureRateLimits());
	const SCOPES: Record<string, string> = {
		create: 'ZohoInvoice.settings.CREATE',
		read: 'ZohoInvoice.settings.READ',
		update: 'ZohoInvoice.settings.UPDATE',
		delete: 'ZohoInvoice.settings.DELETE',
	};
	const user = { __rl: true, mode: 'id', value: '982000000554042' };
	const OPERATIONS: Array<[string, string, Record<string, unknown>, string]> = [
		['Create', 'create', { name: 'Grace Hopper', email: 'grace@example.com' }, 'create'],
		['Create or Update', 'upsert', { name: 'Grace Hopper', email: 'grace@example.com' }, 'create'],
		['Delete', 'delete', { userId: user }, 'delete'],
		['Get', 'get', { userId: user }, 'read'],
		['Get Current User', 'getCurrent', {}, 'read'],
		['Get Many', 'getAll', {}, 'read'],
		['Invite', 'invite', { userId: user }, 'create'],
		['Mark Active', 'markActive', { userId: user }, 'create'],
		['Mark Inactive', 'markInactive', { userId: user }, 'create'],
		[
			'Update',
			'update',
			{ userId: user, updateFields: { name: 'User One', email: 'user1@zylker.org' } },
			'update',
		],
	];

	/** Every Users scope but the one the operation needs. */
	const allBut = (needed: string) =>
		Object.entries(SCOPES)
			.filter(([access]) => access !== needed)
			.map(([, scope]) => scope);

	test.each(OPERATIONS)(
		'%s with a Self Client granted every other scope',
		async (name, operation, fields, needed) => {
			const { sandbox, credentials } = fixture;
			const refreshToken = sandbox.grantRefreshToken(sandbox.selfClient.clientId, allBut(needed));
			credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, { refreshToken }));
			const error = await failure(
				runNode({ credentials, parameters: { resource: 'user', operation, ...fields } }),
			);
			expect(error.httpCode).toBe('401');
			expect(error.description).toMatch(new RegExp(`^${name} needs the scope`));
			expect(error.description).toContain(SCOPES[needed]);
			expect(error.description).toMatch(/new grant code with scope ZohoInvoice\.settings\.ALL/);
			expect(error.description).not.toMatch(/Connect my account/);
		},
	);

	test('150 Mark Inactive items with On Error → Continue and an OAuth2 token that reads only: each item told, few refreshes', async () => {
		const { sandbox, credentials } = fixture;
		const readOnly = ['ZohoInvoice.settings.READ'];
		credentials.set(
			'zohoInvoiceOAuth2Api',
			oauth2Credentials(sandbox, {
				access_token: sandbox.issueAccessToken(readOnly),
				refresh_token: sandbox.grantRefreshToken(sandbox.oauthClient.clientId, readOnly),
				token_type: 'Bearer',
			}),
		);
		const output = await runNode({
			credentials,
			authentication: 'oAuth2',
			continueOnFail: true,
			items: Array.from({ length: 150 }, () => ({})),
			parameters: { resource: 'user', operation: 'markInactive', userId: user },
		});
		expect(output).toHaveLength(150);
		for (const item of output) {
			expect((item.error as NodeError | undefined)?.description).toMatch(
				/^Mark Inactive needs the scope ZohoInvoice\.settings\.CREATE/,
			);
		}
		// n8n refreshes an OAuth2 token on every 401 (the node cannot stop that): only the calls at
		// Zoho when the first refusal came back are sent, and each costs n8n one refresh.
		expect(sandbox.tokenRequests().length).toBeLessThanOrEqual(12);
		expect(sandbox.apiRequests().length).toBeLessThanOrEqual(3 * 12);
	}, 30_000);

	test('Mark Inactive with an OAuth2 credential granted reading only: reconnect', async () => {
		const { sandbox, credentials } = fixture;
		const readOnly = ['ZohoInvoice.settings.READ'];
		credentials.set(
			'zohoInvoiceOAuth2Api',
			oauth2Credentials(sandbox, {
				access_token: sandbox.issueAccessToken(readOnly),
				refresh_token: sandbox.grantRefreshToken(sandbox.oauthClient.clientId, readOnly),
				token_type: 'Bearer',
			}),
		);
		const error = await failure(
			runNode({
				credentials,
				authentication: 'oAuth2',
				parameters: { resource: 'user', operation: 'markInactive', userId: user },
			}),
		);
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(
			/^Mark Inactive needs the scope ZohoInvoice\.settings\.CREATE/,
		);
		expect(error.description).toMatch(/Connect my account/);
		expect(error.description).not.toMatch(/grant code/);
	});
});

describe("n8n's Retry On Fail", () => {
	const fixture = useSandbox({ users: 5 });

	test('with Wait Out Rate Limits off, a 429 is retried by n8n after the wait, and the run completes', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 44, message: 'Too many requests' }),
		});
		const started = Date.now();
		const { items, error } = await runWorkflow({
			credentials,
			parameters: { ...getUser('982000000554041'), requestOptions: { waitOutRateLimits: false } },
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 1000 },
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.user_id)).toEqual(['982000000554041']);
		expect(sandbox.apiRequests()).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});
});

describe('A second resource is a folder and one line: the pipeline learns from the operation', () => {
	const fixture = useSandbox({ users: 5 });

	/** What a resources/contact/ folder would export; Zoho's contacts answer under `contacts`. */
	const contactResource: ZohoResource = {
		name: 'Contact',
		value: 'contact',
		record: 'contact',
		operations: [
			{
				option: {
					name: 'Get Many',
					value: 'getAll',
					action: 'Get many contacts',
					routing: { request: { method: 'GET', url: '/contacts' } },
				},
				fields: [
					{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false },
					{ displayName: 'Limit', name: 'limit', type: 'number', default: 50 },
				],
				output: { list: 'contacts' },
				scopes: ['ZohoInvoice.contacts.READ'],
			},
		],
		defaultOperation: undefined as never,
	};
	contactResource.defaultOperation = contactResource.operations[0];

	/** The node with the Contacts entry added to its resources, as its file would have it. */
	function nodeWith(resources: ZohoResource[]): INodeType {
		const { description } = new ZohoInvoice();
		const type: INodeType = {
			description: {
				...description,
				requestOperations: { pagination: zohoRequestPipeline(resources) },
				properties: [
					authenticationProperty,
					resourceSelector(resources),
					...resources.flatMap(resourceProperties),
					requestOptionsProperty,
				],
			},
		};
		DirectoryLoader.applyDeclarativeNodeOptionParameters(type);
		return type;
	}

	test('a Contacts Get Many pages its `contacts`, with the errors and pairing of every request', async () => {
		const { sandbox, credentials } = fixture;
		const page = (number: number, hasMore: boolean) =>
			JSON.stringify({
				code: 0,
				message: 'success',
				contacts: [{ contact_id: `${number}01` }, { contact_id: `${number}02` }],
				page_context: { page: number, per_page: 2, has_more_page: hasMore },
			});
		sandbox.injectFault({
			status: 200,
			body: page(1, true),
			match: (request) => request.path.endsWith('/contacts') && request.query.page === '1',
		});
		sandbox.injectFault({
			status: 200,
			body: page(2, false),
			match: (request) => request.path.endsWith('/contacts') && request.query.page === '2',
		});
		const output = await runNode({
			credentials,
			nodeType: nodeWith([userResource, contactResource]),
			parameters: { resource: 'contact', operation: 'getAll', returnAll: true },
		});
		expect(output).toEqual(
			['101', '102', '201', '202'].map((id) => ({
				json: { contact_id: id },
				pairedItem: { item: 0 },
			})),
		);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ page: '1', per_page: '200' },
			{ page: '2', per_page: '200' },
		]);
		// Zoho's 404 for it names a contact, not a user.
		const error = await failure(
			runNode({
				credentials,
				nodeType: nodeWith([userResource, contactResource]),
				parameters: { resource: 'contact', operation: 'getAll', returnAll: true },
			}),
		);
		expect(error.message).toBe('Invalid URL Passed');
		expect(error.description).toMatch(/Region, or its API URL/);
	});
});

describe("Zoho's 'Invalid URL Passed'", () => {
	const fixture = useSandbox({ users: 5 });

	test('points at the Region or the custom API URL, not at the user', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, { customApiUrl: `${sandbox.url}/invoice/v2` }),
		);
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe('Invalid URL Passed');
		expect(error.description).toMatch(
			/Check the credential's Region, or its API URL if it is Custom: it must end in \/invoice\/v3/,
		);
		expect(error.description).not.toMatch(/User field/);
	});
});

describe('Continue On Fail over 40 mixed items, in a workflow run by n8n', () => {
	const fixture = useSandbox({ users: 5 });

	/** What each kind of item names, and what its output should be. */
	const KINDS: Array<{ userId: { mode: string; value: string }; expected: string | RegExp }> = [
		{ userId: { mode: 'id', value: '982000000554041' }, expected: '982000000554041' },
		{ userId: { mode: 'id', value: '1' }, expected: 'User does not exist.' },
		{
			userId: { mode: 'id', value: '../organizations' },
			expected: /^User: ".*" is not a Zoho user ID$/,
		},
		{ userId: { mode: 'email', value: 'user2@zylker.org' }, expected: '982000000554043' },
		{
			userId: { mode: 'email', value: 'nobody@zylker.org' },
			expected: 'No user in this organization has the email address nobody@zylker.org',
		},
		{
			userId: { mode: 'email', value: 'not an email' },
			expected: 'User: "not an email" is not an email address',
		},
		{ userId: { mode: 'list', value: '982000000554044' }, expected: '982000000554044' },
		{ userId: { mode: 'id', value: '' }, expected: 'User: no user given' },
	];

	test('every output item, failed or not, is paired with its input item, in order', async () => {
		const { credentials } = fixture;
		const items = Array.from({ length: 40 }, (_, index) => KINDS[(index * 3) % KINDS.length]);
		const { items: output, error } = await runWorkflow({
			credentials,
			items: items.map(({ userId }) => ({ mode: userId.mode, value: userId.value })),
			parameters: {
				resource: 'user',
				operation: 'get',
				// The mode from the item too (n8n evaluates the whole locator), so one run mixes them.
				userId: { __rl: true, mode: '={{ $json.mode }}', value: '={{ $json.value }}' },
			},
			settings: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(40);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			const shown = item.error ? item.error.message : item.json.user_id;
			const { expected } = items[index];
			if (expected instanceof RegExp) expect(shown).toMatch(expected);
			else expect(shown).toBe(expected);
		});
	});
});
