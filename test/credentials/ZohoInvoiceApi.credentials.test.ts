import { N8N_LINE, runNode, testCredential } from '../../harness/engine';
import { useSandbox } from '../helpers/sandbox';
import { ZohoSandbox } from '../../sandbox/server';
import { selfClientCredentials } from '../../harness/credentials';

const getCurrentUser = { resource: 'user', operation: 'getCurrent' };

describe('Zoho Invoice Self Client API credential, through n8n-core', () => {
	const fixture = useSandbox();

	test("exchanges the refresh token at the region's /oauth/v2/token as a form", async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });

		const [tokenRequest, ...more] = sandbox.tokenRequests();
		expect(more).toHaveLength(0);
		expect(tokenRequest.method).toBe('POST');
		expect(tokenRequest.headers['content-type']).toContain('application/x-www-form-urlencoded');
		expect(tokenRequest.form).toEqual({
			grant_type: 'refresh_token',
			client_id: sandbox.selfClient.clientId,
			client_secret: sandbox.selfClient.clientSecret,
			refresh_token: sandbox.selfClient.refreshToken,
		});
	});

	test('signs API requests with Zoho-oauthtoken and the organization header, and stores the token', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });

		const storedToken = credentials.get('zohoInvoiceApi').accessToken as string;
		expect(storedToken).toMatch(/^1000\./);
		const [apiRequest] = sandbox.apiRequests();
		expect(apiRequest.headers.authorization).toBe(`Zoho-oauthtoken ${storedToken}`);
		expect(apiRequest.headers['x-com-zoho-invoice-organizationid']).toBe(sandbox.organizationId);
	});

	test('reuses the stored token on the next run: no refresh per request', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		await runNode({ credentials, parameters: getCurrentUser, items: [{}, {}, {}] });
		expect(sandbox.tokenRequests()).toHaveLength(1);
		expect(sandbox.apiRequests()).toHaveLength(4);
	});

	test('refreshes once for many concurrent items', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			parameters: getCurrentUser,
			items: Array.from({ length: 50 }, () => ({})),
		});
		expect(output).toHaveLength(50);
		expect(sandbox.tokenRequests()).toHaveLength(1);
	});

	test('refreshes after the token expires (Zoho answers 401), then succeeds', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		const firstToken = credentials.get('zohoInvoiceApi').accessToken;
		sandbox.expireAccessTokens();

		const output = await runNode({ credentials, parameters: getCurrentUser, items: [{}, {}, {}] });

		expect(output.map((item) => item.json.user_id)).toEqual([
			'982000000554041',
			'982000000554041',
			'982000000554041',
		]);
		expect(sandbox.tokenRequests()).toHaveLength(2);
		const secondToken = credentials.get('zohoInvoiceApi').accessToken;
		expect(secondToken).not.toBe(firstToken);
		const lastRequest = sandbox.apiRequests().at(-1)!;
		expect(lastRequest.headers.authorization).toBe(`Zoho-oauthtoken ${secondToken}`);
	});

	test('refreshes when the stored token is refused with 401 for any other reason', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, { accessToken: '1000.revoked.token' }),
		);
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.tokenRequests()).toHaveLength(1);
		expect(sandbox.apiRequests().map((request) => request.headers.authorization)).toEqual([
			'Zoho-oauthtoken 1000.revoked.token',
			`Zoho-oauthtoken ${credentials.get('zohoInvoiceApi').accessToken}`,
		]);
	});

	describe('says which setting is wrong when Zoho refuses a token', () => {
		async function failure(overrides: Record<string, string>) {
			const { sandbox, credentials } = fixture;
			credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, overrides));
			const error = await runNode({ credentials, parameters: getCurrentUser }).then(
				() => undefined,
				(caught: Error) => caught,
			);
			expect(error).toBeDefined();
			expect(sandbox.apiRequests()).toHaveLength(0);
			return error!;
		}

		test('client id', async () => {
			const error = await failure({ clientId: '1000.UNKNOWN' });
			expect(error.message).toMatch(/does not know this Client ID/);
			expect(error.message).toMatch(/Region/);
		});

		test('client secret', async () => {
			expect((await failure({ clientSecret: 'wrong-secret' })).message).toMatch(
				/rejected the Client Secret/,
			);
		});

		test('refresh token', async () => {
			expect((await failure({ refreshToken: '1000.wrong.refresh' })).message).toMatch(
				/rejected the Refresh Token/,
			);
		});

		test('region: the accounts server of another data centre does not know the client', async () => {
			const otherRegion = await ZohoSandbox.start();
			try {
				const error = await failure({ customAccountsUrl: otherRegion.accountsUrl });
				expect(error.message).toMatch(/Client ID.*Region/);
				expect(error.message).toContain(otherRegion.accountsUrl);
			} finally {
				await otherRegion.stop();
			}
		});

		test('no secret appears in the error', async () => {
			const { sandbox } = fixture;
			const error = await failure({ clientSecret: 'wrong-secret-123' });
			const shown = JSON.stringify({
				message: error.message,
				description: (error as { description?: string }).description,
			});
			for (const secret of ['wrong-secret-123', sandbox.selfClient.refreshToken])
				expect(shown).not.toContain(secret);
		});
	});

	describe("n8n's Test button", () => {
		test('passes with the right client, token, region and organization', async () => {
			const { sandbox } = fixture;
			const result = await testCredential('zohoInvoiceApi', selfClientCredentials(sandbox));
			expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(sandbox.apiRequests().map((request) => request.path)).toEqual([
				'/invoice/v3/users/me',
			]);
		});

		test('always asks for a fresh token, so it proves the refresh token', async () => {
			const { sandbox } = fixture;
			await testCredential(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { accessToken: sandbox.issueAccessToken() }),
			);
			expect(sandbox.tokenRequests()).toHaveLength(1);
		});

		test('fails on a wrong refresh token, saying so', async () => {
			const { sandbox } = fixture;
			const result = await testCredential(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { refreshToken: 'bad' }),
			);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/Refresh Token/);
		});

		test('fails on a wrong organization id, saying so (n8n 1.x shows its own "Forbidden")', async () => {
			const { sandbox } = fixture;
			const result = await testCredential(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { organizationId: '1' }),
			);
			expect(result.status).toBe('Error');
			// n8n 1.x's tester loses the HTTP status of a request error, so credential rules never match there.
			expect(result.message).toMatch(N8N_LINE >= 2 ? /Organization ID/ : /^Forbidden/);
		});
	});
});
