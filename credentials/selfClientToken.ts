import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { networkFailureSays, preview, timedOut } from '../nodes/ZohoInvoice/shared/errors';
import { readFailure } from '../nodes/ZohoInvoice/shared/failure';
import { TOKEN_PATH, accountsBaseUrl } from '../nodes/ZohoInvoice/shared/zoho';

/**
 * Zoho allows 10 token refreshes per refresh token per 10 minutes and keeps
 * at most 15 live access tokens per refresh token. n8n runs a declarative
 * node's items concurrently, each with its own copy of the credential, and
 * asks for a token when its copy has none or Zoho answered 401: without this
 * cache every item of a run would refresh at once.
 */
interface TokenEntry {
	accessToken?: string;
	obtainedAt: number;
	expiresAt: number;
	/** The token was obtained because Zoho had refused the one before it. */
	replacedRefused: boolean;
	/** Until when the token is known to lack a scope: no new token is asked for, it would lack it too. */
	lacksScopeUntil: number;
	/** The refresh in flight; nobody joins it past its deadline. */
	refresh?: { token: Promise<string>; deadline: number };
	/** A refusal Zoho answered, remembered briefly: asking again would only prolong a lockout. */
	refused?: { error: Error; until: number };
	/** Tokens Zoho answered 401 for (hashed), with when that was first reported: never handed out again. */
	rejected: Map<string, number>;
}

interface TokenSettings {
	/** The token request's own timeout: a stuck accounts server must not hold a run for n8n's five minutes. */
	timeoutMs: number;
	/** How long a refusal by Zoho (wrong secret, revoked token, too many refreshes) is answered from memory. */
	refusalMemoryMs: number;
	/**
	 * A token obtained to replace a refused one and refused in its turn within this time lacks a
	 * scope, and is kept as it is for this time: Zoho's window for its 10 refreshes.
	 */
	scopeRefusalMs: number;
}

const DEFAULT_SETTINGS: TokenSettings = {
	timeoutMs: 30_000,
	refusalMemoryMs: 60_000,
	scopeRefusalMs: 10 * 60_000,
};
let settings: TokenSettings = { ...DEFAULT_SETTINGS };

/** Tests shorten the timeout; production uses the defaults. */
export function configureTokenRequests(overrides: Partial<TokenSettings> = {}): void {
	settings = { ...DEFAULT_SETTINGS, ...overrides };
}

/** Refresh a little before Zoho's hour is up, so a token does not die mid-request. */
const EXPIRY_MARGIN_MS = 60_000;
/** Bounded: a process serving many credentials keeps the most recently used. */
const ENTRIES_KEPT = 1_000;
const REJECTED_KEPT = 20;

const entries = new Map<string, TokenEntry>();

function hash(...parts: unknown[]): string {
	return createHash('sha256')
		.update(parts.map((part) => String(part ?? '')).join('\n'))
		.digest('hex');
}

/**
 * Everything that decides which token Zoho gives, hashed: a token is only
 * ever handed to a credential that could have obtained it itself, and no
 * secret is kept as a key.
 */
function entryFor(credentials: ICredentialDataDecryptedObject, accountsUrl: string): TokenEntry {
	const key = hash(
		accountsUrl,
		credentials.clientId,
		credentials.clientSecret,
		credentials.refreshToken,
	);
	const entry = entries.get(key) ?? {
		obtainedAt: 0,
		expiresAt: 0,
		replacedRefused: false,
		lacksScopeUntil: 0,
		rejected: new Map(),
	};
	entries.delete(key);
	entries.set(key, entry);
	if (entries.size > ENTRIES_KEPT) entries.delete(entries.keys().next().value as string);
	return entry;
}

/** Names the credential in every token error: the user sees these on the node, not on the credential. */
const CREDENTIAL = 'Zoho Invoice Self Client API credential';

class TokenRefusedError extends Error {}

/**
 * A short quote of what the accounts server sent, for a message. Whatever
 * sits behind the accounts URL may echo the request: the credential's
 * secrets are cut out before anything is quoted.
 */
function quotedWithoutSecrets(
	credentials: ICredentialDataDecryptedObject,
	value: unknown,
	length: number,
): string {
	let text = preview(value, length + 200);
	for (const secret of [credentials.clientSecret, credentials.refreshToken]) {
		if (typeof secret === 'string' && secret.length >= 4)
			text = text.split(secret).join('[hidden]');
	}
	return preview(text, length);
}

/** Zoho answers token errors with HTTP 200 and an `error` field; say which setting is wrong. */
function tokenProblem(
	credentials: ICredentialDataDecryptedObject,
	error: string,
	where: string,
): string {
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
			return `Zoho refused a new access token ${where} ("${quotedWithoutSecrets(credentials, error, 60)}"). Check the Client ID, Client Secret, Refresh Token and Region.`;
	}
}

/** Why no answer came from the accounts server, naming the host; never the request, which holds the secrets. */
function unreachable(
	credentials: ICredentialDataDecryptedObject,
	error: unknown,
	accountsUrl: string,
	pastDeadline: boolean,
): Error {
	const failure = readFailure(error);
	const where = `the Zoho accounts server at ${accountsUrl}`;
	const check =
		'Check the Region (or the Accounts URL of a Custom region) and that n8n can reach the internet.';
	const late = () =>
		new Error(
			`${CREDENTIAL}: ${where} did not answer within ${settings.timeoutMs / 1000} s. Try again later. ${check}`,
		);
	if (pastDeadline) return late();
	if (failure.status !== undefined) {
		const body = failure.body as IDataObject | undefined;
		if (typeof body?.error === 'string')
			return new TokenRefusedError(
				`${CREDENTIAL}: ${tokenProblem(credentials, body.error, `at ${accountsUrl}`)}`,
			);
		const message = `${CREDENTIAL}: ${where} answered HTTP ${failure.status} instead of a token (${quotedWithoutSecrets(credentials, failure.body ?? '', 80)}). ${check}`;
		// A server error may pass in a moment: only a refusal (4xx) is worth remembering.
		return failure.status >= 500 ? new Error(message) : new TokenRefusedError(message);
	}
	if (timedOut(failure)) return late();
	const says = networkFailureSays(failure, where);
	if (says) return new Error(`${CREDENTIAL}: ${says}. ${check}`);
	return new Error(
		`${CREDENTIAL}: could not reach ${where}${failure.reason ? ` (${quotedWithoutSecrets(credentials, failure.reason, 80)})` : ''}. ${check}`,
	);
}

async function requestAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	accountsUrl: string,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
	// The deadline for the whole request: `timeout` below is an idle timeout only, which a
	// server answering a byte at a time never reaches.
	const deadline = AbortSignal.timeout(settings.timeoutMs);
	let response: unknown;
	try {
		response = await helper.helpers.httpRequest({
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
			timeout: settings.timeoutMs,
			abortSignal: deadline,
		});
	} catch (error) {
		throw unreachable(credentials, error, accountsUrl, deadline.aborted);
	}
	const answer =
		typeof response === 'object' && response !== null ? (response as IDataObject) : undefined;
	if (!answer) {
		throw new TokenRefusedError(
			`${CREDENTIAL}: the Zoho accounts server at ${accountsUrl} did not answer with JSON (${quotedWithoutSecrets(credentials, response ?? '', 80)}). Check the Region.`,
		);
	}
	if (typeof answer.error === 'string') {
		throw new TokenRefusedError(
			`${CREDENTIAL}: ${tokenProblem(credentials, answer.error, `at ${accountsUrl}`)}`,
		);
	}
	if (typeof answer.access_token !== 'string' || answer.access_token === '') {
		throw new TokenRefusedError(
			`${CREDENTIAL}: the Zoho accounts server at ${accountsUrl} returned no access token. Check the Region.`,
		);
	}
	return { accessToken: answer.access_token, expiresInSeconds: Number(answer.expires_in) || 3600 };
}

function refresh(
	entry: TokenEntry,
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	accountsUrl: string,
	replacesRefused: boolean,
): Promise<string> {
	const startedAt = Date.now();
	const token = requestAccessToken(helper, credentials, accountsUrl).then(
		({ accessToken, expiresInSeconds }) => {
			entry.accessToken = accessToken;
			entry.obtainedAt = Date.now();
			entry.expiresAt = entry.obtainedAt + expiresInSeconds * 1000;
			entry.replacedRefused = replacesRefused;
			entry.refused = undefined;
			return accessToken;
		},
		(error: Error) => {
			if (error instanceof TokenRefusedError)
				entry.refused = { error, until: Date.now() + settings.refusalMemoryMs };
			throw error;
		},
	);
	const inFlight = { token, deadline: startedAt + settings.timeoutMs };
	entry.refresh = inFlight;
	const settled = () => {
		if (entry.refresh === inFlight) entry.refresh = undefined;
	};
	token.then(settled, settled);
	return token;
}

/**
 * A valid access token for a Self Client credential. n8n asks when the
 * credential's stored token is empty, when Zoho answered 401 for it, and on
 * the Test button. A token handed in was refused: it is never handed out
 * again, and a cached token is reused after it only if it was obtained after
 * that refusal was first seen (n8n's other processes write their own tokens
 * to the database, so the refused one may not be ours, and ours may have
 * died with it when Zoho dropped old tokens). Otherwise one refresh, shared
 * by every item asking at the same time.
 *
 * Except when the token lacks a scope: Zoho answers 401 for an operation the
 * token was not granted (a Self Client's grant code for READ only, say), and
 * a new token has the same scopes. A token obtained to replace a refused one
 * and refused in its turn soon after (an expired token is refused after its
 * hour) is such a token: it is handed back for a while, without asking Zoho
 * again, so n8n sends the request once more and the node names the scope.
 */
export async function selfClientAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const { url: accountsUrl, problem } = accountsBaseUrl(credentials);
	if (problem !== undefined) throw new Error(`${CREDENTIAL}: ${problem}`);
	const entry = entryFor(credentials, accountsUrl);
	const now = Date.now();

	// The token handed in got a 401 (or is on the Test button): remember when that was first seen.
	const held = String(credentials.accessToken ?? '');
	let heldRejectedAt: number | undefined;
	if (held) {
		const heldKey = hash(held);
		heldRejectedAt = entry.rejected.get(heldKey) ?? now;
		entry.rejected.set(heldKey, heldRejectedAt);
		if (entry.rejected.size > REJECTED_KEPT)
			entry.rejected.delete(entry.rejected.keys().next().value as string);
	}

	const cached = entry.accessToken;
	if (cached !== undefined && now < entry.lacksScopeUntil) return cached;
	const cachedRefusedAtOnce =
		held !== '' &&
		held === cached &&
		entry.replacedRefused &&
		now - entry.obtainedAt < settings.scopeRefusalMs;
	if (cachedRefusedAtOnce) {
		entry.lacksScopeUntil = now + settings.scopeRefusalMs;
		return cached;
	}

	if (entry.refused && now < entry.refused.until) throw entry.refused.error;
	if (entry.refresh && now < entry.refresh.deadline) return await entry.refresh.token;

	const cachedUsable =
		cached !== undefined &&
		!entry.rejected.has(hash(cached)) &&
		entry.expiresAt - EXPIRY_MARGIN_MS > now &&
		(heldRejectedAt === undefined || entry.obtainedAt >= heldRejectedAt);
	if (cachedUsable) return cached;

	return await refresh(entry, helper, credentials, accountsUrl, held !== '');
}
