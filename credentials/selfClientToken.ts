import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { TOKEN_PATH, accountsBaseUrl } from '../nodes/ZohoInvoice/shared/zoho';

interface CachedToken {
	accessToken?: string;
	expiresAt: number;
	refreshing?: Promise<string>;
}

/** Refresh a little before Zoho's hour is up, so a token does not die mid-request. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Zoho allows 10 token refreshes per refresh token per 10 minutes. n8n runs a
 * declarative node's items concurrently, each with its own copy of the
 * credential, so without this every item of a run would refresh at once.
 * Keyed by a hash: the refresh token itself is never kept as a key.
 */
const tokens = new Map<string, CachedToken>();

function cacheKey(credentials: ICredentialDataDecryptedObject, accountsUrl: string): string {
	return createHash('sha256')
		.update([accountsUrl, credentials.clientId, credentials.refreshToken].join('\n'))
		.digest('hex');
}

/** Names the credential in every token error: the user sees these on the node, not on the credential. */
const CREDENTIAL = 'Zoho Invoice API (Self Client) credential';

/** Zoho answers token errors with HTTP 200 and an `error` field; say which setting is wrong. */
function tokenErrorMessage(error: string, accountsUrl: string): string {
	return `${CREDENTIAL}: ${tokenProblem(error, `at ${accountsUrl}`)}`;
}

function tokenProblem(error: string, where: string): string {
	switch (error) {
		case 'invalid_client':
			return `Zoho does not know this Client ID ${where}. Check the Client ID, and that the Region is the data centre where the Self Client was created.`;
		case 'invalid_client_secret':
			return `Zoho rejected the Client Secret ${where}. Copy it again from the Zoho API Console (Self Client → Client Secret).`;
		case 'invalid_code':
			return `Zoho rejected the Refresh Token ${where}: it is wrong, was revoked, or belongs to another client or region. Generate a new grant code and exchange it for a refresh token.`;
		case 'Access Denied':
			return `Zoho refused a new access token ${where}: at most 10 tokens per refresh token are allowed every 10 minutes. Wait a few minutes and try again.`;
		default:
			return `Zoho refused a new access token ${where} ("${error}"). Check the Client ID, Client Secret, Refresh Token and Region.`;
	}
}

async function requestAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	accountsUrl: string,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
	let response: IDataObject | undefined;
	let failure = 'no answer';
	try {
		response = (await helper.helpers.httpRequest({
			method: 'POST',
			url: `${accountsUrl}${TOKEN_PATH}`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				client_id: String(credentials.clientId ?? ''),
				client_secret: String(credentials.clientSecret ?? ''),
				refresh_token: String(credentials.refreshToken ?? ''),
			}).toString(),
			json: true,
		})) as IDataObject;
	} catch (error) {
		// The request error carries the form body, secrets included: keep only its message.
		failure = (error as { message?: string }).message ?? failure;
	}
	if (response === undefined) {
		throw new Error(`${CREDENTIAL}: could not reach the Zoho accounts server at ${accountsUrl}: ${failure}`);
	}
	if (typeof response !== 'object' || response === null) {
		throw new Error(`${CREDENTIAL}: the Zoho accounts server at ${accountsUrl} did not answer with JSON. Check the Region.`);
	}
	if (typeof response.error === 'string') throw new Error(tokenErrorMessage(response.error, accountsUrl));
	if (typeof response.access_token !== 'string') {
		throw new Error(`${CREDENTIAL}: the Zoho accounts server at ${accountsUrl} returned no access token. Check the Region.`);
	}
	return { accessToken: response.access_token, expiresInSeconds: Number(response.expires_in) || 3600 };
}

/**
 * A valid access token for a Self Client credential. n8n asks when the stored
 * token is empty or Zoho answered 401: when the caller's token is the one we
 * handed out last, it is dead and we refresh; when we already hold a newer,
 * live one (another item refreshed first), that one is returned.
 */
export async function selfClientAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const accountsUrl = accountsBaseUrl(credentials);
	const key = cacheKey(credentials, accountsUrl);
	const cached = tokens.get(key) ?? { expiresAt: 0 };
	tokens.set(key, cached);

	if (cached.refreshing) return await cached.refreshing;
	const callerHoldsCachedToken = cached.accessToken === credentials.accessToken;
	if (cached.accessToken && !callerHoldsCachedToken && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
		return cached.accessToken;
	}

	cached.refreshing = requestAccessToken(helper, credentials, accountsUrl).then(
		({ accessToken, expiresInSeconds }) => {
			cached.accessToken = accessToken;
			cached.expiresAt = Date.now() + expiresInSeconds * 1000;
			return accessToken;
		},
	);
	try {
		return await cached.refreshing;
	} finally {
		cached.refreshing = undefined;
	}
}
