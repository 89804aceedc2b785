import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	IPollFunctions,
} from 'n8n-workflow';

import { listPageOf, recordOf, successOf } from './answers';
import type { AnswerSource } from './answers';
import type { ZohoOperation } from './descriptions';
import { isNoSuchRecord, quoted, readHttpFailure, requestFailedError } from './errors';
import { collectPages } from './pagination';
import type { Page } from './pagination';
import { noteZohoAnswerHeaders, withinRateLimits } from './rateLimits';
import type { RateLimitOptions } from './rateLimits';
import { callSignal, runKeyOf, shareWithinRun } from './runScope';
import { ORGANIZATION_HEADER, ZOHO_LIMITS, apiBaseUrl, organizationKeyOf } from './zoho';
import type { ZohoPlan } from './zoho';

/** Every context the package sends requests from: routed items, the editor's pickers, the trigger. */
export type ZohoContext = IExecuteSingleFunctions | ILoadOptionsFunctions | IPollFunctions;

/** The credential type the node's `authentication` choice uses. */
function credentialTypeFor(authentication: unknown): string {
	return authentication === 'selfClient' ? 'zohoInvoiceApi' : 'zohoInvoiceOAuth2Api';
}

/** Where and as whom requests go, read from the credential and checked before anything is sent. */
export interface ZohoConnection {
	credentialType: string;
	apiUrl: string;
	organizationId: string;
	/** For messages: where the requests go. */
	host: string;
	/** One rate governor per organization: organizationKeyOf(API base URL, organization id). */
	organizationKey: string;
	simultaneousCalls: number;
	/** Request Options → Wait Out Rate Limits (a node setting, read with the credential). */
	waitsOutRateLimits: boolean;
}

function parameter(context: ZohoContext, name: string, fallback: unknown): unknown {
	return (context.getNodeParameter as (name: string, fallback: unknown) => unknown)(name, fallback);
}

function itemIndexOf(context: ZohoContext): number | undefined {
	return 'getItemIndex' in context ? context.getItemIndex() : undefined;
}

async function readConnection(context: ZohoContext): Promise<ZohoConnection> {
	const credentialType = credentialTypeFor(parameter(context, 'authentication', 'oAuth2'));
	const credentials = await context.getCredentials(credentialType);
	const invalid = (message: string) =>
		new NodeOperationError(context.getNode(), `Credential: ${message}`, {
			itemIndex: itemIndexOf(context),
			description: 'Open the Zoho Invoice credential this node uses and correct the field named.',
		});
	const { url: apiUrl, problem } = apiBaseUrl(credentials);
	if (problem !== undefined) throw invalid(problem);
	const organizationId = String(credentials.organizationId ?? '').trim();
	if (!/^\d+$/.test(organizationId)) {
		throw invalid(
			`Organization ID: "${organizationId.slice(0, 40)}" is not a Zoho organization ID. It is a number, found in Zoho Invoice under Settings → Organization Profile.`,
		);
	}
	const plan: ZohoPlan = credentials.plan === 'free' ? 'free' : 'paid';
	return {
		credentialType,
		apiUrl,
		organizationId,
		host: new URL(apiUrl).host,
		organizationKey: organizationKeyOf(apiUrl, organizationId),
		simultaneousCalls: ZOHO_LIMITS.simultaneousCalls[plan],
		waitsOutRateLimits: waitsOutRateLimits(context),
	};
}

/**
 * Read once per run of the node, else per call: n8n reads credentials from
 * its database on each call, and evaluating parameters is n8n's costliest
 * step per item.
 */
export async function zohoConnection(context: ZohoContext): Promise<ZohoConnection> {
	if ('getExecuteData' in context && 'getItemIndex' in context) {
		return await shareWithinRun(context, 'connection', async () => await readConnection(context));
	}
	return await readConnection(context);
}

/** Request Options → Wait Out Rate Limits; the trigger and the editor's pickers always wait. */
function waitsOutRateLimits(context: ZohoContext): boolean {
	const value = parameter(context, 'requestOptions.waitOutRateLimits', true);
	if (typeof value !== 'boolean') {
		throw new NodeOperationError(
			context.getNode(),
			'Wait Out Rate Limits: expected true or false',
			{
				itemIndex: itemIndexOf(context),
				description: `Got ${typeof value} ${quoted(value)}. Turn the option on or off, or make its expression give a boolean.`,
			},
		);
	}
	return value;
}

export interface ZohoRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** What the request is about, for "no such …" messages. */
	noun: string;
}

/** One record, e.g. `user` from GET /users/{user_id}. */
export async function zohoRecord(
	context: ZohoContext,
	request: ZohoRequest & { key: string },
): Promise<IDataObject> {
	const { key, ...rest } = request;
	const { envelope, source } = await sendZohoRequest(context, rest);
	return recordOf(envelope, key, source);
}

/**
 * One record, or undefined when Zoho answers that there is no such record:
 * how the trigger learns that a user it no longer sees has really gone.
 */
export async function zohoRecordIfExists(
	context: ZohoContext,
	request: ZohoRequest & { key: string },
): Promise<IDataObject | undefined> {
	const { key, ...rest } = request;
	const sent = await sendZohoRequest(context, rest, { noSuchRecord: true });
	return sent && recordOf(sent.envelope, key, sent.source);
}

/** One page of a list endpoint, e.g. `users` from GET /users. */
export async function zohoListPage(
	context: ZohoContext,
	request: Omit<ZohoRequest, 'method'> & { key: string; page: number; perPage: number },
): Promise<Page<IDataObject>> {
	const { key, page, perPage, ...rest } = request;
	const { envelope, source } = await sendZohoRequest(context, {
		...rest,
		method: 'GET',
		qs: { ...request.qs, page, per_page: perPage },
	});
	return listPageOf(envelope, key, source);
}

/** Every record of a list endpoint, e.g. all users: ⌈records ÷ 200⌉ requests. */
export async function listAllRecords(
	context: ZohoContext,
	request: Omit<ZohoRequest, 'method'> & { key: string },
): Promise<IDataObject[]> {
	return await collectPages(
		async (page, perPage) => await zohoListPage(context, { ...request, page, perPage }),
		Infinity,
		{ node: context.getNode(), itemIndex: itemIndexOf(context) },
	);
}

/** The execution's cancel signal, where the context has one (a poll's; the editor's list search has none). */
function cancelSignalOf(context: ZohoContext): AbortSignal | undefined {
	return (
		context as { getExecutionCancelSignal?: () => AbortSignal | undefined }
	).getExecutionCancelSignal?.();
}

/**
 * Which run a request belongs to, for fairness between runs (rateLimits.ts).
 * A routed item's run is the node's pass over its items (runScope.ts: each
 * pass of a loop and each try of Retry On Fail is its own). A list search and
 * a poll have no execute data: each has its own context object.
 */
function runOf(context: ZohoContext): object {
	return 'getItemIndex' in context ? (runKeyOf(context) ?? context.getExecuteData()) : context;
}

/**
 * Where a failure is reported and how the organization's limits apply, for
 * one request of one item: the same for routed requests (pipeline.ts, which
 * names the operation and its scopes) and the ones made here.
 */
export function requestScope(
	context: ZohoContext,
	connection: ZohoConnection,
	noun: string,
	operation?: ZohoOperation,
): { source: AnswerSource; limits: RateLimitOptions } {
	const waitOut = connection.waitsOutRateLimits;
	return {
		source: {
			node: context.getNode(),
			failure: {
				host: connection.host,
				noun,
				itemIndex: itemIndexOf(context),
				waitsOutRateLimits: waitOut,
				credentialType: connection.credentialType,
				operation: operation?.option.name,
				scopes: operation?.scopes,
			},
		},
		limits: {
			organization: connection.organizationKey,
			simultaneousCalls: connection.simultaneousCalls,
			waitOut,
			run: runOf(context),
			// An item's calls leave the queue when its run stops (shared/runScope.ts) or the execution is cancelled.
			signal: 'getItemIndex' in context ? callSignal(context) : cancelSignalOf(context),
		},
	};
}

/**
 * A Zoho Invoice request made outside the node's routing: the user directory,
 * the editor's user picker, Update's fill-in, the trigger's listing. Same
 * credential, base URL, organization header, rate limits and error messages
 * as routed requests. Resolves with Zoho's success envelope.
 */
async function sendZohoRequest(
	context: ZohoContext,
	request: ZohoRequest,
): Promise<{ envelope: Record<string, unknown>; source: AnswerSource }>;
async function sendZohoRequest(
	context: ZohoContext,
	request: ZohoRequest,
	answers: { noSuchRecord: true },
): Promise<{ envelope: Record<string, unknown>; source: AnswerSource } | undefined>;
async function sendZohoRequest(
	context: ZohoContext,
	request: ZohoRequest,
	answers?: { noSuchRecord: true },
): Promise<{ envelope: Record<string, unknown>; source: AnswerSource } | undefined> {
	const connection = await zohoConnection(context);
	const { source, limits } = requestScope(context, connection, request.noun);
	let response: { body: unknown };
	try {
		response = await withinRateLimits(limits, async () => {
			const answer = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				connection.credentialType,
				{
					method: request.method,
					baseURL: connection.apiUrl,
					url: request.path,
					qs: request.qs,
					body: request.body,
					headers: {
						Accept: 'application/json',
						[ORGANIZATION_HEADER]: connection.organizationId,
					},
					json: true,
					returnFullResponse: true,
				},
			)) as IN8nHttpFullResponse;
			noteZohoAnswerHeaders(connection.organizationKey, answer.headers);
			return answer;
		});
	} catch (error) {
		if (answers?.noSuchRecord && isNoSuchRecord(readHttpFailure(error))) return undefined;
		throw requestFailedError(source.node, error, source.failure);
	}
	if (answers?.noSuchRecord && isNoSuchRecord({ body: response.body })) return undefined;
	return { envelope: successOf(response.body, source), source };
}

/**
 * A postReceive for every routed request (the Resource selector declares it):
 * n8n hands a postReceive function the full response on both n8n lines, the
 * one place a declarative node sees a routed answer's headers. The items pass
 * through as they came.
 */
export async function noteRoutedAnswerHeaders(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	noteZohoAnswerHeaders((await zohoConnection(this)).organizationKey, response.headers);
	return items;
}
