/**
 * Phrasing a failure for a person: what happened and what to do, from the
 * reading of it (failure.ts), as n8n's error types.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import {
	RateLimitWaitExceeded,
	asRecord,
	readFailure,
	usedUpDailyQuota,
	zohoFailure,
} from './failure';
import type { ZohoFailure } from './failure';

import { SETTINGS_ALL_SCOPE, USERS_SCOPES, ZOHO_ERROR_CODES, ZOHO_LIMITS } from './zoho';

/** What the message should name besides the failure itself. */
export interface FailureContext {
	/** The API host the request went to. */
	host: string;
	/** What the operation acts on, for "no such …" (e.g. "user"). */
	noun: string;
	itemIndex?: number;
	/** False when the node was told not to wait out Zoho's rate limits. */
	waitsOutRateLimits?: boolean;
	/** The credential type signing the request, for how to grant a missing scope. */
	credentialType?: string;
	/** The operation (e.g. "Mark Inactive") and the scopes its requests need, for a refused scope. */
	operation?: string;
	scopes?: readonly string[];
}

/**
 * An error on its way out of the node: the node's own as they are (told by
 * name, as n8n's WorkflowExecute tells them), anything else wrapped as n8n
 * expects.
 */
export function asNodeError(node: INode, error: unknown): Error {
	if (error instanceof Error && ['NodeApiError', 'NodeOperationError'].includes(error.name))
		return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

/** "5 min", "24 h", "9 h 41 min", "1.5 s": how long, as a person says it. */
function duration(ms: number): string {
	const seconds = Math.max(ms, 0) / 1000;
	if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
	if (seconds < 60) return `${Math.round(seconds)} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		const rest = Math.round(seconds - minutes * 60);
		return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
	}
	const hours = Math.floor(minutes / 60);
	return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const DAILY_QUOTA_GUIDANCE = `The organization's daily API quota is used up: Zoho allows each organization a number of API calls a day by plan (${ZOHO_LIMITS.dailyCallsOnFree.toLocaleString('en-US')} on Free), shared by every integration of the organization, and resets it daily. Nothing more can be done through the API until then; upgrade the Zoho plan for a larger quota.`;

const DAILY_QUOTA_MESSAGE = "Zoho Invoice's daily API quota for this organization is used up";

/** "A, B and C". */
function listed(items: readonly string[]): string {
	return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join('');
}

/** How the token gets a scope it lacks: it has the scopes its credential was granted. */
function howToGrant(credentialType: string | undefined): string {
	const selfClient = `For a Self Client, generate a new grant code with scope ${SETTINGS_ALL_SCOPE} (Zoho API Console → Self Client → Generate Code), exchange it for a refresh token and put that in the credential's Refresh Token.`;
	const oAuth2 = `For OAuth2, open the credential, click Connect my account again and accept: it asks Zoho for ${listed(Object.values(USERS_SCOPES))}.`;
	if (credentialType === 'zohoInvoiceApi') return selfClient;
	if (credentialType === 'zohoInvoiceOAuth2Api') return oAuth2;
	return `${selfClient} ${oAuth2}`;
}

/** Zoho refused the request as one the token may not make: it lacks the scope. */
function scopeGuidance(context: FailureContext): string {
	const { operation, scopes } = context;
	const needs = scopes?.length
		? scopes.length === 1
			? `${operation ?? 'This operation'} needs the scope ${scopes[0]}, which this token was not granted.`
			: `${operation ?? 'This operation'} needs the scopes ${listed(scopes)}, and this token lacks one of them.`
		: `The token lacks the scope this request needs: ${USERS_SCOPES.read} to list or get users, ${USERS_SCOPES.create} to create, invite, mark active or inactive, ${USERS_SCOPES.update} to update, ${USERS_SCOPES.delete} to delete.`;
	return `${needs} ${howToGrant(context.credentialType)}`;
}

/** What a no-code user should do about each HTTP status Zoho answers with. */
function guidance(failure: ZohoFailure, context: FailureContext): string {
	const { host, noun } = context;
	// Zoho's answer to a request the token has no scope for: a new token would be refused the same way.
	if (failure.scopeRefused) return scopeGuidance(context);
	if (asRecord(failure.body)?.code === ZOHO_ERROR_CODES.invalidUrl) {
		return `Zoho does not know this address (${host}). Check the credential's Region, or its API URL if it is Custom: it must end in /invoice/v3.`;
	}
	if (usedUpDailyQuota(failure)) return DAILY_QUOTA_GUIDANCE;
	if (failure.rateLimit) {
		return context.waitsOutRateLimits === false
			? 'Zoho allows each organization 100 API calls a minute and 10 at a time (5 on the Free plan). Turn on Request Options → Wait Out Rate Limits (the default) and the node paces itself and waits when Zoho says to.'
			: 'Zoho allows each organization 100 API calls a minute and 10 at a time (5 on the Free plan). The node paces itself, but other integrations or n8n processes share the same limits: run again later.';
	}
	switch (failure.status) {
		case 400:
			return 'Zoho refused the request as invalid: check the fields the message names.';
		case 401:
			return `Zoho did not accept the access token, though n8n had just asked for a new one. Check that the credential's Region is the data centre of your Zoho account (this request went to ${host}). If it is, the token itself is refused. ${howToGrant(context.credentialType)}`;
		case 403:
			return "Zoho does not let this token act on that organization. Check the credential's Organization ID (Zoho Invoice → Settings → Organization Profile), and that the Zoho user who granted the token belongs to that organization with the scopes for this operation.";
		case 404:
			return `Zoho has no such ${noun} in this organization. Check the ${noun.charAt(0).toUpperCase()}${noun.slice(1)} field: the ${noun} may have been deleted, or the ID belongs to another organization.`;
		case 405:
			return 'Zoho does not allow this operation here.';
		default:
			if (failure.status !== undefined && failure.status >= 500) {
				return "Zoho had a problem with the request. Try again later, or turn on Retry On Fail in the node's Settings.";
			}
			return '';
	}
}

/**
 * What Node's network error codes mean, in words, about `where` (an API
 * host, or the accounts server at a URL): the node's messages and the Self
 * Client's token errors say them alike.
 */
const NETWORK_FAILURES: Array<{
	codes: string[];
	timedOut?: true;
	says: (where: string) => string;
}> = [
	{
		codes: ['ECONNREFUSED'],
		says: (where) => `could not connect to ${where}: the connection was refused`,
	},
	{ codes: ['ENOTFOUND', 'EAI_AGAIN'], says: (where) => `could not find the host of ${where}` },
	{
		codes: ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'],
		timedOut: true,
		says: (where) => `${where} did not answer in time`,
	},
	{
		codes: ['ECONNRESET', 'EPIPE'],
		says: (where) => `the connection to ${where} was dropped before Zoho answered`,
	},
];

function networkFailureOf(failure: ZohoFailure) {
	return NETWORK_FAILURES.find(({ codes }) => codes.includes(failure.networkCode ?? ''));
}

/** What a network failure was, in words, when its code is one of Node's known ones. */
export function networkFailureSays(failure: ZohoFailure, where: string): string | undefined {
	return networkFailureOf(failure)?.says(where);
}

/** Whether the network failure was a timeout (the Self Client says how long it waited instead). */
export function timedOut(failure: ZohoFailure): boolean {
	return networkFailureOf(failure)?.timedOut === true;
}

function networkMessage(
	failure: ZohoFailure,
	host: string,
): { message: string; description: string } {
	const description =
		"Check that the credential's Region (or its custom API URL) is right and that n8n can reach the internet, then try again. Retry On Fail in the node's Settings rides out short outages.";
	const says = networkFailureSays(failure, host);
	return {
		message: says
			? `${says.charAt(0).toUpperCase()}${says.slice(1)}`
			: `The request to ${host} failed${failure.reason ? `: ${failure.reason}` : ''}`,
		description,
	};
}

/**
 * A short, quoted look at an answer that was not what Zoho sends, for the message. Numbers as
 * JavaScript writes them: JSON would call NaN and Infinity "null".
 */
export function preview(value: unknown, length = 120): string {
	const text =
		typeof value === 'string' || typeof value === 'number'
			? String(value)
			: (JSON.stringify(value) ?? String(value));
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

/**
 * What came instead of what was expected, for a message: text in quotes,
 * anything else with its type ("number 42"); `typed` names the type of text
 * too, for "expected …, got …" (`string "ten"`).
 */
export function whatCame(value: unknown, { length = 60, typed = false } = {}): string {
	if (typed) return `${typeof value} ${quoted(value, length)}`;
	return typeof value === 'string'
		? `"${preview(value, length)}"`
		: `${typeof value} ${preview(value, length)}`;
}

/** A value given where another type was expected, for "got …": strings quoted, numbers as JavaScript writes them. */
function quoted(value: unknown, length: number): string {
	return typeof value === 'number'
		? String(value)
		: preview(JSON.stringify(value) ?? String(value), length);
}

function messageAndDescription(
	failure: ZohoFailure,
	context: FailureContext,
): { message: string; description: string } {
	if (failure.status === undefined && failure.networkCode === undefined && failure.message) {
		return { message: failure.message, description: failure.description ?? '' };
	}
	if (failure.status === undefined) return networkMessage(failure, context.host);
	const body = asRecord(failure.body);
	if (!body) {
		// A proxy's or an outage page, or a body cut short: never JSON from Zoho itself.
		return {
			message: `${context.host} answered HTTP ${failure.status} with something other than Zoho's JSON`,
			description:
				`${guidance(failure, context)} If this keeps happening, check the credential's Region or custom API URL: the answer did not come from the Zoho Invoice API.`.trim(),
		};
	}
	const zohoCode = typeof body.code === 'number' ? body.code : undefined;
	const message = usedUpDailyQuota(failure)
		? DAILY_QUOTA_MESSAGE
		: typeof body.message === 'string'
			? body.message
			: `Zoho answered HTTP ${failure.status}`;
	const codeText = zohoCode !== undefined ? ` (Zoho error code ${zohoCode})` : '';
	return { message, description: `${guidance(failure, context)}${codeText}`.trim() };
}

/** What Zoho last said, for a message about its refusals: its words and code, or its status. */
function zohoSaid(failure: ZohoFailure): string {
	const body = asRecord(failure.body);
	const code = typeof body?.code === 'number' ? ` (Zoho error code ${body.code})` : '';
	if (typeof body?.message === 'string')
		return `Zoho last said: "${preview(body.message)}"${code}.`;
	return failure.status !== undefined ? `Zoho last answered HTTP ${failure.status}${code}.` : '';
}

/** Why the governor gave up, in words: what happened and what to do. */
function gaveUpMessage(
	error: RateLimitWaitExceeded,
	context: FailureContext,
): { message: string; description: string } {
	const { failure, gaveUp } = error;
	const limits = guidance(failure, context) || guidance(zohoFailure({ status: 429 }), context);
	switch (gaveUp.reason) {
		case 'refusing':
			return {
				message: `Zoho has refused every call of this organization for ${duration(gaveUp.refusedForMs)}`,
				description: `${zohoSaid(failure)} ${limits} So that no run waits without end, the node stopped sending this organization's calls: they fail at once, and the first call after ${duration(gaveUp.nextProbeInMs)} asks Zoho again.`,
			};
		case 'retryAfter':
			return {
				message: `Zoho asked to wait ${duration(gaveUp.retryAfterMs)} before the next call, longer than the node waits (${duration(gaveUp.maxWaitMs)})`,
				description: `${zohoSaid(failure)} ${limits} Every waiting call of this organization failed at once, unsent.`,
			};
		case 'dailyQuota': {
			const { quota } = gaveUp;
			const said = quota
				? ` Zoho's X-Rate-Limit-Remaining said ${quota.remaining} of ${quota.limit.toLocaleString('en-US')} calls are left today${quota.resetsInSeconds ? `; it resets in about ${duration(quota.resetsInSeconds * 1000)}` : ''}.`
				: '';
			const code = asRecord(failure.body)?.code;
			return {
				message: DAILY_QUOTA_MESSAGE,
				description: `${DAILY_QUOTA_GUIDANCE}${said}${typeof code === 'number' ? ` (Zoho error code ${code})` : ''}`,
			};
		}
		case 'refusedTooOften':
			return {
				message: `Zoho still answered "too many requests" after ${gaveUp.refusals} tries of this request`,
				description: `${zohoSaid(failure)} ${limits}`,
			};
	}
}

/** A failed request (as the rate governor threw it, read where it failed) as a NodeApiError. */
export function requestFailedError(
	node: INode,
	error: unknown,
	context: FailureContext,
): NodeApiError {
	if (error instanceof RateLimitWaitExceeded) {
		return zohoApiError(node, error.failure, context, gaveUpMessage(error, context));
	}
	return zohoApiError(node, readFailure(error), context);
}

/** A Zoho failure as a NodeApiError that says what happened and what to do. */
function zohoApiError(
	node: INode,
	failure: ZohoFailure,
	context: FailureContext,
	explained = messageAndDescription(failure, context),
): NodeApiError {
	const { message, description } = explained;
	const zohoCode = asRecord(failure.body)?.code;
	// Built from plain values, never from the HTTP error: that one carries the request's headers, token included.
	return new NodeApiError(
		node,
		{
			message,
			code: typeof zohoCode === 'number' ? zohoCode : null,
			httpStatus: failure.status ?? null,
		} as JsonObject,
		{
			message,
			description,
			httpCode: failure.status !== undefined ? String(failure.status) : null,
			itemIndex: context.itemIndex,
		} as ConstructorParameters<typeof NodeApiError>[2],
	);
}

/**
 * An answer with a 2xx status that is not Zoho's success: Zoho's own error
 * envelope, or something that is not Zoho's JSON at all (a proxy's page, a
 * body without `code`, a success without the record asked for).
 */
export function unexpectedAnswerError(
	node: INode,
	body: unknown,
	context: FailureContext,
	missing?: string,
): NodeApiError {
	const record = asRecord(body);
	if (record && typeof record.code === 'number' && record.code !== 0) {
		return zohoApiError(node, zohoFailure({ status: 200, body: record }), context);
	}
	const message = missing
		? `Zoho's answer has no ${missing}`
		: record
			? "Zoho's answer has no success code"
			: `${context.host} answered with something other than Zoho's JSON`;
	return zohoApiError(
		node,
		zohoFailure({
			message,
			description: `What came back: ${preview(body)}. Nothing was done with it. Check the credential's Region or custom API URL: the answer may not come from the Zoho Invoice API.`,
		}),
		context,
	);
}
