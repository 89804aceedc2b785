import { organizationKeyOf } from '../../../../nodes/ZohoInvoice/shared/zoho';
import { selfClientCredentials, oauth2Credentials } from '../../../../harness/credentials';
import { runNode, testCredential } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';
import { AUTHENTICATIONS } from '../../../helpers/wire';

/**
 * Where requests go (shared/zoho.ts): only Zoho's known regions, and custom URLs that are
 * trimmed and have no query or fragment.
 */

type NodeError = Error & { description?: string };

const getCurrentUser = { resource: 'user', operation: 'getCurrent' };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	);
}

describe('Region: only the data centres Zoho has', () => {
	const fixture = useSandbox();

	const notRegions = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'de'];

	test.each(
		AUTHENTICATIONS.flatMap((authentication) =>
			notRegions.map((region) => [region, authentication]),
		),
	)('region %s is refused by name before anything is sent (%s)', async (region, authentication) => {
		const { sandbox, credentials } = fixture;
		credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, { region }));
		credentials.set('zohoInvoiceOAuth2Api', {
			...oauth2Credentials(sandbox, { access_token: sandbox.issueAccessToken() }),
			region,
		});
		const error = await failure(
			runNode({
				credentials,
				authentication: authentication as 'oAuth2' | 'selfClient',
				parameters: getCurrentUser,
			}),
		);
		expect(error.message).toBe(
			`Credential: Region (Data Centre): "${region}" is not one of Zoho's data centres. Pick one in the credential.`,
		);
		expect(sandbox.log).toHaveLength(0);
	});

	test.each(['toString', 'constructor'])(
		"the Self Client's Test button refuses region %s by name",
		async (region) => {
			const { sandbox } = fixture;
			const result = await testCredential(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { region }),
			);
			expect(result.status).toBe('Error');
			expect(result.message).toContain(
				`Region (Data Centre): "${region}" is not one of Zoho's data centres`,
			);
			expect(sandbox.log).toHaveLength(0);
		},
	);
});

describe('Custom API URL and Accounts URL', () => {
	const fixture = useSandbox();

	test('spaces around the URLs and trailing slashes are dropped: requests go to the right paths', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, {
				customApiUrl: `  ${sandbox.apiUrl}/ `,
				customAccountsUrl: ` ${sandbox.accountsUrl}/  `,
			}),
		);
		const [output] = await runNode({ credentials, parameters: getCurrentUser });
		expect(output.json.user_id).toBe('982000000554041');
		expect(sandbox.log.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /oauth/v2/token',
			'GET /invoice/v3/users/me',
		]);
	});

	test('the Test button trims them too', async () => {
		const { sandbox } = fixture;
		const result = await testCredential(
			'zohoInvoiceApi',
			selfClientCredentials(sandbox, {
				customApiUrl: `  ${sandbox.apiUrl} `,
				customAccountsUrl: ` ${sandbox.accountsUrl} `,
			}),
		);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.apiRequests().map((request) => request.path)).toEqual(['/invoice/v3/users/me']);
	});

	test.each(['?x=1', '?organization_id=1', '#users', '/?', ' ?x'])(
		'an API URL ending in %j is refused, naming the API URL field, before anything is sent',
		async (tail) => {
			const { sandbox, credentials } = fixture;
			credentials.set(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { customApiUrl: `${sandbox.apiUrl}${tail}` }),
			);
			const error = await failure(runNode({ credentials, parameters: getCurrentUser }));
			expect(error.message).toMatch(
				/^Credential: API URL: ".*" is not a URL the node can send requests to/,
			);
			expect(error.message).toMatch(/without \? or #/);
			expect(sandbox.log).toHaveLength(0);
		},
	);

	test.each(['?x=1', '#top'])(
		'an Accounts URL ending in %j is refused, naming the Accounts URL field, before anything is sent',
		async (tail) => {
			const { sandbox, credentials } = fixture;
			credentials.set(
				'zohoInvoiceApi',
				selfClientCredentials(sandbox, { customAccountsUrl: `${sandbox.accountsUrl}${tail}` }),
			);
			const error = await failure(runNode({ credentials, parameters: getCurrentUser }));
			expect(error.message).toMatch(
				/^Zoho Invoice Self Client API credential: Accounts URL: ".*" is not a URL the node can send requests to/,
			);
			expect(sandbox.log).toHaveLength(0);
		},
	);
});

describe("One organization's limits, however its address is written", () => {
	const key = (apiUrl: string) => organizationKeyOf(apiUrl, '10234695');

	test.each([
		['https://WWW.ZohoApis.EU/invoice/v3', 'https://www.zohoapis.eu/invoice/v3'],
		['https://www.zohoapis.eu:443/invoice/v3/', 'https://www.zohoapis.eu/invoice/v3'],
		['http://127.0.0.1:8787/invoice/v3', 'http://localhost:8787/invoice/v3'],
		['http://[::1]:8787/invoice/v3', 'http://LOCALHOST:8787/invoice/v3'],
		['http://zoho-proxy.example.com:80/invoice/v3', 'http://zoho-proxy.example.com/invoice/v3'],
	])('%s and %s are one organization', (written, other) => {
		expect(key(written)).toBe(key(other));
	});

	test.each([
		['https://www.zohoapis.eu/invoice/v3', 'https://www.zohoapis.com/invoice/v3'],
		['http://127.0.0.1:8787/invoice/v3', 'http://127.0.0.1:8788/invoice/v3'],
		['http://zoho-proxy.example.com/a/invoice/v3', 'http://zoho-proxy.example.com/b/invoice/v3'],
	])('%s and %s are not', (one, other) => {
		expect(key(one)).not.toBe(key(other));
	});

	test('the organization id is part of it', () => {
		const url = 'https://www.zohoapis.eu/invoice/v3';
		expect(organizationKeyOf(url, '1')).not.toBe(organizationKeyOf(url, '2'));
	});
});
