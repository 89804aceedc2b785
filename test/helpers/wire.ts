import type { ReceivedRequest } from '../../sandbox/server';
import type { Authentication, CredentialStore } from '../../harness/credentials';

export const AUTHENTICATIONS: Authentication[] = ['oAuth2', 'selfClient'];

/** The token the request should carry: OAuth2 as Bearer, Self Client as Zoho-oauthtoken. */
export function expectedAuthorization(
	credentials: CredentialStore,
	authentication: Authentication,
): string {
	if (authentication === 'oAuth2') {
		const tokens = credentials.get('zohoInvoiceOAuth2Api').oauthTokenData as {
			access_token: string;
		};
		return `Bearer ${tokens.access_token}`;
	}
	return `Zoho-oauthtoken ${String(credentials.get('zohoInvoiceApi').accessToken)}`;
}

/** Method, path, query and JSON body as the server received them, plus the two headers every request needs. */
export function onTheWire(request: ReceivedRequest) {
	return {
		method: request.method,
		path: request.path,
		query: request.query,
		body: request.json,
		authorization: request.headers.authorization,
		organization: request.headers['x-com-zoho-invoice-organizationid'],
	};
}
