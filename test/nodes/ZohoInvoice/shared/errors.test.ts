import type { INodeExecutionData } from 'n8n-workflow';

import { runNode, runWorkflow } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';
import type { Fault } from '../../../../sandbox/server';
import { ZohoSandbox } from '../../../../sandbox/server';
import { selfClientCredentials } from '../../../../harness/credentials';

const getUser = {
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value: '982000000554041' },
};

type NodeError = Error & { description?: string; httpCode?: string | null };

/** Counts the requests the sandbox has seen, to fault the Nth one. */
function nth(count: number): Fault['match'] {
	let seen = 0;
	return () => ++seen === count;
}

describe('Faults: a clear error naming what happened and where, never a crash, nothing lost', () => {
	const fixture = useSandbox({ users: 5, limits: { perWindow: 10_000 } });
	const shown: string[] = [];

	async function failure(options: Partial<Parameters<typeof runNode>[0]> = {}): Promise<NodeError> {
		const { credentials } = fixture;
		const error = await runNode({ credentials, parameters: getUser, ...options }).then(
			() => undefined,
			(caught: NodeError) => caught,
		);
		expect(error).toBeDefined();
		shown.push(JSON.stringify({ message: error!.message, description: error!.description }));
		return error!;
	}

	function host(): string {
		return new URL(fixture.sandbox.url).host;
	}

	afterEach(() => {
		// No secret in any message or description the user is shown.
		const { sandbox, credentials } = fixture;
		const secrets = [
			sandbox.selfClient.clientSecret,
			sandbox.selfClient.refreshToken,
			sandbox.oauthClient.clientSecret,
			String(credentials.get('zohoInvoiceApi').accessToken || 'no-token-yet'),
		];
		for (const text of shown.splice(0))
			for (const secret of secrets) expect(text).not.toContain(secret);
	});

	test('a token that expires mid-run: one more refresh, then every item succeeds', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ expireTokens: true, match: nth(25) });
		const output = await runNode({
			credentials,
			parameters: getUser,
			items: Array.from({ length: 50 }, () => ({})),
		});
		expect(output).toHaveLength(50);
		expect(output.every((item) => item.json.user_id === '982000000554041')).toBe(true);
		expect(sandbox.tokenRequests()).toHaveLength(2);
	});

	test('a revoked refresh token: an error naming the Refresh Token, and one token request for all items', async () => {
		const { sandbox } = fixture;
		sandbox.revokeRefreshToken(sandbox.selfClient.refreshToken);
		const error = await failure({ items: Array.from({ length: 20 }, () => ({})) });
		expect(error.message).toMatch(
			/^Zoho Invoice Self Client API credential: Zoho rejected the Refresh Token/,
		);
		expect(sandbox.tokenRequests()).toHaveLength(1);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('a revoked refresh token behind an expired access token: still no refresh storm', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, { accessToken: sandbox.issueAccessToken() }),
		);
		sandbox.expireAccessTokens();
		sandbox.revokeRefreshToken(sandbox.selfClient.refreshToken);
		const error = await failure({ items: Array.from({ length: 20 }, () => ({})) });
		expect(error.message).toMatch(/Refresh Token/);
		expect(sandbox.tokenRequests()).toHaveLength(1);
	});

	test("Zoho's 500 keeps Zoho's message and suggests retrying", async () => {
		const { sandbox } = fixture;
		sandbox.injectFault({
			status: 500,
			body: JSON.stringify({ code: 1000, message: 'Internal Error' }),
		});
		const error = await failure();
		expect(error).toMatchObject({ message: 'Internal Error', httpCode: '500' });
		expect(error.description).toMatch(/Zoho had a problem/);
		expect(error.description).toMatch(/Retry On Fail/);
	});

	test("a malformed JSON body says the answer was not Zoho's JSON, naming the host", async () => {
		const { sandbox } = fixture;
		sandbox.injectFault({ status: 200, body: '{"code":0,"user":{"user_id":' });
		const error = await failure();
		expect(error.message).toBe(`${host()} answered with something other than Zoho's JSON`);
	});

	test('an answer slower than the timeout names the host', async () => {
		const { sandbox } = fixture;
		sandbox.injectFault({ delayMs: 1500 });
		const error = await failure({ parameters: { ...getUser, requestOptions: { timeout: 300 } } });
		expect(error.message).toBe(`${host()} did not answer in time`);
	});

	test('a dropped connection names the host', async () => {
		const { sandbox } = fixture;
		sandbox.injectFault({ drop: true });
		const error = await failure();
		expect(error.message).toBe(`The connection to ${host()} was dropped before Zoho answered`);
	});

	test('a refused connection names the host', async () => {
		const { sandbox, credentials } = fixture;
		const gone = await ZohoSandbox.start();
		const goneHost = new URL(gone.url).host;
		await gone.stop();
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, {
				accessToken: sandbox.issueAccessToken(),
				customApiUrl: `http://${goneHost}/invoice/v3`,
			}),
		);
		const error = await failure();
		expect(error.message).toBe(`Could not connect to ${goneHost}: the connection was refused`);
	});

	test('Continue On Fail with faults on some of 100 items: 100 outputs in order, the failed ones carrying their error', async () => {
		const { sandbox, credentials } = fixture;
		const failing = new Set([3, 17, 42, 43, 99]);
		const items = Array.from({ length: 100 }, (_, index) => ({
			id: failing.has(index) ? String(index) : '982000000554041',
		}));
		const output: INodeExecutionData[] = await runNode({
			credentials,
			continueOnFail: true,
			items,
			parameters: { ...getUser, userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
		});
		expect(output).toHaveLength(100);
		output.forEach((item, index) => {
			if (failing.has(index)) {
				expect(item.error?.message).toBe('User does not exist.');
				shown.push(
					JSON.stringify({
						json: item.json,
						message: item.error?.message,
						description: item.error?.description,
					}),
				);
			} else {
				expect(item.json.user_id).toBe('982000000554041');
				expect(item.pairedItem).toEqual({ item: index });
			}
		});
		expect(sandbox.apiRequests()).toHaveLength(100);
	});
});

describe('Continue On Fail in a workflow run by n8n', () => {
	const fixture = useSandbox({ users: 5, limits: { perWindow: 10_000 } });

	test('every output item, failed or not, is paired with its input item', async () => {
		const { credentials } = fixture;
		const failing = new Set([0, 7, 19]);
		const ids = Array.from({ length: 20 }, (_, index) =>
			failing.has(index) ? '1' : '982000000554041',
		);
		const items = ids.map((id) => ({ id }));
		const { items: output, error } = await runWorkflow({
			credentials,
			parameters: {
				resource: 'user',
				operation: 'get',
				userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			},
			items,
			settings: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(20);
		expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, index) => ({ item: index })));
		expect(output.flatMap((item, index) => (item.error ? [index] : []))).toEqual([0, 7, 19]);
	});
});
