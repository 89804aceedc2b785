import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/** What went wrong on the wire, read from whatever n8n's HTTP layer threw. */
interface Failure {
	status?: number;
	body?: unknown;
	/** Node's network error code, e.g. ECONNREFUSED. */
	networkCode?: string;
	reason?: string;
	/** A failure before any request, e.g. the credential could not get a token: its own words. */
	message?: string;
	description?: string;
}

const translatedErrors = new WeakSet<object>();

/** What a no-code user should do about each HTTP status Zoho answers with. */
function guidance(status: number | undefined, host: string): string {
	switch (status) {
		case 400:
			return 'Zoho refused the request as invalid: check the fields the message names.';
		case 401:
			return `Zoho did not accept the access token. Check that the credential's Region is the data centre of your Zoho account (this request went to ${host}), and that the token was granted the ZohoInvoice.settings scopes. Reconnect the OAuth2 credential, or generate a new refresh token for the Self Client credential.`;
		case 403:
			return `Zoho does not let this token act on that organization. Check the credential's Organization ID (Zoho Invoice → Settings → Organization Profile), and that the Zoho user who granted the token belongs to that organization with the scopes for this operation.`;
		case 404:
			return 'Zoho has no such user in this organization. Check the User field: the user may have been deleted, or the ID belongs to another organization.';
		case 405:
			return 'Zoho does not allow this operation here.';
		case 429:
			return "Zoho allows 100 API requests per minute per organization, and a daily number by plan. Turn on Retry On Fail in the node's Settings with a wait of a few seconds, or space requests out with the batching options.";
		default:
			if (status !== undefined && status >= 500) {
				return "Zoho had a problem with the request. Try again later, or turn on Retry On Fail in the node's Settings.";
			}
			return '';
	}
}

function networkMessage(failure: Failure, host: string): { message: string; description: string } {
	const description =
		'Check that the credential\'s Region (or its custom API URL) is right and that n8n can reach the internet, then try again. Retry On Fail in the node\'s Settings rides out short outages.';
	switch (failure.networkCode) {
		case 'ECONNREFUSED':
			return { message: `Could not connect to ${host}: the connection was refused`, description };
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return { message: `Could not find the host ${host}`, description };
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'ESOCKETTIMEDOUT':
			return { message: `${host} did not answer in time`, description };
		case 'ECONNRESET':
		case 'EPIPE':
			return { message: `The connection to ${host} was dropped before Zoho answered`, description };
		default:
			return {
				message: `The request to ${host} failed${failure.reason ? `: ${failure.reason}` : ''}`,
				description,
			};
	}
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** n8n 1.x and 2.x wrap HTTP failures differently; dig out status, body and network code. */
function readFailure(error: unknown): Failure {
	const outer = asRecord(error) ?? {};
	const cause = asRecord(outer.cause) ?? {};
	const response = asRecord(cause.response) ?? asRecord(outer.response) ?? {};
	const context = asRecord(outer.context) ?? {};
	const statusText = String(outer.httpCode ?? response.status ?? cause.status ?? '');
	const status = /^\d{3}$/.test(statusText) ? Number(statusText) : undefined;
	// n8n 1.x leaves the network code in httpCode.
	const networkCode = [cause.code, outer.code, asRecord(cause.cause)?.code, outer.httpCode].find(
		(code): code is string => typeof code === 'string' && /^E[A-Z_]+$/.test(code),
	);
	return {
		status,
		body: response.data ?? response.body ?? context.data,
		networkCode,
		reason: typeof cause.message === 'string' ? cause.message : undefined,
		message: typeof outer.message === 'string' ? outer.message : undefined,
		description: typeof outer.description === 'string' ? outer.description : undefined,
	};
}

function hostOf(baseUrl: string | undefined): string {
	try {
		return new URL(baseUrl ?? '').host || 'Zoho';
	} catch {
		return 'Zoho';
	}
}

function build(node: INode, failure: Failure, host: string, itemIndex?: number): NodeApiError {
	const body = asRecord(failure.body);
	const zohoCode = typeof body?.code === 'number' ? body.code : undefined;
	const zohoMessage = typeof body?.message === 'string' ? body.message : undefined;

	let message: string;
	let description: string;
	if (failure.status === undefined && failure.networkCode === undefined && failure.message) {
		message = failure.message;
		description = failure.description ?? '';
	} else if (failure.status === undefined) {
		({ message, description } = networkMessage(failure, host));
	} else if (!body) {
		// A proxy's or an outage page, or a body cut short: never JSON from Zoho itself.
		message = `${host} answered HTTP ${failure.status} with something other than Zoho's JSON`;
		description = `${guidance(failure.status, host)} If this keeps happening, check the credential's Region or custom API URL: the answer did not come from the Zoho Invoice API.`.trim();
	} else {
		message = zohoMessage ?? `Zoho answered HTTP ${failure.status}`;
		const codeText = zohoCode !== undefined ? ` (Zoho error code ${zohoCode})` : '';
		description = `${guidance(failure.status, host)}${codeText}`.trim();
	}

	// Built from plain values, never from the HTTP error: that one carries the request's headers, token included.
	const apiError = new NodeApiError(
		node,
		{ message, code: zohoCode ?? null, httpStatus: failure.status ?? null } as JsonObject,
		{
			message,
			description,
			httpCode: failure.status !== undefined ? String(failure.status) : null,
			itemIndex,
		} as ConstructorParameters<typeof NodeApiError>[2],
	);
	translatedErrors.add(apiError);
	return apiError;
}

/** A Zoho failure as a NodeApiError that says what happened and what to do. */
export function zohoApiError(node: INode, error: unknown, baseUrl: string | undefined, itemIndex?: number): NodeApiError {
	if (typeof error === 'object' && error !== null && translatedErrors.has(error)) return error as NodeApiError;
	return build(node, readFailure(error), hostOf(baseUrl), itemIndex);
}

/** Zoho's envelope: `code` 0 means success. */
export function isZohoSuccess(body: unknown): body is Record<string, unknown> {
	const record = asRecord(body);
	return record !== undefined && (record.code === 0 || record.code === undefined);
}

/** Zoho can answer 2xx with a non-zero `code`, or with a body that is not its JSON at all. */
export function unexpectedResponse(status: number, body: unknown): Error {
	return Object.assign(new Error(`Zoho answered HTTP ${status} with an error`), {
		response: { status, data: asRecord(body) },
	});
}
