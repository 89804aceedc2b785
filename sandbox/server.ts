/**
 * A local stand-in for Zoho Invoice's Users API and Zoho's accounts (OAuth)
 * server, written from Zoho's Users reference and Zoho's public pages on
 * OAuth and API limits. Strict on purpose: what Zoho would refuse, it refuses,
 * with Zoho's shapes. Where each answer comes from: zohoAnswers.ts.
 */
import http from 'http';
import type { AddressInfo, Socket } from 'net';

import { AccountsServer } from './accounts';
import type { Client } from './accounts';
import { LimitKeeper } from './limits';
import type { ApiLimits, LimitStats } from './limits';
import { findRoute } from './routes';
import type { Access } from './routes';
import { UserStore } from './users';
import type { ApiAnswer, SandboxUser } from './users';
import { ZOHO_ERRORS, errorBody } from './zohoAnswers';

export type { ApiLimits, SandboxUser };

export interface ReceivedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	body: string;
	/** The body parsed as JSON (API) or as a form (token endpoint), when it is one. */
	json?: unknown;
	form?: Record<string, string>;
	/** When it arrived, and when and with what status the sandbox answered (Date.now()). */
	receivedAt: number;
	answeredAt?: number;
	answeredWith?: number;
}

/** A misbehaviour for the next requests that match, on the API (default) or the accounts server. */
export interface Fault {
	target?: 'api' | 'accounts';
	/** Answer with this status and body instead of the real answer. */
	status?: number;
	body?: string;
	contentType?: string;
	headers?: Record<string, string>;
	/** Wait this long before answering (the real answer, unless status is set). */
	delayMs?: number;
	/** Destroy the connection without answering. */
	drop?: boolean;
	/** Never answer (until the sandbox stops). */
	hang?: boolean;
	/** Expire every access token just before this request is checked, as when Zoho drops tokens mid-run. */
	expireTokens?: boolean;
	/**
	 * Change the sandbox when this request arrives, as someone in Zoho's web app would at that
	 * moment; the request is then answered as usual (unless status or body is set).
	 */
	act?: (sandbox: ZohoSandbox) => void;
	/** How many requests it applies to (default 1). */
	times?: number;
	/** Which requests; default every request of the target. */
	match?: (request: ReceivedRequest) => boolean;
}

export interface SandboxOptions {
	organizationId?: string;
	/** Seed users; the first is the token owner ("me"), an admin. */
	users?: number;
	/** How deleted users show in the list and in Get (see UserStore); hidden by default. */
	deletedUsers?: 'hidden' | 'listed';
	/** Zoho's per-organization limits; Zoho's numbers by default, no daily quota. */
	limits?: ApiLimits;
	/** How long each API call takes, so that calls overlap as they do against Zoho. */
	latencyMs?: number;
	refreshesPerTenMinutes?: number;
	liveTokensPerRefreshToken?: number;
	tokenLifetimeSeconds?: number;
	port?: number;
	host?: string;
}

const API_PREFIX = '/invoice/v3';
const ORGANIZATION_HEADER = 'x-com-zoho-invoice-organizationid';
const SCOPES_FOR: Record<Access, string> = {
	create: 'ZohoInvoice.settings.CREATE',
	read: 'ZohoInvoice.settings.READ',
	update: 'ZohoInvoice.settings.UPDATE',
	delete: 'ZohoInvoice.settings.DELETE',
};

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ZohoSandbox {
	readonly log: ReceivedRequest[] = [];

	readonly organizationId: string;

	readonly accounts: AccountsServer;

	readonly users: UserStore;

	readonly limits: LimitKeeper;

	/** API calls being answered right now, and the most there ever were. */
	private inProgress = 0;

	private peak = 0;

	private faults: Array<Fault & { remaining: number }> = [];

	private readonly sockets = new Set<Socket>();

	private server?: http.Server;

	private baseUrl = '';

	constructor(private readonly options: SandboxOptions = {}) {
		this.organizationId = options.organizationId ?? '10234695';
		this.accounts = new AccountsServer({
			organizationId: this.organizationId,
			refreshesPerTenMinutes: options.refreshesPerTenMinutes,
			liveTokensPerRefreshToken: options.liveTokensPerRefreshToken,
			tokenLifetimeSeconds: options.tokenLifetimeSeconds,
		});
		this.users = new UserStore(options.users ?? 3, options.deletedUsers);
		this.limits = new LimitKeeper(options.limits ?? {});
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

	get selfClient(): Client & { refreshToken: string } {
		return this.accounts.selfClient;
	}

	get oauthClient(): Client {
		return this.accounts.oauthClient;
	}

	/** How the limits held: the most calls in progress at once, and the 429s by limit. */
	get stats(): LimitStats & { peakInProgress: number } {
		return { ...this.limits.stats, peakInProgress: this.peak };
	}

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
		return this.users.all();
	}

	seedUsers(count: number): void {
		this.users.seed(count);
	}

	addUser(user: Partial<SandboxUser> & { name: string; email: string }): SandboxUser {
		return this.users.add(user);
	}

	grantRefreshToken(clientId: string, scopes: string[]): string {
		return this.accounts.grantRefreshToken(clientId, scopes);
	}

	/** An access token directly, for tests of the API alone. */
	issueAccessToken(
		scopes = ['ZohoInvoice.settings.ALL'],
		clientId = this.oauthClient.clientId,
	): string {
		return this.accounts.issueAccessToken(scopes, clientId);
	}

	expireAccessTokens(): void {
		this.accounts.expireAccessTokens();
	}

	revokeRefreshToken(token: string): void {
		this.accounts.revokeRefreshToken(token);
	}

	injectFault(fault: Fault): void {
		this.faults.push({ ...fault, remaining: fault.times ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
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
		// Listening on every address ('::' or '0.0.0.0'): reached on loopback.
		const reachable = host === '::' ? '[::1]' : host === '0.0.0.0' ? '127.0.0.1' : host;
		this.baseUrl = `http://${reachable}:${(this.server.address() as AddressInfo).port}`;
	}

	private async read(request: http.IncomingMessage): Promise<ReceivedRequest> {
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
			receivedAt: Date.now(),
		};
		if (
			String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
		) {
			received.form = Object.fromEntries(new URLSearchParams(body));
		} else if (body) {
			try {
				received.json = JSON.parse(body);
			} catch {
				// Left unparsed; the API answers it as Zoho does.
			}
		}
		return received;
	}

	private async receive(
		request: http.IncomingMessage,
		response: http.ServerResponse,
	): Promise<void> {
		const received = await this.read(request);
		response.on('finish', () => {
			received.answeredAt = Date.now();
			received.answeredWith = response.statusCode;
		});
		this.log.push(received);
		const target = received.path.startsWith('/oauth/v2/') ? 'accounts' : 'api';
		const fault = this.takeFault(target, received);
		if (fault?.hang) return;
		if (fault?.drop) {
			request.socket.destroy();
			return;
		}
		if (fault?.expireTokens) this.expireAccessTokens();
		fault?.act?.(this);
		if (target === 'api') this.inProgress += 1;
		this.peak = Math.max(this.peak, this.inProgress);
		try {
			if (fault?.delayMs) await wait(fault.delayMs);
			if (fault?.status !== undefined || fault?.body !== undefined) {
				response.writeHead(fault.status ?? 200, {
					'Content-Type': fault.contentType ?? 'application/json;charset=UTF-8',
					...fault.headers,
				});
				response.end(fault.body ?? '');
				return;
			}
			if (target === 'accounts') {
				this.answerAccounts(received, response);
				return;
			}
			const answer = await this.answerApi(received);
			if (!response.destroyed) {
				response.writeHead(answer.status, {
					'Content-Type': 'application/json;charset=UTF-8',
					...answer.headers,
				});
				response.end(JSON.stringify(answer.body));
			}
		} finally {
			if (target === 'api') this.inProgress -= 1;
		}
	}

	private takeFault(target: 'api' | 'accounts', request: ReceivedRequest): Fault | undefined {
		const fault = this.faults.find(
			(candidate) =>
				(candidate.target ?? 'api') === target && (!candidate.match || candidate.match(request)),
		);
		if (!fault) return undefined;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
		return fault;
	}

	private answerAccounts(request: ReceivedRequest, response: http.ServerResponse): void {
		const send = (status: number, body: unknown) => {
			response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
			response.end(JSON.stringify(body));
		};
		if (request.path === '/oauth/v2/auth' && request.method === 'GET') {
			const { status, body, location } = this.accounts.authorize(request.query);
			if (location) {
				const redirect = new URL(location);
				redirect.searchParams.set('accounts-server', this.accountsUrl);
				response.writeHead(302, { Location: redirect.toString() });
				response.end();
				return;
			}
			send(status, body);
			return;
		}
		if (request.path === '/oauth/v2/token' && request.method === 'POST') {
			// Zoho's own examples send these as query parameters; clients send a form body. Both work.
			send(
				200,
				this.accounts.exchange({ ...request.query, ...(request.form ?? {}) }, this.baseUrl),
			);
			return;
		}
		send(404, { error: 'invalid_request' });
	}

	/** In Zoho's order, as far as it shows: token, organization, limits, then the endpoint and its scope. */
	private async answerApi(
		request: ReceivedRequest,
	): Promise<ApiAnswer & { headers?: Record<string, string> }> {
		const refuse = (status: number, error: Parameters<typeof errorBody>[0]): ApiAnswer => ({
			status,
			body: errorBody(error),
		});
		if (!request.path.startsWith(API_PREFIX)) return refuse(404, ZOHO_ERRORS.invalidUrl);
		const tokenMatch = /^(?:Zoho-oauthtoken|Bearer) (\S+)$/.exec(
			String(request.headers.authorization ?? ''),
		);
		if (!tokenMatch) return refuse(401, ZOHO_ERRORS.notAuthorized);
		const grant = this.accounts.grantOf(tokenMatch[1]);
		if (!grant) return refuse(401, ZOHO_ERRORS.invalidToken);

		const organizationId = String(
			request.headers[ORGANIZATION_HEADER] ?? request.query.organization_id ?? '',
		);
		if (!organizationId) return refuse(400, ZOHO_ERRORS.missingOrganization);
		if (organizationId !== this.organizationId) return refuse(403, ZOHO_ERRORS.noOrganization);

		const { refusal, headers, finished } = this.limits.admit();
		if (refusal) return { ...refuse(429, refusal), headers };
		try {
			if (this.options.latencyMs) await wait(this.options.latencyMs);
			const found = findRoute(request.method, request.path.slice(API_PREFIX.length));
			if (!found) return refuse(404, ZOHO_ERRORS.invalidUrl);
			if (found === 'methodNotAllowed') return refuse(405, ZOHO_ERRORS.methodNotAllowed);
			const allowed = [
				'ZohoInvoice.fullaccess.all',
				'ZohoInvoice.settings.ALL',
				SCOPES_FOR[found.route.access],
			];
			if (!grant.scopes.some((scope) => allowed.includes(scope)))
				return refuse(401, ZOHO_ERRORS.notAuthorized);
			const answer = found.route.handle(this.users, {
				query: request.query,
				json: request.json,
				contentType: String(request.headers['content-type'] ?? ''),
				userId: found.userId,
			});
			return { ...answer, headers };
		} finally {
			finished();
		}
	}
}
