import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject } from 'n8n-workflow';

import { resolveCredential, runNode, testCredential } from '../../harness/engine';
import { oauth2Credentials } from '../../harness/credentials';
import { useSandbox } from '../helpers/sandbox';

const type = 'zohoInvoiceOAuth2Api';

/** Zoho's accounts servers per data centre, from Zoho's OAuth pages; Canada's is zohocloud.ca. */
const accountsServers: Record<string, string> = {
	com: 'https://accounts.zoho.com',
	eu: 'https://accounts.zoho.eu',
	in: 'https://accounts.zoho.in',
	'com.au': 'https://accounts.zoho.com.au',
	jp: 'https://accounts.zoho.jp',
	ca: 'https://accounts.zohocloud.ca',
	'com.cn': 'https://accounts.zoho.com.cn',
	sa: 'https://accounts.zoho.sa',
};

describe('Zoho Invoice OAuth2 API credential', () => {
	test.each(Object.entries(accountsServers))(
		'region %s authorizes and gets tokens at %s',
		(region, accounts) => {
			const resolved = resolveCredential(type, { region, organizationId: '1' });
			expect(resolved.authUrl).toBe(`${accounts}/oauth/v2/auth`);
			expect(resolved.accessTokenUrl).toBe(`${accounts}/oauth/v2/token`);
		},
	);

	test('custom region uses the given accounts URL, trailing slash or not', () => {
		const resolved = resolveCredential(type, {
			region: 'custom',
			customAccountsUrl: 'http://127.0.0.1:9000/',
			organizationId: '1',
		});
		expect(resolved.authUrl).toBe('http://127.0.0.1:9000/oauth/v2/auth');
		expect(resolved.accessTokenUrl).toBe('http://127.0.0.1:9000/oauth/v2/token');
	});

	test('asks for the Users scopes, comma-separated, offline access with consent, client credentials in the body', () => {
		const resolved = resolveCredential(type, { region: 'eu', organizationId: '1' });
		expect(String(resolved.scope).split(',').sort()).toEqual([
			'ZohoInvoice.settings.CREATE',
			'ZohoInvoice.settings.DELETE',
			'ZohoInvoice.settings.READ',
			'ZohoInvoice.settings.UPDATE',
		]);
		expect(new URLSearchParams(String(resolved.authQueryParameters))).toEqual(
			new URLSearchParams({ access_type: 'offline', prompt: 'consent' }),
		);
		expect(resolved.authentication).toBe('body');
		expect(resolved.grantType).toBe('authorizationCode');
	});

	describe('against the sandbox', () => {
		const fixture = useSandbox();

		const connectedCredential = (tokens: IDataObject) => oauth2Credentials(fixture.sandbox, tokens);

		test('Connect: consent redirect, then the code is exchanged for tokens, as n8n does it', async () => {
			const { sandbox } = fixture;
			const resolved = resolveCredential(type, connectedCredential({}));
			const redirectUri = 'http://localhost:5678/rest/oauth2-credential/callback';
			// With `authentication: body`, n8n leaves the secret out of the client and sends both in the form.
			const client = new ClientOAuth2({
				clientId: String(resolved.clientId),
				authorizationUri: String(resolved.authUrl),
				accessTokenUri: String(resolved.accessTokenUrl),
				redirectUri,
				scopes: [String(resolved.scope)],
				state: 'n8n-state',
			});
			const authorize = `${client.code.getUri()}&${resolved.authQueryParameters}`;
			const consent = await fetch(authorize, { redirect: 'manual' });
			expect(consent.status).toBe(302);
			const callback = consent.headers.get('location')!;
			expect(new URL(callback).searchParams.get('state')).toBe('n8n-state');

			const token = await client.code.getToken(callback, {
				body: { client_id: resolved.clientId, client_secret: resolved.clientSecret },
			});
			expect(token.refreshToken).toBeTruthy();
			const [authorizeRequest] = sandbox.log.filter((request) => request.path === '/oauth/v2/auth');
			expect(authorizeRequest.query).toMatchObject({
				access_type: 'offline',
				prompt: 'consent',
				response_type: 'code',
				scope: String(resolved.scope),
			});
			expect(sandbox.tokenRequests()[0].form).toMatchObject({
				grant_type: 'authorization_code',
				client_id: sandbox.oauthClient.clientId,
				client_secret: sandbox.oauthClient.clientSecret,
			});
		});

		test('signs with Bearer and sends the organization header from the node', async () => {
			const { sandbox, credentials } = fixture;
			const accessToken = sandbox.issueAccessToken();
			credentials.set(
				type,
				connectedCredential({ access_token: accessToken, token_type: 'Bearer' }),
			);
			await runNode({
				credentials,
				authentication: 'oAuth2',
				parameters: { resource: 'user', operation: 'getCurrent' },
			});
			const [request] = sandbox.apiRequests();
			expect(request.headers.authorization).toBe(`Bearer ${accessToken}`);
			expect(request.headers['x-com-zoho-invoice-organizationid']).toBe(sandbox.organizationId);
		});

		test("n8n refreshes an expired token at the region's token URL, client credentials in the body", async () => {
			const { sandbox, credentials } = fixture;
			const refreshToken = sandbox.grantRefreshToken(sandbox.oauthClient.clientId, [
				'ZohoInvoice.settings.ALL',
			]);
			credentials.set(
				type,
				connectedCredential({
					access_token: sandbox.issueAccessToken(),
					refresh_token: refreshToken,
					token_type: 'Bearer',
				}),
			);
			sandbox.expireAccessTokens();

			const [output] = await runNode({
				credentials,
				authentication: 'oAuth2',
				parameters: { resource: 'user', operation: 'getCurrent' },
			});

			expect(output.json.user_id).toBe('982000000554041');
			const [refresh] = sandbox.tokenRequests();
			expect(refresh.form).toMatchObject({
				grant_type: 'refresh_token',
				refresh_token: refreshToken,
				client_id: sandbox.oauthClient.clientId,
				client_secret: sandbox.oauthClient.clientSecret,
			});
			const stored = credentials.get(type).oauthTokenData as { access_token: string };
			expect(sandbox.apiRequests().at(-1)!.headers.authorization).toBe(
				`Bearer ${stored.access_token}`,
			);
		});

		test("n8n's Test button calls /users/me with the organization header", async () => {
			const { sandbox } = fixture;
			const result = await testCredential(
				type,
				connectedCredential({ access_token: sandbox.issueAccessToken(), token_type: 'Bearer' }),
			);
			expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(sandbox.apiRequests()[0].headers['x-com-zoho-invoice-organizationid']).toBe(
				sandbox.organizationId,
			);
		});
	});
});
