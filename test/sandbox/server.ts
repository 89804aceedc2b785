/**
 * A local stand-in for Zoho Invoice's Users API and Zoho's accounts (OAuth)
 * server, written from Zoho's Users reference and the facts in shared/ZOHO.md.
 * Strict on purpose: what Zoho would refuse, it refuses, with Zoho's shapes.
 */
import { randomBytes } from 'crypto';
import http from 'http';
import type { AddressInfo, Socket } from 'net';

export interface ReceivedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	body: string;
	/** The body parsed as JSON (API) or as a form (token endpoint), when it is one. */
	json?: unknown;
	form?: Record<string, string>;
}

export interface SandboxUser {
	user_id: string;
	role_id: string;
	name: string;
	email: string;
	user_role: string;
	status: 'active' | 'inactive' | 'invited' | 'deleted';
	user_type: string;
	created_time: string;
	photo_url: string;
}

/** A one-shot misbehaviour for the next API requests that match. */
export interface Fault {
	/** Answer with this status and body instead of the real answer. */
	status?: number;
	body?: string;
	contentType?: string;
	/** Wait this long before answering (the real answer, unless status is set). */
	delayMs?: number;
	/** Destroy the connection without answering. */
	drop?: boolean;
	/** Expire every access token just before this request is checked, as when Zoho's hour ends mid-run. */
	expireTokens?: boolean;
	/** How many requests it applies to (default 1). */
	times?: number;
	/** Which requests; default every API request. */
	match?: (request: ReceivedRequest) => boolean;
}

export interface SandboxOptions {
	organizationId?: string;
	/** Seed users; the first is the token owner ("me"), an admin. */
	users?: number;
	/** API requests allowed per minute per organization (Zoho: 100). */
	requestsPerMinute?: number;
	/** Token refreshes allowed per refresh token per 10 minutes (Zoho: 10). */
	refreshesPerTenMinutes?: number;
	/** Access token lifetime (Zoho: one hour). */
	tokenLifetimeSeconds?: number;
	port?: number;
	host?: string;
}

const API_PREFIX = '/invoice/v3';
const ORGANIZATION_HEADER = 'x-com-zoho-invoice-organizationid';
const PHOTO_URL = 'https://contacts.zoho.com/file?ID=sandbox&fs=thumb';

const SCOPE_FOR = {
	create: 'ZohoInvoice.settings.CREATE',
	read: 'ZohoInvoice.settings.READ',
	update: 'ZohoInvoice.settings.UPDATE',
	delete: 'ZohoInvoice.settings.DELETE',
} as const;
type Access = keyof typeof SCOPE_FOR;

const ZOHO_ERROR = {
	notAuthorized: { code: 57, message: 'You are not authorized to perform this operation' },
	invalidToken: { code: 14, message: 'Invalid OAuth token.' },
	noOrganization: { code: 6041, message: 'This user is not associated with the CompanyID/CompanyName.' },
	missingOrganization: { code: 6024, message: 'Organization ID is required: send the X-com-zoho-invoice-organizationid header.' },
	perMinuteLimit: { code: 44, message: 'You have made too many requests per minute. Please try again after some time.' },
	invalidUrl: { code: 5, message: 'Invalid URL Passed' },
	userMissing: { code: 1002, message: 'User does not exist.' },
	methodNotAllowed: { code: 37, message: 'The HTTP method is not allowed for the requested resource' },
	badJson: { code: 4, message: 'Invalid value passed for JSONString' },
};

interface TokenGrant {
	clientId: string;
	scopes: string[];
	organizationId: string;
}

interface IssuedToken extends TokenGrant {
	expiresAt: number;
}

interface Client {
	clientId: string;
	clientSecret: string;
}

// Zoho ids are long decimal strings, some beyond 2^53: the sandbox's are too, so a
// client that turns them into numbers gets them wrong.
let lastCreatedId = 9007199254740993n;
function nextUserId(): string {
	lastCreatedId += 2n;
	return String(lastCreatedId);
}

function opaqueToken(prefix: string): string {
	return `${prefix}.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class ZohoSandbox {
	readonly log: ReceivedRequest[] = [];

	readonly organizationId: string;

	readonly selfClient: Client & { refreshToken: string };

	readonly oauthClient: Client;

	private users: SandboxUser[] = [];

	private readonly refreshTokens = new Map<string, TokenGrant>();

	private readonly accessTokens = new Map<string, IssuedToken>();

	private readonly authorizationCodes = new Map<string, TokenGrant & { redirectUri: string }>();

	private readonly refreshTimes = new Map<string, number[]>();

	private readonly requestTimes: number[] = [];

	private faults: Array<Fault & { remaining: number }> = [];

	private readonly sockets = new Set<Socket>();

	private server?: http.Server;

	private baseUrl = '';

	constructor(private readonly options: SandboxOptions = {}) {
		this.organizationId = options.organizationId ?? '10234695';
		this.selfClient = {
			// Each sandbox is its own data centre: its clients are unknown to every other.
			clientId: `1000.SELF${randomBytes(8).toString('hex').toUpperCase()}`,
			clientSecret: 'sandbox-self-client-secret',
			refreshToken: '',
		};
		this.oauthClient = {
			clientId: `1000.OAUTH${randomBytes(8).toString('hex').toUpperCase()}`,
			clientSecret: 'sandbox-oauth-client-secret',
		};
		this.selfClient.refreshToken = this.grantRefreshToken(this.selfClient.clientId, ['ZohoInvoice.settings.ALL']);
		this.seedUsers(options.users ?? 3);
	}

	static async start(options: SandboxOptions = {}): Promise<ZohoSandbox> {
		const sandbox = new ZohoSandbox(options);
		await sandbox.listen(options.port ?? 0, options.host ?? '127.0.0.1');
		return sandbox;
	}

	/** Base of the whole server; the accounts endpoints live at `/oauth/v2/...`. */
	get url(): string {
		return this.baseUrl;
	}

	get apiUrl(): string {
		return `${this.baseUrl}${API_PREFIX}`;
	}

	get accountsUrl(): string {
		return this.baseUrl;
	}

	/** What a Self Client credential for this sandbox holds. */
	selfClientCredentials(overrides: Record<string, string> = {}): Record<string, string> {
		return {
			region: 'custom',
			customApiUrl: this.apiUrl,
			customAccountsUrl: this.accountsUrl,
			organizationId: this.organizationId,
			clientId: this.selfClient.clientId,
			clientSecret: this.selfClient.clientSecret,
			refreshToken: this.selfClient.refreshToken,
			accessToken: '',
			...overrides,
		};
	}

	/** What a Zoho Invoice OAuth2 credential for this sandbox holds; connected when given token data. */
	oauth2Credentials(oauthTokenData?: Record<string, string>): Record<string, string | Record<string, string>> {
		return {
			region: 'custom',
			customApiUrl: this.apiUrl,
			customAccountsUrl: this.accountsUrl,
			organizationId: this.organizationId,
			clientId: this.oauthClient.clientId,
			clientSecret: this.oauthClient.clientSecret,
			...(oauthTokenData ? { oauthTokenData } : {}),
		};
	}

	/** API requests received, oldest first. */
	apiRequests(): ReceivedRequest[] {
		return this.log.filter((request) => request.path.startsWith(API_PREFIX));
	}

	tokenRequests(): ReceivedRequest[] {
		return this.log.filter((request) => request.path === '/oauth/v2/token');
	}

	clearLog(): void {
		this.log.length = 0;
	}

	listUsers(): SandboxUser[] {
		return this.users.map((user) => ({ ...user }));
	}

	/** Replace the organization's users with `count` generated ones (the first stays the owner). */
	seedUsers(count: number): void {
		const roles = ['admin', 'staff', 'timesheetstaff'];
		const statuses: SandboxUser['status'][] = ['active', 'active', 'inactive', 'invited'];
		this.users = Array.from({ length: count }, (_, index) => ({
			user_id: String(982000000554041n + BigInt(index)),
			role_id: '982000000006005',
			name: index === 0 ? 'David Sujin' : `User ${String(index).padStart(5, '0')}`,
			email: index === 0 ? 'david@zylker.org' : `user${index}@zylker.org`,
			user_role: index === 0 ? 'admin' : roles[index % roles.length],
			status: index === 0 ? 'active' : statuses[index % statuses.length],
			user_type: 'zoho',
			created_time: '2016-06-05T02:30:08-0700',
			photo_url: PHOTO_URL,
		}));
	}

	addUser(user: Partial<SandboxUser> & { name: string; email: string }): SandboxUser {
		const created: SandboxUser = {
			user_id: nextUserId(),
			role_id: '982000000006005',
			user_role: 'staff',
			status: 'active',
			user_type: 'zoho',
			created_time: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
			photo_url: PHOTO_URL,
			...user,
		};
		this.users.push(created);
		return created;
	}

	/** A refresh token for `clientId` with the given scopes (what a grant-code exchange yields). */
	grantRefreshToken(clientId: string, scopes: string[]): string {
		const token = opaqueToken('1000');
		this.refreshTokens.set(token, { clientId, scopes, organizationId: this.organizationId });
		return token;
	}

	/** An access token directly, for tests of the API alone. */
	issueAccessToken(scopes = ['ZohoInvoice.settings.ALL'], clientId = this.oauthClient.clientId): string {
		return this.mintAccessToken({ clientId, scopes, organizationId: this.organizationId });
	}

	/** Every access token issued so far stops working, as at the end of Zoho's hour. */
	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	revokeRefreshToken(token: string): void {
		this.refreshTokens.delete(token);
	}

	/** Queue a misbehaviour for the next matching API requests. */
	injectFault(fault: Fault): void {
		this.faults.push({ ...fault, remaining: fault.times ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	private async listen(port: number, host: string): Promise<void> {
		this.server = http.createServer((request, response) => {
			void this.receive(request, response);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
		const address = this.server.address() as AddressInfo;
		this.baseUrl = `http://${host}:${address.port}`;
	}

	private async receive(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks).toString('utf8');
		const url = new URL(request.url ?? '/', 'http://sandbox');
		const received: ReceivedRequest = {
			method: request.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: request.headers,
			body,
		};
		const contentType = String(request.headers['content-type'] ?? '');
		if (contentType.includes('application/x-www-form-urlencoded')) {
			received.form = Object.fromEntries(new URLSearchParams(body));
		} else if (body) {
			try {
				received.json = JSON.parse(body);
			} catch {
				// Left unparsed; the API answers it as Zoho does.
			}
		}
		this.log.push(received);

		const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
			response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
			response.end(JSON.stringify(payload));
		};

		if (received.path.startsWith('/oauth/v2/')) {
			this.handleAccounts(received, send, response);
			return;
		}
		if (!received.path.startsWith(API_PREFIX)) {
			send(404, ZOHO_ERROR.invalidUrl);
			return;
		}

		const fault = this.takeFault(received);
		if (fault?.drop) {
			request.socket.destroy();
			return;
		}
		if (fault?.expireTokens) this.expireAccessTokens();
		if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
		if (fault?.status !== undefined || fault?.body !== undefined) {
			response.writeHead(fault.status ?? 200, { 'Content-Type': fault.contentType ?? 'application/json;charset=UTF-8' });
			response.end(fault.body ?? '');
			return;
		}
		const [status, payload] = this.handleApi(received);
		if (!response.destroyed) send(status, payload);
	}

	private takeFault(request: ReceivedRequest): Fault | undefined {
		const fault = this.faults.find((candidate) => !candidate.match || candidate.match(request));
		if (!fault) return undefined;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
		return fault;
	}

	// ---- Accounts server ---------------------------------------------------

	private handleAccounts(
		request: ReceivedRequest,
		send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
		response: http.ServerResponse,
	): void {
		if (request.path === '/oauth/v2/auth' && request.method === 'GET') {
			const { client_id, redirect_uri, state, scope, response_type } = request.query;
			if (client_id !== this.oauthClient.clientId) return send(400, { error: 'invalid_client' });
			if (response_type !== 'code' || !redirect_uri) return send(400, { error: 'invalid_request' });
			// Consent is given at once: the sandbox has no person to ask.
			const code = opaqueToken('1000');
			this.authorizationCodes.set(code, {
				clientId: client_id,
				scopes: (scope ?? '').split(/[ ,]+/).filter(Boolean),
				organizationId: this.organizationId,
				redirectUri: redirect_uri,
			});
			const location = new URL(redirect_uri);
			location.searchParams.set('code', code);
			if (state !== undefined) location.searchParams.set('state', state);
			location.searchParams.set('location', 'us');
			location.searchParams.set('accounts-server', this.accountsUrl);
			response.writeHead(302, { Location: location.toString() });
			response.end();
			return;
		}
		if (request.path === '/oauth/v2/token' && request.method === 'POST') {
			// Zoho's own examples send these as query parameters; clients send a form body. Both work.
			const fields = { ...request.query, ...(request.form ?? {}) };
			const [status, payload] = this.exchangeToken(fields);
			return send(status, payload);
		}
		send(404, { error: 'invalid_request' });
	}

	private exchangeToken(fields: Record<string, string>): [number, unknown] {
		const client = [this.selfClient, this.oauthClient].find((candidate) => candidate.clientId === fields.client_id);
		// Zoho answers token errors with HTTP 200 and an `error` field.
		if (!client) return [200, { error: 'invalid_client' }];
		if (client.clientSecret !== fields.client_secret) return [200, { error: 'invalid_client_secret' }];

		if (fields.grant_type === 'refresh_token') {
			const grant = this.refreshTokens.get(fields.refresh_token ?? '');
			if (!grant || grant.clientId !== client.clientId) return [200, { error: 'invalid_code' }];
			const limit = this.options.refreshesPerTenMinutes ?? 10;
			const now = Date.now();
			const recent = (this.refreshTimes.get(fields.refresh_token) ?? []).filter((time) => now - time < 600_000);
			if (recent.length >= limit) {
				return [
					200,
					{
						error: 'Access Denied',
						error_description: 'You have made too many requests continuously. Please try again after some time.',
						status: 'failure',
					},
				];
			}
			recent.push(now);
			this.refreshTimes.set(fields.refresh_token, recent);
			return [200, this.tokenResponse(this.mintAccessToken(grant))];
		}
		if (fields.grant_type === 'authorization_code') {
			const grant = this.authorizationCodes.get(fields.code ?? '');
			if (!grant || grant.clientId !== client.clientId) return [200, { error: 'invalid_code' }];
			if (fields.redirect_uri !== undefined && fields.redirect_uri !== grant.redirectUri) {
				return [200, { error: 'invalid_redirect_uri' }];
			}
			this.authorizationCodes.delete(fields.code);
			const refreshToken = this.grantRefreshToken(grant.clientId, grant.scopes);
			return [200, { ...this.tokenResponse(this.mintAccessToken(grant)), refresh_token: refreshToken }];
		}
		return [200, { error: 'unsupported_grant_type' }];
	}

	private mintAccessToken(grant: TokenGrant): string {
		const token = opaqueToken('1000');
		const lifetime = (this.options.tokenLifetimeSeconds ?? 3600) * 1000;
		this.accessTokens.set(token, { ...grant, expiresAt: Date.now() + lifetime });
		return token;
	}

	private tokenResponse(accessToken: string) {
		return {
			access_token: accessToken,
			api_domain: this.baseUrl,
			token_type: 'Bearer',
			expires_in: this.options.tokenLifetimeSeconds ?? 3600,
		};
	}

	// ---- Invoice API ---------------------------------------------------------

	private handleApi(request: ReceivedRequest): [number, unknown] {
		const authorization = String(request.headers.authorization ?? '');
		const tokenMatch = /^(?:Zoho-oauthtoken|Bearer) (\S+)$/.exec(authorization);
		if (!tokenMatch) return [401, ZOHO_ERROR.notAuthorized];
		const token = this.accessTokens.get(tokenMatch[1]);
		if (!token || token.expiresAt <= Date.now()) return [401, ZOHO_ERROR.invalidToken];

		const organizationId = String(request.headers[ORGANIZATION_HEADER] ?? request.query.organization_id ?? '');
		if (!organizationId) return [400, ZOHO_ERROR.missingOrganization];
		if (organizationId !== this.organizationId) return [403, ZOHO_ERROR.noOrganization];

		const now = Date.now();
		while (this.requestTimes.length && now - this.requestTimes[0] >= 60_000) this.requestTimes.shift();
		if (this.requestTimes.length >= (this.options.requestsPerMinute ?? 100)) {
			return [429, ZOHO_ERROR.perMinuteLimit];
		}
		this.requestTimes.push(now);

		const route = this.route(request);
		if (!route) return [404, ZOHO_ERROR.invalidUrl];
		if (route === 'methodNotAllowed') return [405, ZOHO_ERROR.methodNotAllowed];
		const [access, handler] = route;
		if (!this.allows(token.scopes, access)) return [401, ZOHO_ERROR.notAuthorized];
		return handler();
	}

	private allows(scopes: string[], access: Access): boolean {
		return scopes.some((scope) =>
			['ZohoInvoice.fullaccess.all', 'ZohoInvoice.settings.ALL', SCOPE_FOR[access]].includes(scope),
		);
	}

	private route(request: ReceivedRequest): [Access, () => [number, unknown]] | 'methodNotAllowed' | undefined {
		const path = request.path.slice(API_PREFIX.length).replace(/\/$/, '');
		const { method } = request;
		if (path === '/users') {
			if (method === 'GET') return ['read', () => this.list(request.query)];
			if (method === 'POST') return ['create', () => this.create(request)];
			return 'methodNotAllowed';
		}
		if (path === '/users/me') {
			if (method === 'GET') return ['read', () => this.getUser(this.users[0]?.user_id ?? '')];
			return 'methodNotAllowed';
		}
		const match = /^\/users\/([^/]+)(?:\/(invite|active|inactive))?$/.exec(path);
		if (!match) return undefined;
		const [, userId, action] = match;
		if (!/^\d+$/.test(userId)) return undefined;
		if (action) {
			if (method !== 'POST') return 'methodNotAllowed';
			return ['create', () => this.act(userId, action)];
		}
		if (method === 'GET') return ['read', () => this.getUser(userId)];
		if (method === 'PUT') return ['update', () => this.update(userId, request)];
		if (method === 'DELETE') return ['delete', () => this.remove(userId)];
		return 'methodNotAllowed';
	}

	private list(query: Record<string, string>): [number, unknown] {
		const page = query.page === undefined ? 1 : Number(query.page);
		const perPage = query.per_page === undefined ? 200 : Number(query.per_page);
		if (!Number.isInteger(page) || page < 1) return [400, { code: 2, message: 'Invalid value passed for page' }];
		if (!Number.isInteger(perPage) || perPage < 1) {
			return [400, { code: 2, message: 'Invalid value passed for per_page' }];
		}
		const effectivePerPage = Math.min(perPage, 200);

		const filter = query.filter_by ?? 'Status.All';
		const statusFilters: Record<string, SandboxUser['status'] | undefined> = {
			'Status.All': undefined,
			'Status.Active': 'active',
			'Status.Inactive': 'inactive',
			'Status.Invited': 'invited',
			'Status.Deleted': 'deleted',
		};
		if (!(filter in statusFilters)) return [400, { code: 2, message: 'Invalid value passed for filter_by' }];
		const wantedStatus = statusFilters[filter];
		let users = this.users.filter((user) =>
			wantedStatus ? user.status === wantedStatus : user.status !== 'deleted',
		);

		const sortColumn = query.sort_column;
		if (sortColumn !== undefined) {
			if (!['name', 'email', 'user_role', 'status'].includes(sortColumn)) {
				return [400, { code: 2, message: 'Invalid value passed for sort_column' }];
			}
			const key = sortColumn as keyof SandboxUser;
			users = [...users].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
			if (query.sort_order === 'D') users.reverse();
		}

		const start = (page - 1) * effectivePerPage;
		const pageUsers = users.slice(start, start + effectivePerPage);
		return [
			200,
			{
				code: 0,
				message: 'success',
				users: pageUsers.map((user) => ({
					user_id: user.user_id,
					role_id: user.role_id,
					name: user.name,
					email: user.email,
					user_role: user.user_role,
					status: user.status,
					is_current_user: user.user_id === this.users[0]?.user_id,
					photo_url: user.photo_url,
					is_customer_segmented: false,
					is_vendor_segmented: false,
					user_type: user.user_type,
				})),
				page_context: {
					page,
					per_page: effectivePerPage,
					has_more_page: start + effectivePerPage < users.length,
					report_name: 'Users',
					applied_filter: filter,
					sort_column: sortColumn ?? 'name',
					sort_order: query.sort_order ?? 'A',
				},
			},
		];
	}

	private findUser(userId: string): SandboxUser | undefined {
		return this.users.find((user) => user.user_id === userId && user.status !== 'deleted');
	}

	private getUser(userId: string): [number, unknown] {
		const user = this.findUser(userId);
		if (!user) return [404, ZOHO_ERROR.userMissing];
		return [
			200,
			{
				code: 0,
				message: 'success',
				user: {
					user_id: user.user_id,
					name: user.name,
					// Get names emails as email_ids, unlike the list's `email`.
					email_ids: [{ email: user.email, is_selected: true }],
					status: user.status,
					user_role: user.user_role,
					user_type: user.user_type,
					role_id: user.role_id,
					photo_url: user.photo_url,
					is_employee: true,
					created_time: user.created_time,
					custom_fields: '',
				},
			},
		];
	}

	private userFields(request: ReceivedRequest): [number, unknown] | { name: string; email: string; role?: string } {
		if (!String(request.headers['content-type'] ?? '').includes('application/json')) {
			return [400, ZOHO_ERROR.badJson];
		}
		const body = request.json;
		if (typeof body !== 'object' || body === null || Array.isArray(body)) return [400, ZOHO_ERROR.badJson];
		const { name, email, user_role } = body as Record<string, unknown>;
		if (typeof name !== 'string' || !name.trim()) return [400, { code: 2, message: 'Invalid value passed for name' }];
		if (typeof email !== 'string' || !EMAIL.test(email)) {
			return [400, { code: 2, message: 'Invalid value passed for email' }];
		}
		if (user_role !== undefined && typeof user_role !== 'string') {
			return [400, { code: 2, message: 'Invalid value passed for user_role' }];
		}
		return { name, email, role: user_role };
	}

	private create(request: ReceivedRequest): [number, unknown] {
		const fields = this.userFields(request);
		if (Array.isArray(fields)) return fields;
		if (this.users.some((user) => user.status !== 'deleted' && user.email.toLowerCase() === fields.email.toLowerCase())) {
			return [400, { code: 3003, message: 'This email address is already associated with a user in your organization.' }];
		}
		this.addUser({ name: fields.name, email: fields.email, user_role: fields.role ?? 'staff', status: 'invited' });
		// The reference answers create with a message only: no user object, no id.
		return [201, { code: 0, message: 'Your invitation has been sent.' }];
	}

	private update(userId: string, request: ReceivedRequest): [number, unknown] {
		const user = this.findUser(userId);
		if (!user) return [404, ZOHO_ERROR.userMissing];
		const fields = this.userFields(request);
		if (Array.isArray(fields)) return fields;
		user.name = fields.name;
		user.email = fields.email;
		if (fields.role !== undefined) user.user_role = fields.role;
		return [200, { code: 0, message: 'The user information has been updated.' }];
	}

	private remove(userId: string): [number, unknown] {
		const user = this.findUser(userId);
		if (!user) return [404, ZOHO_ERROR.userMissing];
		user.status = 'deleted';
		return [200, { code: 0, message: 'The user has been removed from your organization.' }];
	}

	private act(userId: string, action: string): [number, unknown] {
		const user = this.findUser(userId);
		if (!user) return [404, ZOHO_ERROR.userMissing];
		if (action === 'invite') return [200, { code: 0, message: 'Your invitation has been sent.' }];
		user.status = action === 'active' ? 'active' : 'inactive';
		return [200, { code: 0, message: `The user has been marked as ${user.status}.` }];
	}
}
