import http from 'http';
import type { AddressInfo } from 'net';

import type { INodeExecutionData } from 'n8n-workflow';

import { configureTokenRequests } from '../../credentials/selfClientToken';
import { configureRateLimits } from '../../nodes/ZohoInvoice/shared/rateLimits';
import {
	CredentialStore,
	sandboxCredentials,
	selfClientCredentials,
} from '../../harness/credentials';
import { runNode, testCredential } from '../../harness/engine';
import { useSandbox } from '../helpers/sandbox';
import { ZohoSandbox } from '../../sandbox/server';

/**
 * The Self Client's access-token cache (credentials/selfClientToken.ts), through n8n-core:
 * which credential may have which token, how long a token request may take, and how a
 * refusal by Zoho is remembered.
 */

const getCurrentUser = { resource: 'user', operation: 'getCurrent' };
const CREDENTIAL = 'Zoho Invoice Self Client API credential';

type NodeError = Error & { description?: string };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	);
}

/** Resolves with what the promise settled to, or fails the test when it is still pending after `ms`. */
async function settledWithin<T>(
	ms: number,
	promise: Promise<T>,
): Promise<{ value?: T; error?: NodeError; elapsedMs: number }> {
	const started = Date.now();
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([
			promise.then(
				(value) => ({ value, elapsedMs: Date.now() - started }),
				(error: NodeError) => ({ error, elapsedMs: Date.now() - started }),
			),
			late,
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** A store holding one Self Client credential for the sandbox, with these fields changed. */
function storeWith(sandbox: ZohoSandbox, overrides: Record<string, string>): CredentialStore {
	const store = sandboxCredentials(sandbox);
	store.set('zohoInvoiceApi', selfClientCredentials(sandbox, overrides));
	return store;
}

function secretsOf(sandbox: ZohoSandbox): string[] {
	return [sandbox.selfClient.clientSecret, sandbox.selfClient.refreshToken];
}

function shown(error: NodeError | undefined): string {
	return JSON.stringify({ message: error?.message, description: error?.description });
}

const batched = (batchSize: number, batchInterval: number) => ({
	requestOptions: { batching: { batch: { batchSize, batchInterval } } },
});

/**
 * runNode with batching and Continue On Fail. n8n's RoutingNode sleeps between batches before it
 * settles the requests already started, so an item that failed early is a rejection handled
 * late: wait for Node to report it handled, or jest counts it as unhandled.
 */
async function runBatched(options: Parameters<typeof runNode>[0]) {
	const output = await runNode({ continueOnFail: true, ...options });
	await new Promise((resolve) => setImmediate(resolve));
	return output;
}

describe('Self Client token cache: a token only for a credential that could have obtained it', () => {
	const fixture = useSandbox();

	test('after the right credential got a token, a copy with a wrong Client Secret is refused, on the Test button and on the node', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		expect(sandbox.tokenRequests().length).toBe(1);

		const tested = await testCredential(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, { clientSecret: 'wrong-secret' }),
		);
		expect(tested).toEqual({
			status: 'Error',
			message: expect.stringMatching(/rejected the Client Secret/),
		});

		const wrong = storeWith(sandbox, { clientSecret: 'wrong-secret' });
		const error = await failure(runNode({ credentials: wrong, parameters: getCurrentUser }));
		expect(error.message).toMatch(`${CREDENTIAL}: Zoho rejected the Client Secret`);

		// The wrong copy asked Zoho itself, with its own secret (the node's run was then answered
		// from the remembered refusal); only the right credential's token reached the API.
		expect(sandbox.tokenRequests().map((request) => request.form?.client_secret)).toEqual([
			sandbox.selfClient.clientSecret,
			'wrong-secret',
		]);
		expect(sandbox.apiRequests()).toHaveLength(1);
		expect(sandbox.apiRequests()[0].headers.authorization).toBe(
			`Zoho-oauthtoken ${String(credentials.get('zohoInvoiceApi').accessToken)}`,
		);
	});

	test.each([
		['the wrong Client Secret refreshes first', 'wrong'],
		['the right Client Secret refreshes first', 'right'],
	])(
		'a refresh in flight answers no other credential at the same time (%s)',
		async (_label, first) => {
			const { sandbox } = fixture;
			const right = storeWith(sandbox, {});
			const wrong = storeWith(sandbox, { clientSecret: 'wrong-secret' });
			// The first token request stays in flight while the other credential asks.
			sandbox.injectFault({ target: 'accounts', delayMs: 300 });
			const [firstStore, secondStore] = first === 'wrong' ? [wrong, right] : [right, wrong];
			const firstRun = runNode({ credentials: firstStore, parameters: getCurrentUser });
			while (sandbox.tokenRequests().length === 0) await new Promise((r) => setImmediate(r));
			const secondRun = runNode({ credentials: secondStore, parameters: getCurrentUser });
			const [firstResult, secondResult] = await Promise.allSettled([firstRun, secondRun]);
			const results = first === 'wrong' ? [firstResult, secondResult] : [secondResult, firstResult];
			const [wrongResult, rightResult] = results;

			expect(rightResult.status).toBe('fulfilled');
			expect(
				(rightResult as PromiseFulfilledResult<INodeExecutionData[]>).value[0].json.user_id,
			).toBe('982000000554041');
			expect(wrongResult.status).toBe('rejected');
			expect((wrongResult as PromiseRejectedResult).reason.message).toMatch(
				/rejected the Client Secret/,
			);
			expect(
				sandbox
					.tokenRequests()
					.map((request) => request.form?.client_secret)
					.sort(),
			).toEqual([sandbox.selfClient.clientSecret, 'wrong-secret'].sort());
			expect(sandbox.apiRequests()).toHaveLength(1);
		},
	);
});

describe('A token endpoint that never answers', () => {
	const fixture = useSandbox();

	beforeEach(() => configureTokenRequests({ timeoutMs: 500 }));
	afterEach(() => configureTokenRequests());

	test('the run fails within the token timeout, naming the credential and the host, whatever the node timeout', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ target: 'accounts', hang: true });
		const { error, elapsedMs } = await settledWithin(
			5_000,
			runNode({
				credentials,
				parameters: { ...getCurrentUser, requestOptions: { timeout: 1_000 } },
			}),
		);
		expect(error?.message).toBe(
			`${CREDENTIAL}: the Zoho accounts server at ${sandbox.accountsUrl} did not answer within 0.5 s. Try again later. Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.`,
		);
		expect(elapsedMs).toBeLessThan(3_000);
		expect(sandbox.apiRequests()).toHaveLength(0);
		for (const secret of secretsOf(sandbox)) expect(shown(error)).not.toContain(secret);
	});

	test('the first run after the accounts server recovers gets a token and succeeds', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ target: 'accounts', hang: true });
		const stuck = await settledWithin(5_000, runNode({ credentials, parameters: getCurrentUser }));
		expect(stuck.error?.message).toMatch(/did not answer within/);

		// The hung request is still open on the sandbox; the accounts server answers again.
		const { value, elapsedMs } = await settledWithin(
			5_000,
			runNode({ credentials, parameters: getCurrentUser }),
		);
		expect(value?.[0].json.user_id).toBe('982000000554041');
		expect(elapsedMs).toBeLessThan(1_000);
		expect(sandbox.tokenRequests().length).toBe(2);
	});

	test('an item started while the refresh hangs shares its failure; one started after its deadline asks again', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({ target: 'accounts', hang: true });
		// Items 0 and 1 start together; item 2 a second later, well past the first refresh's
		// 500 ms deadline.
		const { value, elapsedMs } = await settledWithin(
			5_000,
			runBatched({
				credentials,
				items: [{}, {}, {}],
				parameters: { ...getCurrentUser, ...batched(2, 1_000) },
			}),
		);
		expect(elapsedMs).toBeLessThan(3_000);
		expect(value!.map((item) => item.error?.message ?? item.json.user_id)).toEqual([
			expect.stringMatching(/did not answer within 0\.5 s/),
			expect.stringMatching(/did not answer within 0\.5 s/),
			'982000000554041',
		]);
		expect(sandbox.tokenRequests().length).toBe(2);
	});

	test('an accounts server that trickles its answer and never finishes fails the run by the token timeout too', async () => {
		const { sandbox } = fixture;
		// A byte every 100 ms: never silent long enough for an idle timeout, never done.
		const drips: NodeJS.Timeout[] = [];
		const trickling = http.createServer((_request, response) => {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			drips.push(setInterval(() => response.write(' '), 100));
		});
		await new Promise<void>((resolve) => trickling.listen(0, '127.0.0.1', resolve));
		const accountsUrl = `http://127.0.0.1:${(trickling.address() as AddressInfo).port}`;
		try {
			const { error, elapsedMs } = await settledWithin(
				5_000,
				runNode({
					credentials: storeWith(sandbox, { customAccountsUrl: accountsUrl }),
					parameters: getCurrentUser,
				}),
			);
			expect(error?.message).toBe(
				`${CREDENTIAL}: the Zoho accounts server at ${accountsUrl} did not answer within 0.5 s. Try again later. Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.`,
			);
			expect(elapsedMs).toBeLessThan(3_000);
		} finally {
			drips.forEach(clearInterval);
			trickling.closeAllConnections();
			await new Promise((resolve) => trickling.close(resolve));
		}
	});

	test("n8n's Test button does not hang either", async () => {
		const { sandbox } = fixture;
		sandbox.injectFault({ target: 'accounts', hang: true });
		const { value, elapsedMs } = await settledWithin(
			5_000,
			testCredential('zohoInvoiceApi', selfClientCredentials(sandbox)),
		);
		expect(value?.status).toBe('Error');
		expect(value?.message).toMatch(/did not answer within 0\.5 s/);
		expect(elapsedMs).toBeLessThan(3_000);
	});
});

describe('A refused refresh is remembered briefly, not retried by every item', () => {
	const fixture = useSandbox();

	afterEach(() => configureTokenRequests());

	test('a revoked refresh token, 20 items batched 1 per 20 ms: one token request, every item told', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.revokeRefreshToken(sandbox.selfClient.refreshToken);
		const output = await runBatched({
			credentials,
			items: Array.from({ length: 20 }, () => ({})),
			parameters: { ...getCurrentUser, ...batched(1, 20) },
		});
		expect(output).toHaveLength(20);
		for (const item of output) expect(item.error?.message).toMatch(/rejected the Refresh Token/);
		expect(sandbox.tokenRequests().length).toBe(1);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test("in Zoho's Access Denied state, 15 batched items make one token request, not 15", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			target: 'accounts',
			status: 200,
			body: JSON.stringify({
				error: 'Access Denied',
				error_description:
					'You have made too many requests continuously. Please try again after some time.',
				status: 'failure',
			}),
			times: 100,
		});
		const output = await runBatched({
			credentials,
			items: Array.from({ length: 15 }, () => ({})),
			parameters: { ...getCurrentUser, ...batched(1, 20) },
		});
		expect(output).toHaveLength(15);
		for (const item of output) {
			expect(item.error?.message).toMatch(/at most 10 tokens per refresh token/);
		}
		expect(sandbox.tokenRequests().length).toBe(1);
	});

	test('the refusal is answered from memory only until the memory passes, then Zoho is asked again', async () => {
		const { sandbox, credentials } = fixture;
		// The second run must come within this time of the first (a few milliseconds even on a busy machine).
		const memoryMs = 2_000;
		configureTokenRequests({ refusalMemoryMs: memoryMs });
		sandbox.injectFault({
			target: 'accounts',
			status: 200,
			body: JSON.stringify({ error: 'Access Denied' }),
		});
		await expect(runNode({ credentials, parameters: getCurrentUser })).rejects.toThrow(
			/at most 10 tokens/,
		);
		await expect(runNode({ credentials, parameters: getCurrentUser })).rejects.toThrow(
			/at most 10 tokens/,
		);
		expect(sandbox.tokenRequests().length).toBe(1);

		await new Promise((resolve) => setTimeout(resolve, memoryMs + 100));
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.tokenRequests().length).toBe(2);
	});

	test('a corrected credential is not answered from memory: Zoho is asked at once', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, { clientSecret: 'wrong-secret' }),
		);
		await expect(runNode({ credentials, parameters: getCurrentUser })).rejects.toThrow(
			/rejected the Client Secret/,
		);
		credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox));
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.tokenRequests().map((request) => request.form?.client_secret)).toEqual([
			'wrong-secret',
			sandbox.selfClient.clientSecret,
		]);
	});
});

describe('An accounts server that cannot be reached or answers something else', () => {
	const fixture = useSandbox();

	test('a refused connection names the credential and the accounts host', async () => {
		const { sandbox } = fixture;
		const gone = await ZohoSandbox.start();
		await gone.stop();
		const error = await failure(
			runNode({
				credentials: storeWith(sandbox, { customAccountsUrl: gone.accountsUrl }),
				parameters: getCurrentUser,
			}),
		);
		expect(error.message).toBe(
			`${CREDENTIAL}: could not connect to the Zoho accounts server at ${gone.accountsUrl}: the connection was refused. Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.`,
		);
		for (const secret of secretsOf(sandbox)) expect(shown(error)).not.toContain(secret);
	});

	test('a host that does not exist names the credential and the accounts host', async () => {
		const { sandbox } = fixture;
		const error = await failure(
			runNode({
				credentials: storeWith(sandbox, { customAccountsUrl: 'http://accounts.zoho.invalid' }),
				parameters: getCurrentUser,
			}),
		);
		expect(error.message).toBe(
			`${CREDENTIAL}: could not find the host of the Zoho accounts server at http://accounts.zoho.invalid. Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.`,
		);
	});

	test('an HTTP 404 page from the token endpoint says what came back, not "could not reach"', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			target: 'accounts',
			status: 404,
			body: '<html>Not Found</html>',
			contentType: 'text/html',
		});
		const error = await failure(runNode({ credentials, parameters: getCurrentUser }));
		expect(error.message).toBe(
			`${CREDENTIAL}: the Zoho accounts server at ${sandbox.accountsUrl} answered HTTP 404 instead of a token (<html>Not Found</html>). Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.`,
		);
		expect(error.message).not.toMatch(/could not reach/);
	});

	test('an HTML page with HTTP 200 from the token endpoint says it was not JSON, naming the host', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			target: 'accounts',
			status: 200,
			body: '<html>Sign in</html>',
			contentType: 'text/html',
		});
		const error = await failure(runNode({ credentials, parameters: getCurrentUser }));
		expect(error.message).toBe(
			`${CREDENTIAL}: the Zoho accounts server at ${sandbox.accountsUrl} did not answer with JSON (<html>Sign in</html>). Check the Region.`,
		);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('an accounts server that echoes the request back: the secrets are cut out of the quote', async () => {
		const { sandbox, credentials } = fixture;
		const { clientSecret } = sandbox.selfClient;
		sandbox.injectFault({
			target: 'accounts',
			status: 200,
			body: JSON.stringify({ error: `bad ${clientSecret}` }),
		});
		const refused = await failure(runNode({ credentials, parameters: getCurrentUser }));
		expect(refused.message).toContain('[hidden]');

		// Another refresh token (so not answered from memory), echoed back in a 400 page.
		const refreshToken = '1000.another-refresh-token.0123456789abcdef';
		credentials.set('zohoInvoiceApi', {
			...credentials.get('zohoInvoiceApi'),
			refreshToken,
			accessToken: '',
		});
		sandbox.injectFault({
			target: 'accounts',
			status: 400,
			body: `client_secret=${clientSecret}&refresh_token=${refreshToken}`,
			contentType: 'text/plain',
		});
		const echoed = await failure(runNode({ credentials, parameters: getCurrentUser }));
		expect(echoed.message).toMatch(
			/answered HTTP 400 instead of a token \(client_secret=\[hidden\]&refresh_token=\[hidden\]\)/,
		);
		for (const error of [refused, echoed]) {
			for (const secret of [...secretsOf(sandbox), refreshToken])
				expect(shown(error)).not.toContain(secret);
		}
	});

	test("an HTTP 400 with Zoho's token error says which setting is wrong", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			target: 'accounts',
			status: 400,
			body: JSON.stringify({ error: 'invalid_code' }),
		});
		const error = await failure(runNode({ credentials, parameters: getCurrentUser }));
		expect(error.message).toMatch(
			`${CREDENTIAL}: Zoho rejected the Refresh Token at ${sandbox.accountsUrl}`,
		);
		for (const secret of secretsOf(sandbox)) expect(shown(error)).not.toContain(secret);
	});
});

describe('The token cache is bounded', () => {
	const fixture = useSandbox();

	test('a credential left unused while 1,000 others asked for tokens is dropped, and refreshes again', async () => {
		const { sandbox } = fixture;
		const tested = async () =>
			await testCredential('zohoInvoiceApi', selfClientCredentials(sandbox));
		expect((await tested()).status).toBe('OK');
		expect((await tested()).status).toBe('OK');
		// Cached: the second Test used the token the first one got.
		expect(sandbox.tokenRequests().length).toBe(1);

		// Unknown client ids: each is a credential of its own, refused by Zoho at once.
		const others = Array.from({ length: 1_000 }, (_, index) => `1000.OTHER${index}`);
		await Promise.all(
			others.map(
				async (clientId) =>
					await testCredential('zohoInvoiceApi', selfClientCredentials(sandbox, { clientId })),
			),
		);
		expect(sandbox.tokenRequests().length).toBe(1 + others.length);

		expect((await tested()).status).toBe('OK');
		expect(sandbox.tokenRequests().length).toBe(2 + others.length);
		expect(sandbox.tokenRequests().at(-1)?.form?.client_id).toBe(sandbox.selfClient.clientId);
	});
});

describe('A refresh token without the scope the operation needs', () => {
	const WINDOW_MS = 100;
	const fixture = useSandbox({ users: 5, limits: { windowMs: WINDOW_MS } });

	beforeEach(() => configureRateLimits({ windowMs: WINDOW_MS }));
	afterEach(() => {
		configureRateLimits();
		configureTokenRequests();
	});

	/** The credential's refresh token was granted reading only (a grant code for ZohoInvoice.settings.READ). */
	function readOnly(): void {
		const { sandbox, credentials } = fixture;
		const refreshToken = sandbox.grantRefreshToken(sandbox.selfClient.clientId, [
			'ZohoInvoice.settings.READ',
		]);
		credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, { refreshToken }));
	}

	const markInactive = {
		resource: 'user',
		operation: 'markInactive',
		userId: { __rl: true, mode: 'id', value: '982000000554042' },
	};

	function namesTheScope(error: NodeError | undefined): void {
		expect(error?.message).toBe('You are not authorized to perform this operation');
		expect(error?.description).toMatch(
			/Mark Inactive needs the scope ZohoInvoice\.settings\.CREATE/,
		);
		expect(error?.description).toMatch(/new grant code with scope ZohoInvoice\.settings\.ALL/);
	}

	test('150 Mark Inactive items: at most 2 token requests, and every item names ZohoInvoice.settings.CREATE', async () => {
		const { sandbox, credentials } = fixture;
		readOnly();
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: Array.from({ length: 150 }, () => ({})),
			parameters: markInactive,
		});
		expect(output).toHaveLength(150);
		for (const item of output) namesTheScope(item.error as NodeError | undefined);
		expect(sandbox.tokenRequests().length).toBeLessThanOrEqual(2);
		// Only the calls at Zoho when the first refusal came back, each sent twice by n8n (the retry
		// after its 401): the others of the run are told the same without asking Zoho again.
		expect(sandbox.apiRequests().length).toBeLessThanOrEqual(2 * 12);
		expect(sandbox.listUsers()[1].status).toBe('active');
	}, 30_000);

	test('12 one-item runs: at most 2 token requests, and every run names the scope', async () => {
		const { sandbox, credentials } = fixture;
		readOnly();
		for (let run = 0; run < 12; run++) {
			namesTheScope(await failure(runNode({ credentials, parameters: markInactive })));
		}
		expect(sandbox.tokenRequests().length).toBeLessThanOrEqual(2);
	});

	test('the credential stops refreshing for a bounded time only: after it, one more token is asked for', async () => {
		const { sandbox, credentials } = fixture;
		// The second run must come within this time of the first (a few milliseconds even on a busy machine).
		const boundMs = 2_000;
		configureTokenRequests({ scopeRefusalMs: boundMs });
		readOnly();
		for (let run = 0; run < 3; run++)
			await failure(runNode({ credentials, parameters: markInactive }));
		const before = sandbox.tokenRequests().length;
		expect(before).toBeLessThanOrEqual(2);

		await new Promise((resolve) => setTimeout(resolve, boundMs + 100));
		namesTheScope(await failure(runNode({ credentials, parameters: markInactive })));
		expect(sandbox.tokenRequests().length).toBe(before + 1);
	});

	test('the same token still reads: a Get after the refusals needs no new token', async () => {
		const { sandbox, credentials } = fixture;
		readOnly();
		await failure(runNode({ credentials, parameters: markInactive }));
		await failure(runNode({ credentials, parameters: markInactive }));
		const tokens = sandbox.tokenRequests().length;
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.tokenRequests().length).toBe(tokens);
	});

	test('a token that replaced an expired one, and expires in its turn after the bounded time, is refreshed', async () => {
		const { sandbox, credentials } = fixture;
		configureTokenRequests({ scopeRefusalMs: 200 });
		await runNode({ credentials, parameters: getCurrentUser });
		sandbox.expireAccessTokens();
		await runNode({ credentials, parameters: getCurrentUser });
		expect(sandbox.tokenRequests()).toHaveLength(2);

		await new Promise((resolve) => setTimeout(resolve, 250));
		sandbox.expireAccessTokens();
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.tokenRequests()).toHaveLength(3);
	});
});
