/**
 * Zoho Invoice requests made outside the node's routing: the user directory,
 * the editor's user picker, Update's fill-in, the trigger's listing and its
 * confirmations. The routed path (shared/pipeline.ts) never comes here.
 */
import type { IDataObject, IHttpRequestMethods, IN8nHttpFullResponse } from 'n8n-workflow';

import { listPageOf, recordOf, successOf } from './answers';
import type { AnswerSource } from './answers';
import { requestScope, zohoConnection } from './connection';
import type { ZohoContext } from './parameters';
import { requestFailedError } from './errors';
import { answerSaysNoSuchRecord, readFailure } from './failure';
import { collectPages } from './pagination';
import type { Page } from './pagination';
import { itemIndexOf } from './parameters';
import { noteZohoAnswerHeaders, withinRateLimits } from './rateLimits';
import { ORGANIZATION_HEADER } from './zoho';

interface ZohoRequest {
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

/** Every record of a list endpoint, e.g. all users: ⌈records ÷ 200⌉ requests, each told to `onPage`. */
export async function listAllRecords(
	context: ZohoContext,
	request: Omit<ZohoRequest, 'method'> & { key: string },
	onPage?: () => void,
): Promise<IDataObject[]> {
	return await collectPages(
		async (page, perPage) => {
			onPage?.();
			return await zohoListPage(context, { ...request, page, perPage });
		},
		Infinity,
		{ node: context.getNode(), itemIndex: itemIndexOf(context) },
	);
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
		if (answers?.noSuchRecord && readFailure(error).noSuchRecord) return undefined;
		throw requestFailedError(source.node, error, source.failure);
	}
	if (answers?.noSuchRecord && answerSaysNoSuchRecord(response.body)) return undefined;
	return { envelope: successOf(response.body, source), source };
}
