import { runNode } from '../../harness/engine';
import { useSandbox } from '../helpers/sandbox';
import type { ZohoSandbox } from '../../sandbox/server';

const getCurrentUser = { resource: 'user', operation: 'getCurrent' };

/** What another n8n process does: refresh the Self Client's token itself (n8n then stores it in the database). */
async function refreshElsewhere(sandbox: ZohoSandbox): Promise<string> {
	const response = await fetch(`${sandbox.accountsUrl}/oauth/v2/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: sandbox.selfClient.clientId,
			client_secret: sandbox.selfClient.clientSecret,
			refresh_token: sandbox.selfClient.refreshToken,
		}).toString(),
	});
	return ((await response.json()) as { access_token: string }).access_token;
}

function tokenOf(request: { headers: Record<string, unknown> }): string {
	return String(request.headers.authorization).replace('Zoho-oauthtoken ', '');
}

/**
 * In n8n's queue mode every process caches its own Self Client token, and
 * n8n's database holds whichever token a process wrote last. When Zoho drops
 * tokens early (it keeps 15 live per refresh token; a revoked token answers
 * 401 before its hour is up), a process must not answer a 401 with a token it
 * cached before that 401.
 */
describe('Self Client tokens shared through n8n database between processes', () => {
	const fixture = useSandbox({ users: 3 });

	test("after a 401 on another process's token, a token cached before the 401 is not handed out: a new one is fetched", async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		const cachedHere = credentials.get('zohoInvoiceApi').accessToken as string;

		// Another worker refreshed and wrote its token to the database; then Zoho dropped every token.
		const writtenByOther = await refreshElsewhere(sandbox);
		credentials.set('zohoInvoiceApi', {
			...credentials.get('zohoInvoiceApi'),
			accessToken: writtenByOther,
		});
		sandbox.expireAccessTokens();
		sandbox.clearLog();

		const output = await runNode({
			credentials,
			continueOnFail: true,
			parameters: getCurrentUser,
			items: [{}, {}, {}, {}, {}],
		});
		expect(output.filter((item) => item.error)).toEqual([]);
		expect(sandbox.tokenRequests()).toHaveLength(1);
		const usedTokens = sandbox.apiRequests().map(tokenOf);
		expect(usedTokens).not.toContain(cachedHere);
		expect(new Set(usedTokens.filter((token) => token !== writtenByOther)).size).toBe(1);
	});

	test('a token Zoho answered 401 for is never sent again, not even to a run that holds no token', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		const refused = credentials.get('zohoInvoiceApi').accessToken as string;
		sandbox.expireAccessTokens();
		// The accounts server is down for the refresh that follows the 401.
		sandbox.injectFault({
			target: 'accounts',
			status: 503,
			body: 'Service Unavailable',
			contentType: 'text/plain',
		});
		await expect(runNode({ credentials, parameters: getCurrentUser })).rejects.toThrow(
			/accounts server/,
		);

		// A run that holds no token (a copy of the credential whose token n8n has not stored yet).
		sandbox.clearLog();
		credentials.set('zohoInvoiceApi', { ...credentials.get('zohoInvoiceApi'), accessToken: '' });
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBeDefined();
		expect(sandbox.apiRequests().map(tokenOf)).not.toContain(refused);
		expect(sandbox.tokenRequests()).toHaveLength(1);
	});

	test('many items meeting the same 401 still share one refresh, and later ones reuse it', async () => {
		const { sandbox, credentials } = fixture;
		await runNode({ credentials, parameters: getCurrentUser });
		sandbox.expireAccessTokens();
		sandbox.clearLog();
		const output = await runNode({
			credentials,
			parameters: getCurrentUser,
			items: Array.from({ length: 30 }, () => ({})),
		});
		expect(output).toHaveLength(30);
		expect(sandbox.tokenRequests()).toHaveLength(1);
	});
});
