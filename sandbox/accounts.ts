import { randomBytes } from 'crypto';

import { TOKEN_ERRORS } from './zohoAnswers';

export interface Client {
	clientId: string;
	clientSecret: string;
}

interface TokenGrant {
	clientId: string;
	scopes: string[];
	organizationId: string;
}

interface IssuedToken extends TokenGrant {
	expiresAt: number;
	/** The refresh token it was minted from, if any: Zoho keeps at most 15 live per refresh token. */
	refreshToken?: string;
}

export interface AccountsOptions {
	organizationId: string;
	/** Token refreshes allowed per refresh token per 10 minutes (Zoho: 10, reported for CRM). */
	refreshesPerTenMinutes?: number;
	/** Live access tokens per refresh token; minting one more drops the oldest (Zoho: 15, reported for CRM). */
	liveTokensPerRefreshToken?: number;
	/** Access token lifetime (Zoho: one hour, quoted). */
	tokenLifetimeSeconds?: number;
}

function opaqueToken(prefix: string): string {
	return `${prefix}.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

/** Zoho's accounts (OAuth) server for one data centre: its clients, grants and tokens. */
export class AccountsServer {
	readonly selfClient: Client & { refreshToken: string };

	readonly oauthClient: Client;

	private readonly refreshTokens = new Map<string, TokenGrant>();

	private readonly accessTokens = new Map<string, IssuedToken>();

	private readonly authorizationCodes = new Map<string, TokenGrant & { redirectUri: string }>();

	private readonly refreshTimes = new Map<string, number[]>();

	constructor(private readonly options: AccountsOptions) {
		// Each sandbox is its own data centre: its clients are unknown to every other.
		this.selfClient = {
			clientId: `1000.SELF${randomBytes(8).toString('hex').toUpperCase()}`,
			clientSecret: 'sandbox-self-client-secret',
			refreshToken: '',
		};
		this.oauthClient = {
			clientId: `1000.OAUTH${randomBytes(8).toString('hex').toUpperCase()}`,
			clientSecret: 'sandbox-oauth-client-secret',
		};
		this.selfClient.refreshToken = this.grantRefreshToken(this.selfClient.clientId, [
			'ZohoInvoice.settings.ALL',
		]);
	}

	private get lifetimeMs(): number {
		return (this.options.tokenLifetimeSeconds ?? 3600) * 1000;
	}

	/** A refresh token for `clientId` with the given scopes (what a grant-code exchange yields). */
	grantRefreshToken(clientId: string, scopes: string[]): string {
		const token = opaqueToken('1000');
		this.refreshTokens.set(token, {
			clientId,
			scopes,
			organizationId: this.options.organizationId,
		});
		return token;
	}

	revokeRefreshToken(token: string): void {
		this.refreshTokens.delete(token);
	}

	issueAccessToken(scopes: string[], clientId: string): string {
		return this.mint({ clientId, scopes, organizationId: this.options.organizationId });
	}

	/** The grant behind a live access token, or undefined when it is unknown or expired. */
	grantOf(accessToken: string): TokenGrant | undefined {
		const token = this.accessTokens.get(accessToken);
		return token && token.expiresAt > Date.now() ? token : undefined;
	}

	/** Every access token issued so far, oldest first (for checking that none is ever printed). */
	issuedAccessTokens(): string[] {
		return [...this.accessTokens.keys()];
	}

	/** Every access token issued so far stops working, as when Zoho drops tokens early. */
	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	/** `/oauth/v2/auth`: consent is given at once (the sandbox has no person to ask); redirects with a code. */
	authorize(query: Record<string, string>): { status: number; body?: unknown; location?: string } {
		const { client_id, redirect_uri, state, scope, response_type } = query;
		if (client_id !== this.oauthClient.clientId)
			return { status: 400, body: { error: TOKEN_ERRORS.invalidClient } };
		if (response_type !== 'code' || !redirect_uri)
			return { status: 400, body: { error: 'invalid_request' } };
		const code = opaqueToken('1000');
		this.authorizationCodes.set(code, {
			clientId: client_id,
			scopes: (scope ?? '').split(/[ ,]+/).filter(Boolean),
			organizationId: this.options.organizationId,
			redirectUri: redirect_uri,
		});
		const location = new URL(redirect_uri);
		location.searchParams.set('code', code);
		if (state !== undefined) location.searchParams.set('state', state);
		location.searchParams.set('location', 'us');
		return { status: 302, location: location.toString() };
	}

	/** `/oauth/v2/token`: Zoho answers errors with HTTP 200 and an `error` field (quoted). */
	exchange(fields: Record<string, string>, apiDomain: string): unknown {
		const client = [this.selfClient, this.oauthClient].find(
			(candidate) => candidate.clientId === fields.client_id,
		);
		if (!client) return { error: TOKEN_ERRORS.invalidClient };
		if (client.clientSecret !== fields.client_secret)
			return { error: TOKEN_ERRORS.invalidClientSecret };

		if (fields.grant_type === 'refresh_token') {
			const grant = this.refreshTokens.get(fields.refresh_token ?? '');
			if (!grant || grant.clientId !== client.clientId) return { error: TOKEN_ERRORS.invalidCode };
			const now = Date.now();
			const recent = (this.refreshTimes.get(fields.refresh_token) ?? []).filter(
				(time) => now - time < 600_000,
			);
			if (recent.length >= (this.options.refreshesPerTenMinutes ?? 10)) {
				return {
					error: TOKEN_ERRORS.accessDenied,
					error_description:
						'You have made too many requests continuously. Please try again after some time.',
					status: 'failure',
				};
			}
			recent.push(now);
			this.refreshTimes.set(fields.refresh_token, recent);
			return this.tokenResponse(this.mint(grant, fields.refresh_token), apiDomain);
		}
		if (fields.grant_type === 'authorization_code') {
			const grant = this.authorizationCodes.get(fields.code ?? '');
			if (!grant || grant.clientId !== client.clientId) return { error: TOKEN_ERRORS.invalidCode };
			if (fields.redirect_uri !== undefined && fields.redirect_uri !== grant.redirectUri) {
				return { error: TOKEN_ERRORS.invalidRedirectUri };
			}
			this.authorizationCodes.delete(fields.code);
			const refreshToken = this.grantRefreshToken(grant.clientId, grant.scopes);
			return {
				...this.tokenResponse(this.mint(grant, refreshToken), apiDomain),
				refresh_token: refreshToken,
			};
		}
		return { error: TOKEN_ERRORS.unsupportedGrantType };
	}

	private mint(grant: TokenGrant, refreshToken?: string): string {
		const token = opaqueToken('1000');
		this.accessTokens.set(token, {
			...grant,
			refreshToken,
			expiresAt: Date.now() + this.lifetimeMs,
		});
		if (refreshToken) this.dropBeyondLiveLimit(refreshToken);
		return token;
	}

	private dropBeyondLiveLimit(refreshToken: string): void {
		const now = Date.now();
		const live = [...this.accessTokens.values()].filter(
			(token) => token.refreshToken === refreshToken && token.expiresAt > now,
		);
		const limit = this.options.liveTokensPerRefreshToken ?? 15;
		for (const oldest of live.slice(0, Math.max(live.length - limit, 0))) oldest.expiresAt = 0;
	}

	private tokenResponse(accessToken: string, apiDomain: string) {
		return {
			access_token: accessToken,
			api_domain: apiDomain,
			token_type: 'Bearer',
			expires_in: this.lifetimeMs / 1000,
		};
	}
}
